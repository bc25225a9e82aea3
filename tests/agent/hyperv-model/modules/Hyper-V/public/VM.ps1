# Virtual machines: Get-VM, New-VM, Set-VM, Remove-VM and the power cmdlets.
# Parameter sets follow https://learn.microsoft.com/powershell/module/hyper-v/<cmdlet>; the remote
# parameters (-ComputerName, -CimSession, -Credential) and -AsJob are not modelled.

$script:TwoMB = [int64]2097152

function Get-VM {
    [CmdletBinding(DefaultParameterSetName = 'Name')]
    [OutputType([Microsoft.HyperV.PowerShell.VirtualMachine])]
    param(
        [Parameter(ParameterSetName = 'Name', Position = 0, ValueFromPipeline)]
        [Alias('VMName')]
        [ValidateNotNullOrEmpty()]
        [string[]]$Name,

        [Parameter(ParameterSetName = 'Id', Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Guid]$Id
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        $bound = $PSBoundParameters
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $found = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                # Get-VM -Id with an unknown id fails with ObjectNotFound (Find-HvVmById).
                if ($bound.ContainsKey('Id')) { return , @(ConvertTo-HvVm $State (Find-HvVmById $State $Id)) }
                if ($bound.ContainsKey('Name')) {
                    # Names are not unique on Hyper-V: every VM with the name is returned.
                    $list = @()
                    foreach ($one in $Name) {
                        foreach ($rec in @(Find-HvVmByName $State $one -Wildcard)) { $list += ConvertTo-HvVm $State $rec }
                    }
                    return , $list
                }
                return , @($State.vms | ForEach-Object { ConvertTo-HvVm $State $_ })
            }
            foreach ($vm in $found) { $PSCmdlet.WriteObject($vm) }
        }
    }
}

# A new VM record with Hyper-V's defaults for the generation: one network adapter named
# "Network Adapter" (connected when -SwitchName is given); generation 1 also gets a DVD drive on
# IDE 1:0; generation 2 gets UEFI with secure boot on and the MicrosoftWindows template.
function New-HvVmRecord {
    param($State, [string]$Name, [int]$Generation, [int64]$Startup, [string]$Path, [string]$SwitchName, [string]$Version)
    $id = [Guid]::NewGuid()
    $vm = [ordered]@{
        id         = $id.ToString()
        name       = $Name
        generation = $Generation
        version    = $Version
        state      = 'Off'
        notes      = ''
        path       = $Path
        startedAt  = $null
        automaticStartAction = 'StartIfRunning'
        automaticStopAction  = 'Save'
        checkpointType       = 'Production'
        processor  = [ordered]@{ count = 1; reserve = 0; maximum = 100; relativeWeight = 100; expose = $false; compatibilityForMigration = $false }
        memory     = [ordered]@{ startup = $Startup; minimum = [int64]536870912; maximum = [int64]1099511627776; buffer = 20; priority = 50; dynamic = $false }
        nics       = @()
        hardDrives = @()
        dvdDrives  = @()
        firmware   = $null
        security   = [ordered]@{ tpm = $false; keyProtector = $false }
    }
    $vm.nics = @([ordered]@{
            id         = 'Microsoft:' + $id.ToString().ToUpperInvariant() + '\' + [Guid]::NewGuid().ToString().ToUpperInvariant()
            name       = 'Network Adapter'
            switchName = $SwitchName
            macAddress = '000000000000'
            dynamicMac = $true
            legacy     = $false
            vlanMode   = 'Untagged'
            vlanId     = 0
        })
    if ($Generation -eq 1) {
        $vm.dvdDrives = @([ordered]@{ id = [Guid]::NewGuid().ToString(); controllerType = 'IDE'; controllerNumber = 1; controllerLocation = 0; path = '' })
    } else {
        $vm.firmware = [ordered]@{ secureBoot = 'On'; template = 'MicrosoftWindows'; bootOrder = @() }
    }
    return $vm
}

