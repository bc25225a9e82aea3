# Errors, preferences, lookups and the conversion of state records into Hyper-V objects.

# Script-module functions do not see the caller's preference variables (they resolve them in the
# module's scope, then the global one), while the real compiled cmdlets do. Dot-sourced at the top
# of every cmdlet, this copies the caller's $ErrorActionPreference, $WarningPreference,
# $ConfirmPreference, $WhatIfPreference and $VerbosePreference into the cmdlet's own scope, unless
# the matching common parameter was given.
function Import-HvCallerPreference {
    param($Cmdlet)
    $bound = $Cmdlet.MyInvocation.BoundParameters
    $callerState = $Cmdlet.SessionState
    if (-not $bound.ContainsKey('ErrorAction')) { $ErrorActionPreference = $callerState.PSVariable.GetValue('ErrorActionPreference') }
    if (-not $bound.ContainsKey('WarningAction')) { $WarningPreference = $callerState.PSVariable.GetValue('WarningPreference') }
    if (-not $bound.ContainsKey('Verbose')) { $VerbosePreference = $callerState.PSVariable.GetValue('VerbosePreference') }
    if (-not $bound.ContainsKey('Confirm')) { $ConfirmPreference = $callerState.PSVariable.GetValue('ConfirmPreference') }
    if (-not $bound.ContainsKey('WhatIf')) { $WhatIfPreference = $callerState.PSVariable.GetValue('WhatIfPreference') }
}

# Throws the error a cmdlet reports; Invoke-HvCmdlet hands it to WriteError.
function Stop-HvOperation {
    param(
        [string]$Message,
        [string]$ErrorId = 'InvalidState',
        [System.Management.Automation.ErrorCategory]$Category = [System.Management.Automation.ErrorCategory]::InvalidOperation,
        $Target = $null
    )
    $exception = New-Object Microsoft.HyperV.PowerShell.VirtualizationException($Message)
    throw (New-Object System.Management.Automation.ErrorRecord($exception, $ErrorId, $Category, $Target))
}

# Runs a cmdlet's body; a failure becomes the cmdlet's (non-terminating) error, which the caller's
# -ErrorAction / $ErrorActionPreference turns into a terminating one, as with the real module.
function Invoke-HvCmdlet {
    param($Cmdlet, [scriptblock]$Body)
    try {
        & $Body
    } catch [System.Management.Automation.ActionPreferenceStopException] {
        throw
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        $hvRecord = $_
        if ($hvRecord.Exception -isnot [Microsoft.HyperV.PowerShell.VirtualizationException]) {
            $hvRecord = New-Object System.Management.Automation.ErrorRecord(
                (New-Object Microsoft.HyperV.PowerShell.VirtualizationException($_.Exception.Message)),
                'Unspecified', [System.Management.Automation.ErrorCategory]::NotSpecified, $null)
        }
        $Cmdlet.WriteError($hvRecord)
    }
}

# WARNING lines on request (options.warnings: cmdlet name -> text), through the cmdlet's own
# warning stream so the caller's $WarningPreference / -WarningAction decide what happens.
function Write-HvRequestedWarning {
    param($Cmdlet, $Options)
    $name = $Cmdlet.MyInvocation.MyCommand.Name
    $warnings = $Options.warnings
    if ($null -ne $warnings -and $warnings.Contains($name)) { $Cmdlet.WriteWarning([string]$warnings[$name]) }
}

# options.failures: @{ cmdlet; vmName; message } entries make one cmdlet fail for one VM.
function Assert-HvNoInjectedFailure {
    param($Cmdlet, $Options, $Vm)
    $name = $Cmdlet.MyInvocation.MyCommand.Name
    foreach ($failure in @($Options.failures)) {
        if ($null -eq $failure) { continue }
        if ([string]$failure.cmdlet -eq $name -and [string]$failure.vmName -eq [string]$Vm.name) {
            $message = [string]$failure.message
            if ($message -eq '') { $message = 'The operation failed (injected by the Hyper-V model).' }
            Stop-HvOperation -Message $message -ErrorId 'OperationFailed' -Target $Vm.name
        }
    }
}

function Get-HvGuestOption {
    param($Options, $Vm, [string]$Key, $Default)
    $guests = $Options.guests
    if ($null -ne $guests -and $guests.Contains([string]$Vm.name)) {
        $guest = $guests[[string]$Vm.name]
        if ($guest.Contains($Key)) { return $guest[$Key] }
    }
    return $Default
}

# --- lookups over state records -------------------------------------------------------------

