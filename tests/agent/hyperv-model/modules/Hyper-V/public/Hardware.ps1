# Processor, memory, firmware, security (vTPM) of a VM.

# Memory amounts are whole multiples of 2 MB and at least 32 MB.
# https://learn.microsoft.com/windows-server/virtualization/hyper-v/plan/plan-hyper-v-scalability-in-windows-server
function Assert-HvMemoryValue {
    param([string]$Name, [int64]$Value)
    if ($Value -lt 33554432) {
        Stop-HvOperation -Message ('Invalid ' + $Name + ' ' + $Value + ': the minimum is 32 MB.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $Value
    }
    if ($Value % 2097152 -ne 0) {
        Stop-HvOperation -Message ('Invalid ' + $Name + ' ' + $Value + ': memory must be a multiple of 2 MB.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $Value
    }
}

# Processor settings. The count, nested virtualization (ExposeVirtualizationExtensions) and
# migration compatibility change only while the VM is off; reserve, limit and weight change live.
# https://learn.microsoft.com/powershell/module/hyper-v/set-vmprocessor
# https://learn.microsoft.com/virtualization/hyper-v-on-windows/user-guide/enable-nested-virtualization
function Update-HvProcessor {
    param($State, $Vm, [hashtable]$Changes)
    $cpu = $Vm.processor
    if ($Changes.ContainsKey('count')) {
        $count = [int64]$Changes.count
        if ($count -lt 1 -or $count -gt [int64]$State.host.logicalProcessorCount) {
            Stop-HvOperation -Message ('Invalid processor count ' + $count + ': a virtual machine can have 1 to ' + $State.host.logicalProcessorCount + ' virtual processors on this host (its logical processor count).') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $count
        }
        if ($count -ne [int64]$cpu.count) { Assert-HvVmOff $Vm 'the processor count' }
    }
    foreach ($key in 'reserve', 'maximum') {
        if ($Changes.ContainsKey($key) -and ([int64]$Changes[$key] -lt 0 -or [int64]$Changes[$key] -gt 100)) {
            Stop-HvOperation -Message ('Invalid processor ' + $key + ' ' + $Changes[$key] + ': it is a percentage from 0 to 100.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $Changes[$key]
        }
    }
    if ($Changes.ContainsKey('relativeWeight') -and ([int64]$Changes.relativeWeight -lt 0 -or [int64]$Changes.relativeWeight -gt 10000)) {
        Stop-HvOperation -Message ('Invalid processor relative weight ' + $Changes.relativeWeight + ': it is from 0 to 10000.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $Changes.relativeWeight
    }
    $reserve = [int64]$cpu.reserve
    $maximum = [int64]$cpu.maximum
    if ($Changes.ContainsKey('reserve')) { $reserve = [int64]$Changes.reserve }
    if ($Changes.ContainsKey('maximum')) { $maximum = [int64]$Changes.maximum }
    if ($reserve -gt $maximum) {
        Stop-HvOperation -Message ('The processor reserve (' + $reserve + '%) cannot exceed the limit (' + $maximum + '%).') -ErrorId 'InvalidParameter' -Category InvalidArgument
    }
    if ($Changes.ContainsKey('expose') -and [bool]$Changes.expose -ne [bool]$cpu.expose) { Assert-HvVmOff $Vm 'ExposeVirtualizationExtensions' }
    if ($Changes.ContainsKey('compatibilityForMigration') -and [bool]$Changes.compatibilityForMigration -ne [bool]$cpu.compatibilityForMigration) {
        Assert-HvVmOff $Vm 'CompatibilityForMigrationEnabled'
    }
    foreach ($key in @($Changes.Keys)) { $cpu[$key] = $Changes[$key] }
}

# Memory settings.
# - min <= startup <= max when dynamic memory is on, each a multiple of 2 MB;
# - turning dynamic memory on or off, and the startup amount, need the VM off (a running VM
#   with static memory may be resized only with options.runtimeMemoryResize, Windows Server
#   2016's runtime memory resize, which depends on the guest);
# - while it runs, a dynamic VM's minimum may only go down and its maximum only up.
# https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2012-R2-and-2012/hh831766(v=ws.11)
# https://learn.microsoft.com/windows-server/virtualization/hyper-v/what-s-new-in-hyper-v-on-windows
function Update-HvMemory {
    param($Vm, [hashtable]$Changes, $Options)
    $memory = $Vm.memory
    foreach ($key in 'startup', 'minimum', 'maximum') {
        if ($Changes.ContainsKey($key)) { Assert-HvMemoryValue -Name ($key + ' memory') -Value ([int64]$Changes[$key]) }
    }
    if ($Changes.ContainsKey('buffer') -and ([int]$Changes.buffer -lt 5 -or [int]$Changes.buffer -gt 2000)) {
        Stop-HvOperation -Message ('Invalid memory buffer ' + $Changes.buffer + ': it is a percentage from 5 to 2000.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $Changes.buffer
    }
    if ($Changes.ContainsKey('priority') -and ([int]$Changes.priority -lt 0 -or [int]$Changes.priority -gt 100)) {
        Stop-HvOperation -Message ('Invalid memory priority ' + $Changes.priority + ': it is from 0 to 100.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $Changes.priority
    }
    $next = @{}
    foreach ($key in 'startup', 'minimum', 'maximum', 'buffer', 'priority', 'dynamic') {
        if ($Changes.ContainsKey($key)) { $next[$key] = $Changes[$key] } else { $next[$key] = $memory[$key] }
    }
    if ([bool]$next.dynamic) {
        if ([int64]$next.minimum -gt [int64]$next.startup -or [int64]$next.startup -gt [int64]$next.maximum) {
            Stop-HvOperation -Message ('Invalid dynamic memory settings: the minimum (' + $next.minimum + ') must not exceed the startup memory (' + $next.startup + '), which must not exceed the maximum (' + $next.maximum + ').') -ErrorId 'InvalidParameter' -Category InvalidArgument
        }
    }
    if (-not (Test-HvVmIsOff $Vm)) {
        if ([bool]$next.dynamic -ne [bool]$memory.dynamic) { Assert-HvVmOff $Vm 'dynamic memory (enabling or disabling it)' }
        if ([int64]$next.startup -ne [int64]$memory.startup) {
            if ([bool]$memory.dynamic -or -not [bool]$Options.runtimeMemoryResize -or [string]$Vm.state -ne 'Running') {
                Assert-HvVmOff $Vm 'the startup memory'
            }
        }
        if ([bool]$memory.dynamic) {
            if ([int64]$next.minimum -gt [int64]$memory.minimum) {
                Stop-HvOperation -Message ('Failed to modify the memory of "' + $Vm.name + '": the minimum memory of a running virtual machine can only be decreased (' + $memory.minimum + ' -> ' + $next.minimum + ').') -ErrorId 'InvalidState' -Target $Vm.name
            }
            if ([int64]$next.maximum -lt [int64]$memory.maximum) {
                Stop-HvOperation -Message ('Failed to modify the memory of "' + $Vm.name + '": the maximum memory of a running virtual machine can only be increased (' + $memory.maximum + ' -> ' + $next.maximum + ').') -ErrorId 'InvalidState' -Target $Vm.name
            }
        }
    }
    foreach ($key in @($next.Keys)) { $memory[$key] = $next[$key] }
}

function Get-VMProcessor {
    [CmdletBinding(DefaultParameterSetName = 'VMName')]
    [OutputType([Microsoft.HyperV.PowerShell.VMProcessor])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
                    Set-HvCallVm $ctx $rec
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    $cpu = New-Object Microsoft.HyperV.PowerShell.VMProcessor
                    Set-HvComponentBase $cpu $State $rec 'Processor'
                    $cpu.Count = [int64]$rec.processor.count
                    $cpu.Reserve = [int64]$rec.processor.reserve
                    $cpu.Maximum = [int64]$rec.processor.maximum
                    $cpu.RelativeWeight = [int]$rec.processor.relativeWeight
                    $cpu.ExposeVirtualizationExtensions = [bool]$rec.processor.expose
                    $cpu.CompatibilityForMigrationEnabled = [bool]$rec.processor.compatibilityForMigration
                    $list += $cpu
                }
                return , $list
            }
            foreach ($one in $out) { $PSCmdlet.WriteObject($one) }
        }
    }
}

function Set-VMProcessor {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.VMProcessor])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [Parameter(ParameterSetName = 'VMProcessor', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VMProcessor[]]$VMProcessor,

        [int64]$Count,
        [bool]$CompatibilityForMigrationEnabled,
        [bool]$CompatibilityForOlderOperatingSystemsEnabled,
        [int64]$HwThreadCountPerCore,
        [int64]$Maximum,
        [int64]$Reserve,
        [int]$RelativeWeight,
        [int]$MaximumCountPerNumaNode,
        [int]$MaximumCountPerNumaSocket,
        [string]$ResourcePoolName,
        [bool]$EnableHostResourceProtection,
        [bool]$ExposeVirtualizationExtensions,
        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        $bound = $PSBoundParameters
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $records = @(Resolve-HvVms $State $VM $VMName)
                foreach ($cpu in @($VMProcessor)) { if ($null -ne $cpu) { $records += Find-HvVmById $State $cpu.VMId } }
                foreach ($rec in $records) {
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name, 'Set-VMProcessor')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    $changes = @{}
                    if ($bound.ContainsKey('Count')) { $changes.count = $Count }
                    if ($bound.ContainsKey('Maximum')) { $changes.maximum = $Maximum }
                    if ($bound.ContainsKey('Reserve')) { $changes.reserve = $Reserve }
                    if ($bound.ContainsKey('RelativeWeight')) { $changes.relativeWeight = $RelativeWeight }
                    if ($bound.ContainsKey('ExposeVirtualizationExtensions')) { $changes.expose = $ExposeVirtualizationExtensions }
                    if ($bound.ContainsKey('CompatibilityForMigrationEnabled')) { $changes.compatibilityForMigration = $CompatibilityForMigrationEnabled }
                    if ($bound.ContainsKey('HwThreadCountPerCore') -or $bound.ContainsKey('CompatibilityForOlderOperatingSystemsEnabled')) {
                        Assert-HvVmOff $rec 'the processor topology'
                    }
                    Update-HvProcessor -State $State -Vm $rec -Changes $changes
                }
                return , $records
            }
            if ($Passthru) { foreach ($rec in $out) { $PSCmdlet.WriteObject((Get-VMProcessor -VM (Get-VM -Id $rec.id))) } }
        }
    }
}