function New-VM {
    [CmdletBinding(DefaultParameterSetName = 'No VHD', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.VirtualMachine])]
    param(
        [Parameter(Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('VMName')]
        [ValidateNotNullOrEmpty()]
        [string]$Name = 'New Virtual Machine',

        [Parameter(Position = 1)]
        [int64]$MemoryStartupBytes = 1073741824,

        [Microsoft.HyperV.PowerShell.BootDevice]$BootDevice,

        [Parameter(ParameterSetName = 'No VHD')]
        [switch]$NoVHD,

        [string]$SwitchName,

        [Parameter(ParameterSetName = 'New VHD', Mandatory)]
        [ValidateNotNullOrEmpty()]
        [string]$NewVHDPath,

        [Parameter(ParameterSetName = 'New VHD', Mandatory)]
        [uint64]$NewVHDSizeBytes,

        [Parameter(ParameterSetName = 'Existing VHD', Mandatory)]
        [ValidateNotNullOrEmpty()]
        [string]$VHDPath,

        [string]$Path,

        [Version]$Version,

        [Parameter(Position = 2)]
        [ValidateSet(1, 2)]
        [int16]$Generation = 1,

        [switch]$Force
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            if (-not $PSCmdlet.ShouldProcess($Name, 'New-VM')) { return }
            $ctx = @{}
            $vm = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                Assert-HvMemoryValue -Name 'MemoryStartupBytes' -Value $MemoryStartupBytes
                if ($SwitchName -ne '' -and -not (@($State.switches) | Where-Object { [string]$_.name -eq $SwitchName })) {
                    Stop-HvOperation -Message ('Hyper-V was unable to find a virtual switch with name "' + $SwitchName + '".') -ErrorId 'InvalidParameter' -Category ObjectNotFound -Target $SwitchName
                }
                $root = $Path
                if ($root -eq '') { $root = [string]$State.host.virtualMachinePath }
                if ($root -eq '') { $root = Join-Path ([IO.Path]::GetTempPath()) 'hvmodel-vms' }
                # With -Path, Hyper-V keeps the VM's files in a folder named after the VM under it.
                $vmPath = Join-Path (Get-HvFullPath $root) $Name
                $versionText = '11.0'
                if ($null -ne $Version) { $versionText = $Version.ToString() }
                $rec = New-HvVmRecord -State $State -Name $Name -Generation $Generation -Startup $MemoryStartupBytes -Path $vmPath -SwitchName $SwitchName -Version $versionText
                $diskPath = $null
                if ($PSCmdlet.ParameterSetName -eq 'New VHD') {
                    $diskPath = Get-HvFullPath $NewVHDPath
                    New-HvVhdRecord -State $State -Path $diskPath -Type 'Dynamic' -Size $NewVHDSizeBytes -ParentPath '' | Out-Null
                } elseif ($PSCmdlet.ParameterSetName -eq 'Existing VHD') {
                    $diskPath = Get-HvFullPath $VHDPath
                    if (-not (Test-Path -LiteralPath $diskPath)) {
                        Stop-HvOperation -Message ('The system cannot find the file specified: "' + $diskPath + '".') -ErrorId 'ObjectNotFound' -Category ObjectNotFound -Target $diskPath
                    }
                }
                if ($null -ne $diskPath) {
                    # Generation 2 VMs use only VHDX disks.
                    # https://learn.microsoft.com/windows-server/virtualization/hyper-v/plan/should-i-create-a-generation-1-or-2-virtual-machine-in-hyper-v
                    if ($Generation -eq 2 -and $diskPath -like '*.vhd') {
                        Stop-HvOperation -Message 'Generation 2 virtual machines support only VHDX virtual hard disks.' -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $diskPath
                    }
                    $controller = 'SCSI'
                    if ($Generation -eq 1) { $controller = 'IDE' }
                    $rec.hardDrives = @([ordered]@{ id = [Guid]::NewGuid().ToString(); controllerType = $controller; controllerNumber = 0; controllerLocation = 0; path = $diskPath })
                }
                $configDir = Join-Path $vmPath 'Virtual Machines'
                $null = New-Item -ItemType Directory -Force -Path $configDir
                [IO.File]::WriteAllText((Join-Path $configDir ($rec.id.ToUpperInvariant() + '.vmcx')), 'hyper-v model placeholder')
                $State.vms = @($State.vms) + $rec
                Set-HvCallVm $ctx $rec
                return (ConvertTo-HvVm $State $rec)
            }
            $PSCmdlet.WriteObject($vm)
        }
    }
}