function Find-HvVmById {
    param($State, [Guid]$Id)
    foreach ($vm in $State.vms) { if ([Guid]$vm.id -eq $Id) { return $vm } }
    Stop-HvOperation -Message ('Hyper-V was unable to find a virtual machine with id "' + $Id + '".') `
        -ErrorId 'InvalidParameter' -Category ObjectNotFound -Target $Id
}

function Find-HvVmByName {
    param($State, [string]$Name, [switch]$Wildcard)
    $found = @($State.vms | Where-Object {
            if ($Wildcard) { [string]$_.name -like $Name } else { [string]$_.name -eq $Name }
        })
    if ($found.Count -eq 0 -and -not ($Wildcard -and [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($Name))) {
        Stop-HvOperation -Message ('Hyper-V was unable to find a virtual machine with name "' + $Name + '".') `
            -ErrorId 'InvalidParameter' -Category ObjectNotFound -Target $Name
    }
    return $found
}

# The VM records a cmdlet works on: from -VM objects (by Id) or -VMName / -Name strings.
function Resolve-HvVms {
    param($State, $VM, $VMName)
    $records = @()
    if ($null -ne $VM) {
        foreach ($one in @($VM)) { $records += Find-HvVmById -State $State -Id $one.Id }
    }
    if ($null -ne $VMName) {
        foreach ($one in @($VMName)) { $records += @(Find-HvVmByName -State $State -Name $one) }
    }
    return $records
}

