# Shared by the agent scripts' Pester tests: a fresh modelled host per test in $TestDrive, the
# agent's inputs built as the C++ driver builds them, and the scripts run for real, in process
# (as worker.ps1 runs them) or as their own pwsh process (as OneShotPowerShell runs them).
$script:ModelDir = Join-Path $PSScriptRoot '../hyperv-model'
$script:ScriptDir = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../../hostagent/scripts'))
Import-Module (Join-Path $script:ModelDir 'HvModel.psm1') -Force

function Reset-ScriptHost {
    param([hashtable]$Options = @{}, [hashtable]$HostInfo = @{})
    $root = Join-Path $TestDrive ([Guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $root 'vms')
    Initialize-HvModel -StatePath (Join-Path $root 'state.json') -Switches lan, @{ name = 'wan'; switchType = 'Internal' } `
        -ImageDir (Join-Path $root 'images') -Images @{ 'ubuntu-24.04' = 10GB } -HostInfo $HostInfo -Options $Options
    Import-Module Hyper-V -Force
    [IO.File]::WriteAllText((Join-Path $root 'seed-1.iso'), 'iso')
    [IO.File]::WriteAllText((Join-Path $root 'seed-2.iso'), 'iso')
    return $root
}

# The spec as HypervDriver sends it (spec_input): sizes in bytes, cloud-init left out.
function New-TestSpec {
    param([string]$Uid = 'u-1', [string]$Name = 'web-1')
    return @{
        uid = $Uid; name = $Name; namespace = 'team-a'; objectGeneration = 3; generation = 2
        cpu = @{ count = 2; reservePercent = 0; limitPercent = 100; weight = 100; exposeVirtualizationExtensions = $false }
        memory = @{ startupBytes = 2GB }
        firmware = @{ secureBoot = $true; secureBootTemplate = 'MicrosoftUEFICertificateAuthority'; tpm = $false }
        image = 'ubuntu-24.04'
        disks = @(@{ name = 'os'; sizeBytes = 0; source = 'image' }, @{ name = 'data'; sizeBytes = 1GB; source = 'blank' })
        networks = @(@{ name = 'nic0'; switch = 'lan'; vlanId = 40; macAddress = '00155D000001' })
        power = 'Running'; shutdownTimeoutSeconds = 120
    }
}

# Runs one script in this process with its input as the worker hands it over (parsed JSON).
function Invoke-TestScript {
    param([string]$Name, [hashtable]$In)
    $data = ConvertTo-Json -InputObject $In -Depth 20 -Compress | ConvertFrom-Json
    $reply = & (Join-Path $script:ScriptDir ($Name + '.ps1')) -Request $data
    return $reply
}

# The result of a script that must succeed.
function Invoke-TestScriptOk {
    param([string]$Name, [hashtable]$In)
    $reply = Invoke-TestScript $Name $In
    if (-not $reply.ok) { throw ('script ' + $Name + ' failed: ' + $reply.error.code + ': ' + $reply.error.message) }
    return $reply.result
}

function Invoke-Create {
    param([string]$Root, [hashtable]$Spec)
    return Invoke-TestScriptOk ensure @{
        phase = 'create'; spec = $Spec; vmName = ($Spec.namespace + '.' + $Spec.name)
        switches = @($Spec.networks | ForEach-Object { $_.switch }); vmDir = (Join-Path $Root 'vms'); imageDir = (Join-Path $Root 'images')
    }
}

function Invoke-Apply {
    param([string]$Root, [hashtable]$Spec, [string]$VmId, [string[]]$Fields = @(), [string]$SeedIso = '', [string]$Power = 'Unchanged')
    return Invoke-TestScriptOk ensure @{
        phase = 'apply'; vmId = $VmId; spec = $Spec; fields = @($Fields); seedIso = $SeedIso; power = $Power
        vmDir = (Join-Path $Root 'vms'); imageDir = (Join-Path $Root 'images')
    }
}

# Creates the VM of $Spec and applies everything a fresh VM needs (the plan of a VM that is off).
function New-ConvergedVm {
    param([string]$Root, [hashtable]$Spec, [string]$Power = 'Running')
    $created = Invoke-Create $Root $Spec
    $fields = @('cpu.count', 'firmware.secureBoot') + @($Spec.disks | ForEach-Object { 'disks[' + $_.name + ']' })
    if ($Spec.firmware.tpm) { $fields += 'firmware.tpm' }
    if ($Spec.memory.ContainsKey('dynamic')) { $fields += 'memory.dynamic' }
    $applied = Invoke-Apply $Root $Spec $created.vm.vmId -Fields $fields -SeedIso (Join-Path $Root 'seed-1.iso') -Power $Power
    return $applied.vm
}

# Model calls of one cmdlet made since the last Clear-HvModelCalls.
function Get-Calls {
    param([string]$Cmdlet)
    $calls = Get-HvModelCalls -Cmdlet $Cmdlet  # one array (the model returns it whole)
    return $calls
}

# A pwsh to start scripts as their own processes: $env:HVO_PWSH (ctest sets it), else the one on
# PATH, else the .NET global tool's. (This process' own path is the dotnet host, not pwsh.)
function Get-PwshPath {
    if ([string]$env:HVO_PWSH -ne '') { return [string]$env:HVO_PWSH }
    $found = Get-Command pwsh -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($null -ne $found) { return $found.Source }
    return (Join-Path $HOME '.dotnet/tools/pwsh')
}