function Set-VM {
    [CmdletBinding(DefaultParameterSetName = 'Name', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.VirtualMachine])]
    param(
        [Parameter(ParameterSetName = 'Name', Mandatory, Position = 0, ValueFromPipeline)]
        [Alias('VMName')]
        [ValidateNotNullOrEmpty()]
        [string[]]$Name,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [int64]$ProcessorCount,
        [switch]$DynamicMemory,
        [switch]$StaticMemory,
        [int64]$MemoryMinimumBytes,
        [int64]$MemoryMaximumBytes,
        [int64]$MemoryStartupBytes,
        [Microsoft.HyperV.PowerShell.StartAction]$AutomaticStartAction,
        [Microsoft.HyperV.PowerShell.StopAction]$AutomaticStopAction,
        [int]$AutomaticStartDelay,
        [bool]$AutomaticCheckpointsEnabled,
        [string]$Notes,
        [string]$NewVMName,
        [string]$SnapshotFileLocation,
        [string]$SmartPagingFilePath,
        [Microsoft.HyperV.PowerShell.CheckpointType]$CheckpointType,
        [switch]$Passthru,
        [switch]$AllowUnverifiedPaths
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        $bound = $PSBoundParameters
        Invoke-HvCmdlet $PSCmdlet {
            if ($DynamicMemory -and $StaticMemory) {
                Stop-HvOperation -Message 'DynamicMemory and StaticMemory cannot be used together.' -ErrorId 'InvalidParameter' -Category InvalidArgument
            }
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $Name)) {
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name, 'Set-VM')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    if ($bound.ContainsKey('ProcessorCount')) { Update-HvProcessor -State $State -Vm $rec -Changes @{ count = $ProcessorCount } }
                    $memory = @{}
                    if ($DynamicMemory) { $memory.dynamic = $true }
                    if ($StaticMemory) { $memory.dynamic = $false }
                    if ($bound.ContainsKey('MemoryMinimumBytes')) { $memory.minimum = $MemoryMinimumBytes }
                    if ($bound.ContainsKey('MemoryMaximumBytes')) { $memory.maximum = $MemoryMaximumBytes }
                    if ($bound.ContainsKey('MemoryStartupBytes')) { $memory.startup = $MemoryStartupBytes }
                    if ($memory.Count -gt 0) { Update-HvMemory -Vm $rec -Changes $memory -Options $Options }
                    if ($bound.ContainsKey('Notes')) { $rec.notes = $Notes }
                    if ($bound.ContainsKey('NewVMName')) { $rec.name = $NewVMName }
                    if ($bound.ContainsKey('AutomaticStartAction')) { $rec.automaticStartAction = [string]$AutomaticStartAction }
                    if ($bound.ContainsKey('AutomaticStopAction')) { $rec.automaticStopAction = [string]$AutomaticStopAction }
                    if ($bound.ContainsKey('CheckpointType')) { $rec.checkpointType = [string]$CheckpointType }
                    $list += ConvertTo-HvVm $State $rec
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