function Find-HvDevice {
    param($State, $Device, [string]$List)
    $vm = Find-HvVmById -State $State -Id $Device.VMId
    foreach ($item in @($vm[$List])) {
        if ([string]$item.id -eq [string]$Device.Id) { return @{ vm = $vm; item = $item } }
    }
    Stop-HvOperation -Message ('Hyper-V was unable to find the device "' + $Device.Name + '" of virtual machine "' + $vm.name + '".') `
        -ErrorId 'ObjectNotFound' -Category ObjectNotFound -Target $Device.Name
}

function Find-HvVhd {
    param($State, [string]$Path)
    foreach ($vhd in $State.vhds) {
        if ([string]$vhd.path -eq $Path) { return $vhd }
    }
    return $null
}

function Get-HvFullPath {
    param([string]$Path)
    return [IO.Path]::GetFullPath($Path)
}

# --- state records -> Hyper-V objects -------------------------------------------------------

function Get-HvComputerName {
    param($State)
    return [string]$State.host.name
}

function ConvertTo-HvVm {
    param($State, $Vm)
    $out = New-Object Microsoft.HyperV.PowerShell.VirtualMachine
    $out.Id = [Guid]$Vm.id
    $out.Name = [string]$Vm.name
    $out.ComputerName = Get-HvComputerName $State
    $out.State = [Microsoft.HyperV.PowerShell.VMState][string]$Vm.state
    $out.Generation = [int]$Vm.generation
    $out.Version = [string]$Vm.version
    $out.Notes = [string]$Vm.notes
    $out.AutomaticStartAction = [Microsoft.HyperV.PowerShell.StartAction][string]$Vm.automaticStartAction
    $out.Path = [string]$Vm.path
    $out.ConfigurationLocation = [string]$Vm.path
    $out.ProcessorCount = [int64]$Vm.processor.count
    $out.MemoryStartup = [int64]$Vm.memory.startup
    $out.MemoryMinimum = [int64]$Vm.memory.minimum
    $out.MemoryMaximum = [int64]$Vm.memory.maximum
    $out.DynamicMemoryEnabled = [bool]$Vm.memory.dynamic
    $out.Status = 'Operating normally'
    $out.ResourceMeteringEnabled = ($Vm.Contains('metering') -and $null -ne $Vm.metering)
    if ([string]$Vm.state -eq 'Running' -or [string]$Vm.state -eq 'Paused') {
        $out.MemoryAssigned = [int64]$Vm.memory.startup
        $out.MemoryDemand = [int64]([int64]$Vm.memory.startup / 2)
        $started = [DateTime]::Parse([string]$Vm.startedAt, [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]::RoundtripKind)
        $out.Uptime = [DateTime]::UtcNow - $started
    } else {
        $out.Uptime = [TimeSpan]::Zero
    }
    return $out
}

function Set-HvComponentBase {
    param($Object, $State, $Vm, [string]$Name)
    $Object.Name = $Name
    $Object.VMName = [string]$Vm.name
    $Object.VMId = [Guid]$Vm.id
    $Object.ComputerName = Get-HvComputerName $State
}

function ConvertTo-HvNic {
    param($State, $Vm, $Nic)
    $out = New-Object Microsoft.HyperV.PowerShell.VMNetworkAdapter
    Set-HvComponentBase $out $State $Vm ([string]$Nic.name)
    $out.Id = [string]$Nic.id
    $out.SwitchName = [string]$Nic.switchName
    $out.Connected = ([string]$Nic.switchName -ne '')
    $out.MacAddress = [string]$Nic.macAddress
    $out.DynamicMacAddressEnabled = [bool]$Nic.dynamicMac
    $out.IsLegacy = [bool]$Nic.legacy
    $out.IPAddresses = [string[]]@()
    return $out
}

function Get-HvDriveName {
    param([string]$Kind, $Drive)
    return ($Kind + ' on ' + [string]$Drive.controllerType + ' controller number ' + [string]$Drive.controllerNumber + ' at location ' + [string]$Drive.controllerLocation)
}

function ConvertTo-HvHardDisk {
    param($State, $Vm, $Drive)
    $out = New-Object Microsoft.HyperV.PowerShell.HardDiskDrive
    Set-HvComponentBase $out $State $Vm (Get-HvDriveName 'Hard Drive' $Drive)
    $out.Id = [string]$Drive.id
    $out.ControllerType = [Microsoft.HyperV.PowerShell.ControllerType][string]$Drive.controllerType
    $out.ControllerNumber = [int]$Drive.controllerNumber
    $out.ControllerLocation = [int]$Drive.controllerLocation
    $out.Path = [string]$Drive.path
    return $out
}

function ConvertTo-HvDvd {
    param($State, $Vm, $Drive)
    $out = New-Object Microsoft.HyperV.PowerShell.DvdDrive
    Set-HvComponentBase $out $State $Vm (Get-HvDriveName 'DVD Drive' $Drive)
    $out.Id = [string]$Drive.id
    $out.ControllerType = [Microsoft.HyperV.PowerShell.ControllerType][string]$Drive.controllerType
    $out.ControllerNumber = [int]$Drive.controllerNumber
    $out.ControllerLocation = [int]$Drive.controllerLocation
    if ([string]$Drive.path -ne '') {
        $out.Path = [string]$Drive.path
        $out.DvdMediaType = [Microsoft.HyperV.PowerShell.DvdMediaType]::ISO
    } else {
        $out.Path = $null
        $out.DvdMediaType = [Microsoft.HyperV.PowerShell.DvdMediaType]::None
    }
    return $out
}

function ConvertTo-HvVhd {
    param($State, $Vhd, [bool]$Attached)
    $out = New-Object Microsoft.Vhd.PowerShell.VirtualHardDisk
    $out.ComputerName = Get-HvComputerName $State
    $out.Path = [string]$Vhd.path
    if ([string]$Vhd.path -like '*.vhd') { $out.VhdFormat = [Microsoft.Vhd.PowerShell.VhdFormat]::VHD } else { $out.VhdFormat = [Microsoft.Vhd.PowerShell.VhdFormat]::VHDX }
    $out.VhdType = [Microsoft.Vhd.PowerShell.VhdType][string]$Vhd.type
    $out.Size = [uint64]$Vhd.size
    $out.FileSize = [uint64]4194304
    $out.MinimumSize = [uint64]$Vhd.minimumSize
    $out.ParentPath = [string]$Vhd.parentPath
    $out.DiskIdentifier = [string]$Vhd.id
    $out.Attached = $Attached
    $out.BlockSize = [uint32]33554432
    $out.LogicalSectorSize = [uint32]512
    $out.PhysicalSectorSize = [uint32]4096
    return $out
}

function Test-HvVmIsOff {
    param($Vm)
    return ([string]$Vm.state -eq 'Off')
}

# The rule behind most Set-* refusals: the change needs the VM turned off (not Running, Paused,
# Saved). The message follows the real one: the device could not be modified in this state.
function Assert-HvVmOff {
    param($Vm, [string]$What)
    if (-not (Test-HvVmIsOff $Vm)) {
        Stop-HvOperation -Message ('Failed to modify ' + $What + ' of virtual machine "' + $Vm.name + '": the operation cannot be performed while the virtual machine is in its current state (' + $Vm.state + '). Turn off the virtual machine first.') `
            -ErrorId 'InvalidState' -Category InvalidOperation -Target $Vm.name
    }
}

# Dynamic MAC addresses come from the host's pool (Hyper-V's 00-15-5D prefix), one per start.
function New-HvMacAddress {
    param($State)
    if (-not $State.host.Contains('macCounter')) { $State.host.macCounter = 0x010000 }
    $State.host.macCounter = [int]$State.host.macCounter + 1
    return ('00155D' + ('{0:X6}' -f ([int]$State.host.macCounter -band 0xFFFFFF)))
}
