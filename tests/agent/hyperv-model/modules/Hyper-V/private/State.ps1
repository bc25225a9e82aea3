# The model's state: one JSON file named by $env:HVMODEL_STATE, read at the start of every cmdlet
# and written back after every change, under a lock file, so a long-lived worker, a Start-Job child
# and the test itself always see one host. Options come from the state's "options" object with
# $env:HVMODEL_OPTIONS (JSON) merged over it.

$script:HvDefaultOptions = [ordered]@{
    # Seconds a guest takes to shut down after Stop-VM asks it to (no -TurnOff).
    shutdownSeconds        = 0
    # How long Stop-VM waits for the guest before failing; a real host gives it five minutes.
    shutdownTimeoutSeconds = 300
    # cmdlet name -> WARNING text that cmdlet writes on every call.
    warnings               = @{}
    # VM name -> @{ shutdownSeconds; noShutdownService; ignoreShutdown; locked }
    guests                 = @{}
    # @{ cmdlet; vmName; message } : that cmdlet fails for that VM (one failing VM in its own row).
    failures               = @()
    # Allow changing the startup memory of a running VM with static memory (runtime resize).
    runtimeMemoryResize    = $false
}

function Get-HvStatePath {
    $path = [string]$env:HVMODEL_STATE
    if ($path -eq '') {
        throw 'Hyper-V model: HVMODEL_STATE is not set (the path of the model''s state JSON; see tests/agent/hyperv-model/README.md)'
    }
    return $path
}

function New-HvEmptyState {
    return [ordered]@{
        host     = [ordered]@{
            name                  = 'HVMODEL01'
            logicalProcessorCount = 16
            memoryCapacityBytes   = [int64]68719476736
            freeMemoryBytes       = [int64]51539607552
            virtualMachinePath    = ''
            virtualHardDiskPath   = ''
            osCaption             = 'Microsoft Windows Server 2022 Datacenter'
            osVersion             = '10.0.20348'
        }
        switches = @()
        vhds     = @()
        vms      = @()
        options  = [ordered]@{}
        calls    = @()
    }
}

function Read-HvStateFile {
    param([string]$Path)
    if (-not (Test-Path -LiteralPath $Path)) { return (New-HvEmptyState) }
    $text = [IO.File]::ReadAllText($Path)
    if ($text.Trim().Length -eq 0) { return (New-HvEmptyState) }
    $state = ConvertFrom-Json -InputObject $text -AsHashtable -Depth 64
    $empty = New-HvEmptyState
    foreach ($key in $empty.Keys) {
        if (-not $state.Contains($key)) { $state[$key] = $empty[$key] }
    }
    foreach ($key in $empty.host.Keys) {
        if (-not $state.host.Contains($key)) { $state.host[$key] = $empty.host[$key] }
    }
    foreach ($list in 'switches', 'vhds', 'vms', 'calls') { $state[$list] = @($state[$list]) }
    return $state
}

function Write-HvStateFile {
    param([string]$Path, $State)
    $calls = @($State.calls)
    if ($calls.Count -gt 5000) { $State.calls = @($calls[($calls.Count - 5000)..($calls.Count - 1)]) }
    $temp = $Path + '.' + [Guid]::NewGuid().ToString('N') + '.tmp'
    [IO.File]::WriteAllText($temp, (ConvertTo-Json -InputObject $State -Depth 64))
    Move-Item -LiteralPath $temp -Destination $Path -Force
}

# An exclusive lock on <state>.lock (FileShare.None is an flock on Linux), retried for 60 s.
function Lock-HvState {
    param([string]$Path)
    $lockPath = $Path + '.lock'
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ($true) {
        try {
            return [IO.File]::Open($lockPath, [IO.FileMode]::OpenOrCreate, [IO.FileAccess]::ReadWrite, [IO.FileShare]::None)
        } catch [System.IO.IOException] {
            if ([DateTime]::UtcNow -gt $deadline) { throw ('Hyper-V model: the state lock ' + $lockPath + ' stayed busy for 60 s') }
            Start-Sleep -Milliseconds 15
        }
    }
}

