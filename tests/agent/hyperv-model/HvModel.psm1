# Test helpers for the Hyper-V rules model: seed a host, load the model into this session (and
# the processes it starts), read the state and the call log back. Not part of the model: scripts
# under test never call these.
Set-StrictMode -Version Latest

$script:ModulesDir = Join-Path $PSScriptRoot 'modules'

# The loading contract in one place: environment variables every process started from here
# inherits (pwsh -File, Start-Job, the agent's worker).
function Get-HvModelEnvironment {
    param([Parameter(Mandatory)][string]$StatePath, [string]$CacheDir)
    $envs = [ordered]@{
        PSModulePath  = $script:ModulesDir + [IO.Path]::PathSeparator + [string]$env:PSModulePath
        HVMODEL_STATE = $StatePath
    }
    if ($CacheDir -ne '') { $envs.HVMODEL_CACHE = $CacheDir }
    return $envs
}

# Writes a fresh state file for a host and points this session at it.
#   -Switches   names, or hashtables @{ name; switchType = 'External'|'Internal'|'Private' }
#   -Images     hashtable name -> size in bytes: <ImageDir>/<name>.vhdx base images (dynamic VHDX)
#   -HostInfo   overrides of state.host (logicalProcessorCount, memoryCapacityBytes,
#               freeMemoryBytes, name, osCaption, osVersion, virtualMachinePath, ...)
#   -Options    state.options (see README: shutdownSeconds, warnings, guests, failures, ...)
function Initialize-HvModel {
    param(
        [Parameter(Mandatory)][string]$StatePath,
        [object[]]$Switches = @('external'),
        [string]$ImageDir,
        [hashtable]$Images = @{},
        [hashtable]$HostInfo = @{},
        [hashtable]$Options = @{}
    )
    $hostState = [ordered]@{
        name                  = 'HVMODEL01'
        logicalProcessorCount = 16
        memoryCapacityBytes   = [int64]68719476736
        freeMemoryBytes       = [int64]51539607552
        virtualMachinePath    = ''
        virtualHardDiskPath   = ''
        osCaption             = 'Microsoft Windows Server 2022 Datacenter'
        osVersion             = '10.0.20348'
    }
    foreach ($key in $HostInfo.Keys) { $hostState[$key] = $HostInfo[$key] }
    $switchList = @()
    foreach ($sw in $Switches) {
        if ($sw -is [string]) { $sw = @{ name = $sw; switchType = 'External' } }
        $type = 'External'
        if ($sw.ContainsKey('switchType')) { $type = [string]$sw.switchType }
        $switchList += [ordered]@{ id = [Guid]::NewGuid().ToString(); name = [string]$sw.name; switchType = $type }
    }
    $vhds = @()
    if ($Images.Count -gt 0) {
        if ($ImageDir -eq '') { throw 'Initialize-HvModel: -Images needs -ImageDir' }
        $null = New-Item -ItemType Directory -Force -Path $ImageDir
        foreach ($name in $Images.Keys) {
            $path = [IO.Path]::GetFullPath((Join-Path $ImageDir ($name + '.vhdx')))
            [IO.File]::WriteAllText($path, 'hyper-v model placeholder for a base image')
            $vhds += [ordered]@{ id = [Guid]::NewGuid().ToString().ToUpperInvariant(); path = $path; type = 'Dynamic'; size = [uint64]$Images[$name]; minimumSize = [uint64]0; parentPath = '' }
        }
    }
    $state = [ordered]@{ host = $hostState; switches = $switchList; vhds = $vhds; vms = @(); options = $Options; calls = @() }
    $folder = Split-Path -Parent ([IO.Path]::GetFullPath($StatePath))
    $null = New-Item -ItemType Directory -Force -Path $folder
    [IO.File]::WriteAllText($StatePath, (ConvertTo-Json -InputObject $state -Depth 64))
    $envs = Get-HvModelEnvironment -StatePath ([IO.Path]::GetFullPath($StatePath)) -CacheDir ([string]$env:HVMODEL_CACHE)
    foreach ($key in $envs.Keys) { Set-Item -Path ('env:' + $key) -Value $envs[$key] }
}

# The whole state as hashtables: host, switches, vhds, vms (records), options, calls.
function Get-HvModelState {
    param([string]$StatePath = $env:HVMODEL_STATE)
    return (Get-Content -LiteralPath $StatePath -Raw | ConvertFrom-Json -AsHashtable -Depth 64)
}