function ConvertTo-HvMemory {
    param($State, $Vm)
    $memory = New-Object Microsoft.HyperV.PowerShell.VMMemory
    Set-HvComponentBase $memory $State $Vm 'Memory'
    $memory.Startup = [int64]$Vm.memory.startup
    $memory.Minimum = [int64]$Vm.memory.minimum
    $memory.Maximum = [int64]$Vm.memory.maximum
    $memory.Buffer = [int]$Vm.memory.buffer
    $memory.Priority = [int]$Vm.memory.priority
    $memory.DynamicMemoryEnabled = [bool]$Vm.memory.dynamic
    return $memory
}

function Get-VMMemory {
    [CmdletBinding(DefaultParameterSetName = 'VMName')]
    [OutputType([Microsoft.HyperV.PowerShell.VMMemory])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
                    Set-HvCallVm $ctx $rec
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    $list += ConvertTo-HvMemory $State $rec
                }
                return , $list
            }
            foreach ($one in $out) { $PSCmdlet.WriteObject($one) }
        }
    }
}

function Set-VMMemory {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.VMMemory])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [Parameter(ParameterSetName = 'ResourceObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VMMemory[]]$VMMemory,

        [int]$Buffer,
        [bool]$DynamicMemoryEnabled,
        [int64]$MaximumBytes,
        [int64]$StartupBytes,
        [int64]$MinimumBytes,
        [int]$Priority,
        [int64]$MaximumAmountPerNumaNodeBytes,
        [string]$ResourcePoolName,
        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        $bound = $PSBoundParameters
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $records = @(Resolve-HvVms $State $VM $VMName)
                foreach ($one in @($VMMemory)) { if ($null -ne $one) { $records += Find-HvVmById $State $one.VMId } }
                $list = @()
                foreach ($rec in $records) {
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name, 'Set-VMMemory')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    $changes = @{}
                    if ($bound.ContainsKey('Buffer')) { $changes.buffer = $Buffer }
                    if ($bound.ContainsKey('DynamicMemoryEnabled')) { $changes.dynamic = $DynamicMemoryEnabled }
                    if ($bound.ContainsKey('MaximumBytes')) { $changes.maximum = $MaximumBytes }
                    if ($bound.ContainsKey('StartupBytes')) { $changes.startup = $StartupBytes }
                    if ($bound.ContainsKey('MinimumBytes')) { $changes.minimum = $MinimumBytes }
                    if ($bound.ContainsKey('Priority')) { $changes.priority = $Priority }
                    Update-HvMemory -Vm $rec -Changes $changes -Options $Options
                    $list += ConvertTo-HvMemory $State $rec
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

# Firmware exists only on generation 2 VMs (Get-/Set-VMFirmware fail on generation 1).
# A generation 2 VM always has a secure boot template: MicrosoftWindows unless set otherwise.
# Firmware settings change only while the VM is off.
# https://learn.microsoft.com/powershell/module/hyper-v/set-vmfirmware
# https://learn.microsoft.com/windows-server/virtualization/hyper-v/learn-more/generation-2-virtual-machine-security-settings-for-hyper-v
$script:SecureBootTemplates = [ordered]@{
    'MicrosoftWindows'                  = '1734c6e8-3154-4dda-ba5f-a874cc483422'
    'MicrosoftUEFICertificateAuthority' = '272e7447-90a4-4563-a4b9-8e4ab00526ce'
    'OpenSourceShieldedVM'              = '4292ae2b-ee2c-42b5-a969-dd8f8689f6f3'
}

function Assert-HvGeneration2 {
    param($Vm, [string]$Cmdlet)
    if ([int]$Vm.generation -ne 2) {
        Stop-HvOperation -Message ($Cmdlet + ' is supported only on generation 2 virtual machines; "' + $Vm.name + '" is generation ' + $Vm.generation + '.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $Vm.name
    }
}

function ConvertTo-HvFirmware {
    param($State, $Vm)
    $fw = New-Object Microsoft.HyperV.PowerShell.VMFirmware
    Set-HvComponentBase $fw $State $Vm 'Firmware'
    $fw.SecureBoot = [Microsoft.HyperV.PowerShell.OnOffState][string]$Vm.firmware.secureBoot
    $fw.SecureBootTemplate = [string]$Vm.firmware.template
    $fw.SecureBootTemplateId = [Guid]$script:SecureBootTemplates[[string]$Vm.firmware.template]
    $order = @()
    foreach ($ref in @($Vm.firmware.bootOrder)) {
        if ($null -eq $ref) { continue }
        foreach ($drive in @($Vm.hardDrives)) { if ($drive.id -eq $ref) { $order += ConvertTo-HvHardDisk $State $Vm $drive } }
        foreach ($drive in @($Vm.dvdDrives)) { if ($drive.id -eq $ref) { $order += ConvertTo-HvDvd $State $Vm $drive } }
        foreach ($nic in @($Vm.nics)) { if ($nic.id -eq $ref) { $order += ConvertTo-HvNic $State $Vm $nic } }
    }
    $fw.BootOrder = [Microsoft.HyperV.PowerShell.VMComponentObject[]]$order
    return $fw
}

function Get-VMFirmware {
    [CmdletBinding(DefaultParameterSetName = 'VMName')]
    [OutputType([Microsoft.HyperV.PowerShell.VMFirmware])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
                    Set-HvCallVm $ctx $rec
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    Assert-HvGeneration2 $rec 'Get-VMFirmware'
                    $list += ConvertTo-HvFirmware $State $rec
                }
                return , $list
            }
            foreach ($one in $out) { $PSCmdlet.WriteObject($one) }
        }
    }
}