function Get-HvOptions {
    param($State)
    $options = [ordered]@{}
    foreach ($key in $script:HvDefaultOptions.Keys) { $options[$key] = $script:HvDefaultOptions[$key] }
    foreach ($key in @($State.options.Keys)) { $options[$key] = $State.options[$key] }
    $fromEnv = [string]$env:HVMODEL_OPTIONS
    if ($fromEnv.Trim().Length -gt 0) {
        $parsed = ConvertFrom-Json -InputObject $fromEnv -AsHashtable -Depth 64
        foreach ($key in @($parsed.Keys)) { $options[$key] = $parsed[$key] }
    }
    return $options
}

# A parameter value as the call log keeps it: names for Hyper-V objects, text for the rest.
function ConvertTo-HvLogValue {
    param($Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [System.Management.Automation.SwitchParameter]) { return [bool]$Value }
    if ($Value -is [bool] -or $Value -is [int] -or $Value -is [long] -or $Value -is [uint64] -or $Value -is [int16] -or $Value -is [uint32]) { return $Value }
    if ($Value -is [Array]) { return @($Value | ForEach-Object { ConvertTo-HvLogValue $_ }) }
    if ($Value -is [Microsoft.HyperV.PowerShell.VirtualMachine]) { return 'VM:' + $Value.Name }
    if ($Value -is [Microsoft.HyperV.PowerShell.VMComponentObject]) { return $Value.GetType().Name + ':' + $Value.Name }
    return [string]$Value
}

# Runs $Action with the freshly read state (and the options) under the lock. The action returns
# $true when it changed the state; the state is then written back. Every call is appended to
# state.calls (cmdlet, parameters, the VM and its state, ok or the error), refused ones included,
# so a test can prove a change was never attempted while the VM was running.
function Use-HvState {
    param($Cmdlet, [scriptblock]$Action, $Context = @{})
    # Locals carry an hv prefix: $Action runs in a child scope of this function and must see the
    # calling cmdlet's parameters ($Path, $Name, ...), not these.
    $hvStatePath = Get-HvStatePath
    $hvLock = Lock-HvState -Path $hvStatePath
    try {
        $hvState = Read-HvStateFile -Path $hvStatePath
        $hvOptions = Get-HvOptions -State $hvState
        $hvEntry = [ordered]@{
            time       = [DateTime]::UtcNow.ToString('o')
            cmdlet     = $Cmdlet.MyInvocation.MyCommand.Name
            parameters = [ordered]@{}
            vmName     = $null
            vmState    = $null
            ok         = $true
            error      = $null
        }
        foreach ($hvKey in $Cmdlet.MyInvocation.BoundParameters.Keys) {
            $hvEntry.parameters[$hvKey] = ConvertTo-HvLogValue $Cmdlet.MyInvocation.BoundParameters[$hvKey]
        }
        $Context.entry = $hvEntry
        try {
            $hvResult = & $Action $hvState $hvOptions
            $hvState.calls = @($hvState.calls) + $hvEntry
            Write-HvStateFile -Path $hvStatePath -State $hvState
            return $hvResult
        } catch {
            $hvFresh = Read-HvStateFile -Path $hvStatePath
            $hvEntry.ok = $false
            $hvEntry.error = [string]$_.Exception.Message
            $hvFresh.calls = @($hvFresh.calls) + $hvEntry
            Write-HvStateFile -Path $hvStatePath -State $hvFresh
            throw
        }
    } finally {
        $hvLock.Dispose()
    }
}

function Set-HvCallVm {
    param($Context, $Vm)
    if ($null -ne $Context.entry -and $null -ne $Vm) {
        $Context.entry.vmName = [string]$Vm.name
        $Context.entry.vmState = [string]$Vm.state
    }
}