# Replaces the state file in one step (a new file moved over it), as the model's cmdlets do.
function Save-HvModelState {
    param([Parameter(Mandatory)]$State, [string]$StatePath = $env:HVMODEL_STATE)
    $temp = $StatePath + '.' + [Guid]::NewGuid().ToString('N') + '.tmp'
    [IO.File]::WriteAllText($temp, (ConvertTo-Json -InputObject $State -Depth 64))
    Move-Item -LiteralPath $temp -Destination $StatePath -Force
}

# Runs $Change on the state under the lock the model's cmdlets take (<state>.lock, exclusive), then
# saves it: a change made while an agent's worker runs cmdlets is neither lost nor overwritten.
function Update-HvModelState {
    param([Parameter(Mandatory)][scriptblock]$Change, [string]$StatePath = $env:HVMODEL_STATE)
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ($true) {
        try {
            $lock = [IO.File]::Open($StatePath + '.lock', [IO.FileMode]::OpenOrCreate, [IO.FileAccess]::ReadWrite, [IO.FileShare]::None)
            break
        } catch [System.IO.IOException] {
            if ([DateTime]::UtcNow -gt $deadline) { throw ('Hyper-V model: the state lock of ' + $StatePath + ' stayed busy for 60 s') }
            Start-Sleep -Milliseconds 15
        }
    }
    try {
        $state = Get-HvModelState -StatePath $StatePath
        & $Change $state
        Save-HvModelState -State $state -StatePath $StatePath
    } finally {
        $lock.Dispose()
    }
}

# Merges $Options into state.options (e.g. @{ shutdownSeconds = 3; warnings = @{ 'Stop-VM' = 'x' } }).
function Set-HvModelOption {
    param([Parameter(Mandatory)][hashtable]$Options, [string]$StatePath = $env:HVMODEL_STATE)
    Update-HvModelState -StatePath $StatePath -Change {
        param($state)
        foreach ($key in $Options.Keys) { $state.options[$key] = $Options[$key] }
    }
}

# Puts a VM straight into a power state (Running, Off, Saved, Paused) without the cmdlets' rules,
# to set up a test.
function Set-HvModelVmState {
    param([Parameter(Mandatory)][string]$Name, [Parameter(Mandatory)][string]$PowerState, [string]$StatePath = $env:HVMODEL_STATE)
    Update-HvModelState -StatePath $StatePath -Change {
        param($state)
        foreach ($vm in $state.vms) {
            if ($vm.name -eq $Name) {
                $vm.state = $PowerState
                if ($PowerState -eq 'Off') { $vm.startedAt = $null } else { $vm.startedAt = [DateTime]::UtcNow.ToString('o') }
            }
        }
    }
}

# Arranges what Measure-VM reports for a VM whose metering is on (Enable-VMResourceMetering):
# any of averageProcessorMhz, diskReadMB, diskWrittenMB, inboundMB, outboundMB, and
# sinceSeconds (metering enabled that long ago).
function Set-HvModelMetering {
    param([Parameter(Mandatory)][string]$Name, [Parameter(Mandatory)][hashtable]$Usage, [string]$StatePath = $env:HVMODEL_STATE)
    $state = Get-HvModelState -StatePath $StatePath
    foreach ($vm in $state.vms) {
        if ($vm.name -ne $Name) { continue }
        if (-not $vm.Contains('metering') -or $null -eq $vm.metering) { throw ('metering is not enabled for ' + $Name) }
        foreach ($key in $Usage.Keys) {
            if ($key -eq 'sinceSeconds') { $vm.metering.enabledAt = [DateTime]::UtcNow.AddSeconds(-[double]$Usage[$key]).ToString('o') }
            else { $vm.metering[$key] = $Usage[$key] }
        }
    }
    Save-HvModelState -State $state -StatePath $StatePath
}

# The call log: one entry per cmdlet call (cmdlet, parameters, vmName, vmState, ok, error),
# refused calls included. -Cmdlet filters by name. Wrap in @() to count.
function Get-HvModelCalls {
    param([string]$Cmdlet, [string]$StatePath = $env:HVMODEL_STATE)
    $calls = @((Get-HvModelState -StatePath $StatePath).calls)
    if ($Cmdlet -ne '') { $calls = @($calls | Where-Object { $_.cmdlet -eq $Cmdlet }) }
    return $calls
}

function Clear-HvModelCalls {
    param([string]$StatePath = $env:HVMODEL_STATE)
    Update-HvModelState -StatePath $StatePath -Change { param($state) $state.calls = @() }
}

Export-ModuleMember -Function Get-HvModelEnvironment, Initialize-HvModel, Get-HvModelState, Save-HvModelState, Update-HvModelState, Set-HvModelOption, Set-HvModelVmState, Get-HvModelCalls, Clear-HvModelCalls, Set-HvModelMetering