function Remove-VM {
    [CmdletBinding(DefaultParameterSetName = 'Name', SupportsShouldProcess, ConfirmImpact = 'High')]
    param(
        [Parameter(ParameterSetName = 'Name', Mandatory, Position = 0, ValueFromPipeline)]
        [Alias('VMName')]
        [ValidateNotNullOrEmpty()]
        [string[]]$Name,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [switch]$Force,
        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $Name)) {
                    Set-HvCallVm $ctx $rec
                    # Remove-VM asks for confirmation unless -Force (or -Confirm:$false); under
                    # -NonInteractive the prompt is an error.
                    if (-not $Force -and -not $PSCmdlet.ShouldProcess($rec.name, 'Remove virtual machine')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    $list += ConvertTo-HvVm $State $rec
                    # Deletes the configuration, never the virtual hard disks.
                    # https://learn.microsoft.com/powershell/module/hyper-v/remove-vm
                    $State.vms = @($State.vms | Where-Object { $_.id -ne $rec.id })
                    $configDir = Join-Path ([string]$rec.path) 'Virtual Machines'
                    $config = Join-Path $configDir ($rec.id.ToUpperInvariant() + '.vmcx')
                    if (Test-Path -LiteralPath $config) { Remove-Item -LiteralPath $config -Force }
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

# Start-VM: Off or Saved -> Running. A running VM gets a WARNING ("already in the specified
# state"); a paused one must be resumed with Resume-VM.
function Start-VM {
    [CmdletBinding(DefaultParameterSetName = 'Name', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.VirtualMachine])]
    param(
        [Parameter(ParameterSetName = 'Name', Mandatory, Position = 0, ValueFromPipeline)]
        [Alias('VMName')]
        [ValidateNotNullOrEmpty()]
        [string[]]$Name,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $Name)) {
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name, 'Start-VM')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    Start-HvVm -State $State -Vm $rec -Cmdlet $PSCmdlet
                    $list += ConvertTo-HvVm $State $rec
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

function Start-HvVm {
    param($State, $Vm, $Cmdlet)
    $power = [string]$Vm.state
    if ($power -eq 'Running') { $Cmdlet.WriteWarning('The virtual machine is already in the specified state.'); return }
    if ($power -eq 'Paused') {
        Stop-HvOperation -Message ('"' + $Vm.name + '" is paused: use Resume-VM to resume it.') -ErrorId 'InvalidState' -Target $Vm.name
    }
    if ($power -eq 'Off') {
        # Every attached virtual hard disk must exist to start.
        foreach ($drive in @($Vm.hardDrives)) {
            if (-not (Test-Path -LiteralPath ([string]$drive.path))) {
                Stop-HvOperation -Message ('"' + $Vm.name + '" failed to start: the virtual hard disk "' + $drive.path + '" was not found.') -ErrorId 'ObjectNotFound' -Category ObjectNotFound -Target $drive.path
            }
        }
        # Nested virtualization and dynamic memory: the VM does not start with both.
        # https://learn.microsoft.com/virtualization/hyper-v-on-windows/user-guide/enable-nested-virtualization
        if ([bool]$Vm.processor.expose -and [bool]$Vm.memory.dynamic) {
            Stop-HvOperation -Message ('"' + $Vm.name + '" failed to start: dynamic memory is not supported with nested virtualization (ExposeVirtualizationExtensions).') -ErrorId 'InvalidConfiguration' -Target $Vm.name
        }
        # Memory for the VM's startup amount must be free on the host.
        $used = [int64]0
        foreach ($other in $State.vms) {
            if ([string]$other.state -eq 'Running' -or [string]$other.state -eq 'Paused') { $used += [int64]$other.memory.startup }
        }
        if ($used + [int64]$Vm.memory.startup -gt [int64]$State.host.memoryCapacityBytes) {
            Stop-HvOperation -Message ('"' + $Vm.name + '" could not initialize: not enough memory in the system to start the virtual machine.') -ErrorId 'OutOfMemory' -Category ResourceUnavailable -Target $Vm.name
        }
        # A dynamic MAC address is assigned from the host's pool when the VM first starts.
        foreach ($nic in @($Vm.nics)) {
            if ([bool]$nic.dynamicMac -and [string]$nic.macAddress -eq '000000000000') { $nic.macAddress = New-HvMacAddress $State }
        }
    }
    $Vm.state = 'Running'
    $Vm.startedAt = [DateTime]::UtcNow.ToString('o')
}

# Stop-VM: without -TurnOff/-Save it asks the guest to shut down through the Shutdown integration
# service and waits for it; -Force only means applications with unsaved data are not allowed to
# block the shutdown (the guest still shuts down itself); -TurnOff pulls the plug; -Save saves.
# https://learn.microsoft.com/powershell/module/hyper-v/stop-vm
function Stop-VM {
    [CmdletBinding(DefaultParameterSetName = 'Name', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.VirtualMachine])]
    param(
        [Parameter(ParameterSetName = 'Name', Mandatory, Position = 0, ValueFromPipeline)]
        [Alias('VMName')]
        [ValidateNotNullOrEmpty()]
        [string[]]$Name,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [switch]$Save,
        [switch]$TurnOff,
        [switch]$Force,
        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            if ($Save -and $TurnOff) {
                Stop-HvOperation -Message 'Save and TurnOff cannot be used together.' -ErrorId 'InvalidParameter' -Category InvalidArgument
            }
            $ctx = @{}
            $waits = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $pending = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $Name)) {
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name, 'Stop-VM')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    $power = [string]$rec.state
                    if ($Save) {
                        if ($power -eq 'Saved') { $PSCmdlet.WriteWarning('The virtual machine is already in the specified state.'); continue }
                        if ($power -ne 'Running' -and $power -ne 'Paused') {
                            Stop-HvOperation -Message ('"' + $rec.name + '" cannot be saved while it is ' + $power + '.') -Target $rec.name
                        }
                        $rec.state = 'Saved'
                        continue
                    }
                    if ($power -eq 'Off') { $PSCmdlet.WriteWarning('The virtual machine is already in the specified state.'); continue }
                    if ($power -eq 'Saved') {
                        # A saved VM is not running: delete its saved state (Remove-VMSavedState) or
                        # start it first. (Conservative: the documentation does not say.)
                        Stop-HvOperation -Message ('"' + $rec.name + '" is saved: the operation cannot be performed while the virtual machine is in its current state (Saved).') -Target $rec.name
                    }
                    if ($TurnOff) {
                        $rec.state = 'Off'
                        $rec.startedAt = $null
                        continue
                    }
                    if ($power -ne 'Running') {
                        Stop-HvOperation -Message ('"' + $rec.name + '" cannot be shut down while it is ' + $power + ': the guest operating system is not running.') -Target $rec.name
                    }
                    if ([bool](Get-HvGuestOption $Options $rec 'noShutdownService' $false)) {
                        Stop-HvOperation -Message ('"' + $rec.name + '" could not be shut down: the Shutdown integration service is not available in the guest.') -ErrorId 'ShutdownServiceUnavailable' -Category ResourceUnavailable -Target $rec.name
                    }
                    if ([bool](Get-HvGuestOption $Options $rec 'locked' $false) -and -not $Force) {
                        # A locked guest with unsaved data makes Stop-VM ask; -Force skips the question.
                        if (-not $PSCmdlet.ShouldContinue('The virtual machine is locked. Shut it down anyway?', 'Stop-VM')) { continue }
                    }
                    $seconds = [double](Get-HvGuestOption $Options $rec 'shutdownSeconds' $Options.shutdownSeconds)
                    $ignores = [bool](Get-HvGuestOption $Options $rec 'ignoreShutdown' $false)
                    $pending += @{ id = $rec.id; name = $rec.name; seconds = $seconds; ignores = $ignores }
                }
                return , $pending
            }
            # The guest shuts down on its own time; the state lock is not held while waiting.
            foreach ($wait in $waits) {
                $limit = [double]$(Get-HvOptions -State (Read-HvStateFile -Path (Get-HvStatePath))).shutdownTimeoutSeconds
                if ($wait.ignores -or $wait.seconds -gt $limit) {
                    Start-Sleep -Milliseconds ([int]($limit * 1000))
                    Stop-HvOperation -Message ('"' + $wait.name + '" failed to shut down: the guest did not shut down within ' + $limit + ' seconds.') -ErrorId 'OperationTimeout' -Category OperationTimeout -Target $wait.name
                }
                if ($wait.seconds -gt 0) { Start-Sleep -Milliseconds ([int]($wait.seconds * 1000)) }
                $null = Use-HvState -Cmdlet $PSCmdlet -Context @{} -Action {
                    param($State, $Options)
                    foreach ($rec in $State.vms) {
                        if ($rec.id -eq $wait.id -and [string]$rec.state -eq 'Running') {
                            $rec.state = 'Off'
                            $rec.startedAt = $null
                        }
                    }
                }
            }
            if ($Passthru) { foreach ($one in @(Get-VMFromState $VM $Name)) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

function Get-VMFromState {
    param($VM, $Name)
    $hvState = Read-HvStateFile -Path (Get-HvStatePath)
    return @(Resolve-HvVms $hvState $VM $Name | ForEach-Object { ConvertTo-HvVm $hvState $_ })
}

function Invoke-HvPowerChange {
    param($Cmdlet, $VM, $Name, [string[]]$From, [string]$To, [string]$Already)
    $ctx = @{}
    return Use-HvState -Cmdlet $Cmdlet -Context $ctx -Action {
        param($State, $Options)
        Write-HvRequestedWarning $Cmdlet $Options
        $list = @()
        foreach ($rec in @(Resolve-HvVms $State $VM $Name)) {
            Set-HvCallVm $ctx $rec
            if (-not $Cmdlet.ShouldProcess($rec.name, $Cmdlet.MyInvocation.MyCommand.Name)) { continue }
            Assert-HvNoInjectedFailure $Cmdlet $Options $rec
            $power = [string]$rec.state
            if ($power -eq $Already) { $Cmdlet.WriteWarning('The virtual machine is already in the specified state.') }
            elseif ($From -notcontains $power) {
                Stop-HvOperation -Message ('The operation cannot be performed while the virtual machine "' + $rec.name + '" is in its current state (' + $power + ').') -Target $rec.name
            } else {
                $rec.state = $To
            }
            $list += ConvertTo-HvVm $State $rec
        }
        return , $list
    }
}

# Save-VM: Running or Paused -> Saved. https://learn.microsoft.com/powershell/module/hyper-v/save-vm
function Save-VM {
    [CmdletBinding(DefaultParameterSetName = 'Name', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(ParameterSetName = 'Name', Mandatory, Position = 0, ValueFromPipeline)]
        [Alias('VMName')]
        [ValidateNotNullOrEmpty()]
        [string[]]$Name,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $out = Invoke-HvPowerChange -Cmdlet $PSCmdlet -VM $VM -Name $Name -From @('Running', 'Paused') -To 'Saved' -Already 'Saved'
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

# Suspend-VM: Running -> Paused. https://learn.microsoft.com/powershell/module/hyper-v/suspend-vm
function Suspend-VM {
    [CmdletBinding(DefaultParameterSetName = 'Name', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(ParameterSetName = 'Name', Mandatory, Position = 0, ValueFromPipeline)]
        [Alias('VMName')]
        [ValidateNotNullOrEmpty()]
        [string[]]$Name,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $out = Invoke-HvPowerChange -Cmdlet $PSCmdlet -VM $VM -Name $Name -From @('Running') -To 'Paused' -Already 'Paused'
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

# Resume-VM: Paused -> Running. https://learn.microsoft.com/powershell/module/hyper-v/resume-vm
function Resume-VM {
    [CmdletBinding(DefaultParameterSetName = 'Name', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(ParameterSetName = 'Name', Mandatory, Position = 0, ValueFromPipeline)]
        [Alias('VMName')]
        [ValidateNotNullOrEmpty()]
        [string[]]$Name,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $out = Invoke-HvPowerChange -Cmdlet $PSCmdlet -VM $VM -Name $Name -From @('Paused') -To 'Running' -Already 'Running'
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}