function Set-VMFirmware {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.VMFirmware])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [Parameter(ParameterSetName = 'VMFirmware', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VMFirmware[]]$VMFirmware,

        [Microsoft.HyperV.PowerShell.VMComponentObject[]]$BootOrder,
        [Microsoft.HyperV.PowerShell.VMComponentObject]$FirstBootDevice,
        [Microsoft.HyperV.PowerShell.OnOffState]$EnableSecureBoot,
        [string]$SecureBootTemplate,
        [Guid]$SecureBootTemplateId,
        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        $bound = $PSBoundParameters
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $records = @(Resolve-HvVms $State $VM $VMName)
                foreach ($one in @($VMFirmware)) { if ($null -ne $one) { $records += Find-HvVmById $State $one.VMId } }
                $list = @()
                foreach ($rec in $records) {
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name, 'Set-VMFirmware')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    Assert-HvGeneration2 $rec 'Set-VMFirmware'
                    Assert-HvVmOff $rec 'the firmware settings'
                    $fw = $rec.firmware
                    if ($bound.ContainsKey('EnableSecureBoot')) { $fw.secureBoot = [string]$EnableSecureBoot }
                    if ($bound.ContainsKey('SecureBootTemplate')) {
                        if (-not $script:SecureBootTemplates.Contains($SecureBootTemplate)) {
                            Stop-HvOperation -Message ('The secure boot template "' + $SecureBootTemplate + '" was not found. Valid templates: ' + (@($script:SecureBootTemplates.Keys) -join ', ') + '.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $SecureBootTemplate
                        }
                        $fw.template = $SecureBootTemplate
                    }
                    if ($bound.ContainsKey('SecureBootTemplateId')) {
                        $match = @($script:SecureBootTemplates.Keys | Where-Object { [Guid]$script:SecureBootTemplates[$_] -eq $SecureBootTemplateId })
                        if ($match.Count -eq 0) {
                            Stop-HvOperation -Message ('The secure boot template id "' + $SecureBootTemplateId + '" was not found.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $SecureBootTemplateId
                        }
                        $fw.template = $match[0]
                    }
                    $devices = @()
                    if ($bound.ContainsKey('BootOrder')) { $devices = @($BootOrder) }
                    if ($bound.ContainsKey('FirstBootDevice')) {
                        if ($null -eq $FirstBootDevice) {
                            Stop-HvOperation -Message 'FirstBootDevice is null: name a drive or network adapter of the virtual machine.' -ErrorId 'InvalidParameter' -Category InvalidArgument
                        }
                        $devices = @($FirstBootDevice)
                    }
                    if ($devices.Count -gt 0) {
                        $ids = @()
                        foreach ($device in $devices) {
                            if ([Guid]$device.VMId -ne [Guid]$rec.id) {
                                Stop-HvOperation -Message ('The boot device "' + $device.Name + '" belongs to another virtual machine.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $device.Name
                            }
                            $ids += [string]$device.Id
                        }
                        $rest = @($fw.bootOrder | Where-Object { $null -ne $_ -and $ids -notcontains $_ })
                        if ($bound.ContainsKey('BootOrder')) { $fw.bootOrder = $ids } else { $fw.bootOrder = @($ids + $rest) }
                    }
                    $list += ConvertTo-HvFirmware $State $rec
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

function Get-VMSecurity {
    [CmdletBinding(DefaultParameterSetName = 'VMName')]
    [OutputType([Microsoft.HyperV.PowerShell.VMSecurity])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
                    Set-HvCallVm $ctx $rec
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    $security = New-Object Microsoft.HyperV.PowerShell.VMSecurity
                    $security.TpmEnabled = [bool]$rec.security.tpm
                    $security.VMName = [string]$rec.name
                    $security.VMId = [Guid]$rec.id
                    $list += $security
                }
                return , $list
            }
            foreach ($one in $out) { $PSCmdlet.WriteObject($one) }
        }
    }
}

# vTPM: generation 2 only, needs a key protector (Set-VMKeyProtector) before Enable-VMTPM, and the
# VM off. https://learn.microsoft.com/powershell/module/hyper-v/enable-vmtpm
# https://learn.microsoft.com/windows-server/virtualization/hyper-v/learn-more/generation-2-virtual-machine-security-settings-for-hyper-v
function Invoke-HvTpmChange {
    param($Cmdlet, $VM, $VMName, [bool]$Enable)
    $ctx = @{}
    return Use-HvState -Cmdlet $Cmdlet -Context $ctx -Action {
        param($State, $Options)
        Write-HvRequestedWarning $Cmdlet $Options
        $list = @()
        foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
            Set-HvCallVm $ctx $rec
            if (-not $Cmdlet.ShouldProcess($rec.name, $Cmdlet.MyInvocation.MyCommand.Name)) { continue }
            Assert-HvNoInjectedFailure $Cmdlet $Options $rec
            Assert-HvGeneration2 $rec $Cmdlet.MyInvocation.MyCommand.Name
            if ($Enable -and -not [bool]$rec.security.keyProtector) {
                Stop-HvOperation -Message ('Failed to enable the TPM of "' + $rec.name + '": the virtual machine has no key protector. Set one first (Set-VMKeyProtector -NewLocalKeyProtector).') -ErrorId 'InvalidConfiguration' -Target $rec.name
            }
            if ([bool]$rec.security.tpm -ne $Enable) { Assert-HvVmOff $rec 'the TPM' }
            $rec.security.tpm = $Enable
            $list += ConvertTo-HvVm $State $rec
        }
        return , $list
    }
}

function Enable-VMTPM {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $out = Invoke-HvTpmChange -Cmdlet $PSCmdlet -VM $VM -VMName $VMName -Enable $true
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

function Disable-VMTPM {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $out = Invoke-HvTpmChange -Cmdlet $PSCmdlet -VM $VM -VMName $VMName -Enable $false
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

# Get-VMKeyProtector returns the key protector bytes; a VM without one gives the 4-byte empty
# protector 0,0,0,4.
function Get-VMKeyProtector {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([byte[]])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
                    Set-HvCallVm $ctx $rec
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    Assert-HvGeneration2 $rec 'Get-VMKeyProtector'
                    if ([bool]$rec.security.keyProtector) {
                        $list += , ([byte[]](@(0, 0, 0, 1) + [Text.Encoding]::ASCII.GetBytes('hvmodel-local-key-protector:' + $rec.id)))
                    } else {
                        $list += , ([byte[]]@(0, 0, 0, 4))
                    }
                }
                return , $list
            }
            foreach ($one in $out) { $PSCmdlet.WriteObject($one, $false) }
        }
    }
}

function Set-VMKeyProtector {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [switch]$Passthru,
        [byte[]]$KeyProtector,
        [switch]$NewLocalKeyProtector,
        [switch]$RestoreLastKnownGoodKeyProtector
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        $bound = $PSBoundParameters
        Invoke-HvCmdlet $PSCmdlet {
            $ways = @('KeyProtector', 'NewLocalKeyProtector', 'RestoreLastKnownGoodKeyProtector' | Where-Object { $bound.ContainsKey($_) })
            if ($ways.Count -ne 1) {
                Stop-HvOperation -Message 'Specify exactly one of -KeyProtector, -NewLocalKeyProtector, -RestoreLastKnownGoodKeyProtector.' -ErrorId 'InvalidParameter' -Category InvalidArgument
            }
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name, 'Set-VMKeyProtector')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    Assert-HvGeneration2 $rec 'Set-VMKeyProtector'
                    Assert-HvVmOff $rec 'the key protector'
                    $rec.security.keyProtector = $true
                    $list += ConvertTo-HvVm $State $rec
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}
