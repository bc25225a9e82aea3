# Virtual hard disks (New-VHD, Get-VHD, Resize-VHD) and the VM's hard disk and DVD drives.
# Every VHD the model creates is also a small placeholder file at its path, so Test-Path,
# Remove-Item and Get-ChildItem behave as they would on the host.

function New-HvVhdRecord {
    param($State, [string]$Path, [string]$Type, [uint64]$Size, [string]$ParentPath)
    $vhd = [ordered]@{
        id          = [Guid]::NewGuid().ToString().ToUpperInvariant()
        path        = $Path
        type        = $Type
        size        = $Size
        minimumSize = [uint64]0
        parentPath  = $ParentPath
    }
    $State.vhds = @($State.vhds | Where-Object { $null -ne $_ -and [string]$_.path -ne $Path }) + $vhd
    [IO.File]::WriteAllText($Path, 'hyper-v model placeholder for a ' + $Type + ' virtual hard disk')
    return $vhd
}

# The record of an existing VHD file; a missing file or a file that is not a known VHD fails as
# Get-VHD does on the host.
function Get-HvExistingVhd {
    param($State, [string]$Path)
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) {
        Stop-HvOperation -Message ('Getting the mounted storage instance for the path "' + $Path + '" failed: the system cannot find the file specified.') -ErrorId 'ObjectNotFound' -Category ObjectNotFound -Target $Path
    }
    $vhd = Find-HvVhd $State $Path
    if ($null -eq $vhd) {
        Stop-HvOperation -Message ('The file "' + $Path + '" is not a virtual hard disk file.') -ErrorId 'InvalidParameter' -Category InvalidData -Target $Path
    }
    return $vhd
}

function Find-HvVhdUser {
    param($State, [string]$Path)
    foreach ($vm in $State.vms) {
        foreach ($drive in @($vm.hardDrives)) {
            if ($null -ne $drive -and [string]$drive.path -eq $Path) { return @{ vm = $vm; drive = $drive } }
        }
    }
    return $null
}

# New-VHD. The target must not exist and its folder must; a differencing disk needs its parent
# (and is at least as large as it).
# https://learn.microsoft.com/powershell/module/hyper-v/new-vhd
function New-VHD {
    [CmdletBinding(DefaultParameterSetName = 'DynamicWithoutSource', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.Vhd.PowerShell.VirtualHardDisk])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string[]]$Path,

        [Parameter(ParameterSetName = 'Differencing', Mandatory, Position = 1)]
        [ValidateNotNullOrEmpty()]
        [string]$ParentPath,

        [Parameter(ParameterSetName = 'DynamicWithoutSource', Mandatory, Position = 1)]
        [Parameter(ParameterSetName = 'FixedWithoutSource', Mandatory, Position = 1)]
        [Parameter(ParameterSetName = 'Differencing', Position = 2)]
        [uint64]$SizeBytes,

        [Parameter(ParameterSetName = 'DynamicWithoutSource')]
        [switch]$Dynamic,

        [Parameter(ParameterSetName = 'FixedWithoutSource', Mandatory)]
        [switch]$Fixed,

        [Parameter(ParameterSetName = 'Differencing')]
        [switch]$Differencing,

        [uint32]$BlockSizeBytes,

        [Parameter(ParameterSetName = 'DynamicWithoutSource')]
        [Parameter(ParameterSetName = 'FixedWithoutSource')]
        [ValidateSet(512, 4096)]
        [uint32]$LogicalSectorSizeBytes,

        [ValidateSet(512, 4096)]
        [uint32]$PhysicalSectorSizeBytes
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        $bound = $PSBoundParameters
        Invoke-HvCmdlet $PSCmdlet {
            $out = Use-HvState -Cmdlet $PSCmdlet -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($one in $Path) {
                    $full = Get-HvFullPath $one
                    if (-not $PSCmdlet.ShouldProcess($full, 'New-VHD')) { continue }
                    if ($full -notmatch '\.(vhdx?|VHDX?)$') {
                        Stop-HvOperation -Message ('The file name "' + $full + '" must end in .vhd or .vhdx.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $full
                    }
                    if (Test-Path -LiteralPath $full) {
                        Stop-HvOperation -Message ('Failed to create the virtual hard disk: the file "' + $full + '" already exists.') -ErrorId 'ResourceExists' -Category ResourceExists -Target $full
                    }
                    $folder = Split-Path -Parent $full
                    if (-not (Test-Path -LiteralPath $folder -PathType Container)) {
                        Stop-HvOperation -Message ('Failed to create the virtual hard disk "' + $full + '": the system cannot find the path specified.') -ErrorId 'ObjectNotFound' -Category ObjectNotFound -Target $full
                    }
                    if ($PSCmdlet.ParameterSetName -eq 'Differencing') {
                        $parentFull = Get-HvFullPath $ParentPath
                        $parent = Get-HvExistingVhd $State $parentFull
                        $size = [uint64]$parent.size
                        if ($bound.ContainsKey('SizeBytes')) {
                            if ($SizeBytes -lt [uint64]$parent.size) {
                                Stop-HvOperation -Message ('A differencing disk cannot be smaller than its parent (' + $parent.size + ' bytes).') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $SizeBytes
                            }
                            $size = $SizeBytes
                        }
                        $vhd = New-HvVhdRecord -State $State -Path $full -Type 'Differencing' -Size $size -ParentPath $parentFull
                        $vhd.minimumSize = [uint64]$parent.size
                    } else {
                        if ($SizeBytes -lt 3145728) {
                            Stop-HvOperation -Message ('Invalid virtual hard disk size ' + $SizeBytes + ': the minimum is 3 MB.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $SizeBytes
                        }
                        $type = 'Dynamic'
                        if ($Fixed) { $type = 'Fixed' }
                        $vhd = New-HvVhdRecord -State $State -Path $full -Type $type -Size $SizeBytes -ParentPath ''
                    }
                    $list += ConvertTo-HvVhd $State $vhd $false
                }
                return , $list
            }
            foreach ($one in $out) { $PSCmdlet.WriteObject($one) }
        }
    }
}

function Get-VHD {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType([Microsoft.Vhd.PowerShell.VirtualHardDisk])]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')]
        [ValidateNotNullOrEmpty()]
        [string[]]$Path,

        [Parameter(ParameterSetName = 'VMId', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('Id')]
        [Guid[]]$VMId
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $out = Use-HvState -Cmdlet $PSCmdlet -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $paths = @()
                if ($PSCmdlet.ParameterSetName -eq 'VMId') {
                    foreach ($id in $VMId) {
                        $rec = Find-HvVmById $State $id
                        Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                        $paths += @($rec.hardDrives | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_.path })
                    }
                } else {
                    $paths = @($Path | ForEach-Object { Get-HvFullPath $_ })
                }
                $list = @()
                foreach ($one in $paths) {
                    $vhd = Get-HvExistingVhd $State $one
                    $user = Find-HvVhdUser $State $one
                    if ($null -ne $user) { Assert-HvNoInjectedFailure $PSCmdlet $Options $user.vm }
                    $list += ConvertTo-HvVhd $State $vhd ($null -ne $user -and [string]$user.vm.state -ne 'Off')
                }
                return , $list
            }
            foreach ($one in $out) { $PSCmdlet.WriteObject($one) }
        }
    }
}

# Resize-VHD: VHD and VHDX grow; only VHDX shrinks, never below its minimum size. A disk on a
# running VM's IDE controller cannot be resized; on SCSI it can.
# https://learn.microsoft.com/powershell/module/hyper-v/resize-vhd
function Resize-VHD {
    [CmdletBinding(DefaultParameterSetName = 'Size', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.Vhd.PowerShell.VirtualHardDisk])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')]
        [ValidateNotNullOrEmpty()]
        [string[]]$Path,

        [Parameter(ParameterSetName = 'Size', Mandatory, Position = 1)]
        [uint64]$SizeBytes,

        [Parameter(ParameterSetName = 'MinimumSize', Mandatory)]
        [switch]$ToMinimumSize,

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
                foreach ($one in $Path) {
                    $full = Get-HvFullPath $one
                    if (-not $PSCmdlet.ShouldProcess($full, 'Resize-VHD')) { continue }
                    $vhd = Get-HvExistingVhd $State $full
                    $target = [uint64]$vhd.minimumSize
                    if (-not $ToMinimumSize) { $target = $SizeBytes }
                    $user = Find-HvVhdUser $State $full
                    if ($null -ne $user) {
                        Set-HvCallVm $ctx $user.vm
                        if ([string]$user.vm.state -ne 'Off' -and [string]$user.drive.controllerType -eq 'IDE') {
                            Assert-HvVmOff $user.vm ('the size of "' + $full + '" (attached to an IDE controller)')
                        }
                    }
                    if ($target -lt [uint64]$vhd.size) {
                        if ($full -like '*.vhd') {
                            Stop-HvOperation -Message ('"' + $full + '" is a VHD file: only VHDX files can be shrunk.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $full
                        }
                        if ($target -lt [uint64]$vhd.minimumSize) {
                            Stop-HvOperation -Message ('Cannot shrink "' + $full + '" below its minimum size (' + $vhd.minimumSize + ' bytes).') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $target
                        }
                    }
                    $vhd.size = $target
                    $list += ConvertTo-HvVhd $State $vhd ($null -ne $user)
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

function Get-HvFreeSlot {
    param($Vm, [string]$ControllerType, $Number, $Location)
    $used = @()
    foreach ($drive in @($Vm.hardDrives) + @($Vm.dvdDrives)) {
        if ($null -ne $drive -and [string]$drive.controllerType -eq $ControllerType) { $used += ('' + $drive.controllerNumber + ':' + $drive.controllerLocation) }
    }
    $numbers = @(0, 1)
    $locations = @(0, 1)
    if ($ControllerType -eq 'SCSI') { $numbers = @(0, 1, 2, 3); $locations = 0..63 }
    if ($null -ne $Number) { $numbers = @($Number) }
    if ($null -ne $Location) { $locations = @($Location) }
    foreach ($n in $numbers) {
        foreach ($l in $locations) {
            if ($used -notcontains ('' + $n + ':' + $l)) { return @{ number = $n; location = $l } }
        }
    }
    Stop-HvOperation -Message ('No free location on the ' + $ControllerType + ' controllers of "' + $Vm.name + '".') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $Vm.name
}

# Drives on IDE controllers are added and removed only while the VM is off; SCSI hard disks can
# be hot-added and removed. Generation 2 VMs have no IDE controller.
# https://learn.microsoft.com/windows-server/virtualization/hyper-v/plan/should-i-create-a-generation-1-or-2-virtual-machine-in-hyper-v
function Resolve-HvControllerType {
    param($Vm, $ControllerType)
    $type = 'SCSI'
    if ([int]$Vm.generation -eq 1) { $type = 'IDE' }
    if ($null -ne $ControllerType) { $type = [string]$ControllerType }
    if ($type -eq 'IDE' -and [int]$Vm.generation -eq 2) {
        Stop-HvOperation -Message ('Generation 2 virtual machines have no IDE controller ("' + $Vm.name + '").') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $Vm.name
    }
    return $type
}

function Get-VMHardDiskDrive {
    [CmdletBinding(DefaultParameterSetName = 'VMName')]
    [OutputType([Microsoft.HyperV.PowerShell.HardDiskDrive])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [int]$ControllerLocation,
        [int]$ControllerNumber,
        [Microsoft.HyperV.PowerShell.ControllerType]$ControllerType
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        $bound = $PSBoundParameters
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
                    Set-HvCallVm $ctx $rec
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    foreach ($drive in @($rec.hardDrives)) {
                        if ($null -eq $drive) { continue }
                        if ($bound.ContainsKey('ControllerType') -and [string]$drive.controllerType -ne [string]$ControllerType) { continue }
                        if ($bound.ContainsKey('ControllerNumber') -and [int]$drive.controllerNumber -ne $ControllerNumber) { continue }
                        if ($bound.ContainsKey('ControllerLocation') -and [int]$drive.controllerLocation -ne $ControllerLocation) { continue }
                        $list += ConvertTo-HvHardDisk $State $rec $drive
                    }
                }
                return , $list
            }
            foreach ($one in $out) { $PSCmdlet.WriteObject($one) }
        }
    }
}

function Add-VMHardDiskDrive {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.HardDiskDrive])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [Parameter(Position = 1)]
        [Microsoft.HyperV.PowerShell.ControllerType]$ControllerType,

        [Parameter(Position = 2)]
        [int]$ControllerNumber,

        [Parameter(Position = 3)]
        [int]$ControllerLocation,

        [Parameter(Position = 4)]
        [string]$Path,

        [switch]$AllowUnverifiedPaths,
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
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name, 'Add-VMHardDiskDrive')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    $type = $null
                    if ($bound.ContainsKey('ControllerType')) { $type = $ControllerType }
                    $type = Resolve-HvControllerType $rec $type
                    if ($type -eq 'IDE' -or [string]$rec.state -ne 'Running') { if (-not (Test-HvVmIsOff $rec)) { Assert-HvVmOff $rec 'the hard disk drives on an IDE controller' } }
                    $full = ''
                    if ($bound.ContainsKey('Path') -and $Path -ne '') {
                        $full = Get-HvFullPath $Path
                        $null = Get-HvExistingVhd $State $full
                        $user = Find-HvVhdUser $State $full
                        if ($null -ne $user) {
                            Stop-HvOperation -Message ('The virtual hard disk "' + $full + '" is already attached to "' + $user.vm.name + '".') -ErrorId 'InvalidParameter' -Category ResourceBusy -Target $full
                        }
                    }
                    $number = $null
                    $location = $null
                    if ($bound.ContainsKey('ControllerNumber')) { $number = $ControllerNumber }
                    if ($bound.ContainsKey('ControllerLocation')) { $location = $ControllerLocation }
                    $slot = Get-HvFreeSlot $rec $type $number $location
                    $drive = [ordered]@{ id = [Guid]::NewGuid().ToString(); controllerType = $type; controllerNumber = $slot.number; controllerLocation = $slot.location; path = $full }
                    $rec.hardDrives = @($rec.hardDrives | Where-Object { $null -ne $_ }) + $drive
                    $list += ConvertTo-HvHardDisk $State $rec $drive
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

function Remove-VMHardDiskDrive {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string]$VMName,

        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 1)]
        [Microsoft.HyperV.PowerShell.ControllerType]$ControllerType,

        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 2)]
        [int]$ControllerNumber,

        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 3)]
        [int]$ControllerLocation,

        [Parameter(ParameterSetName = 'VMHardDiskDrive', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.HardDiskDrive[]]$VMHardDiskDrive,

        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $targets = @()
                if ($PSCmdlet.ParameterSetName -eq 'VMName') {
                    foreach ($rec in @(Find-HvVmByName $State $VMName)) {
                        foreach ($drive in @($rec.hardDrives)) {
                            if ($null -ne $drive -and [string]$drive.controllerType -eq [string]$ControllerType -and [int]$drive.controllerNumber -eq $ControllerNumber -and [int]$drive.controllerLocation -eq $ControllerLocation) {
                                $targets += @{ vm = $rec; item = $drive }
                            }
                        }
                    }
                } else {
                    foreach ($one in $VMHardDiskDrive) { $targets += Find-HvDevice -State $State -Device $one -List 'hardDrives' }
                }
                $list = @()
                foreach ($target in $targets) {
                    $rec = $target.vm
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name + ': ' + $target.item.path, 'Remove-VMHardDiskDrive')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    if ([string]$target.item.controllerType -eq 'IDE' -or [string]$rec.state -ne 'Running') {
                        if (-not (Test-HvVmIsOff $rec)) { Assert-HvVmOff $rec 'the hard disk drives on an IDE controller' }
                    }
                    $list += ConvertTo-HvHardDisk $State $rec $target.item
                    $rec.hardDrives = @($rec.hardDrives | Where-Object { $null -ne $_ -and $_.id -ne $target.item.id })
                    if ($null -ne $rec.firmware) { $rec.firmware.bootOrder = @($rec.firmware.bootOrder | Where-Object { $_ -ne $target.item.id }) }
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

function Get-VMDvdDrive {
    [CmdletBinding(DefaultParameterSetName = 'VMName')]
    [OutputType([Microsoft.HyperV.PowerShell.DvdDrive])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [int]$ControllerLocation,
        [int]$ControllerNumber
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        $bound = $PSBoundParameters
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
                    Set-HvCallVm $ctx $rec
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    foreach ($drive in @($rec.dvdDrives)) {
                        if ($null -eq $drive) { continue }
                        if ($bound.ContainsKey('ControllerNumber') -and [int]$drive.controllerNumber -ne $ControllerNumber) { continue }
                        if ($bound.ContainsKey('ControllerLocation') -and [int]$drive.controllerLocation -ne $ControllerLocation) { continue }
                        $list += ConvertTo-HvDvd $State $rec $drive
                    }
                }
                return , $list
            }
            foreach ($one in $out) { $PSCmdlet.WriteObject($one) }
        }
    }
}

function Assert-HvIsoPath {
    param([string]$Path)
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) {
        Stop-HvOperation -Message ('Failed to add or change the DVD media: the file "' + $Path + '" was not found.') -ErrorId 'ObjectNotFound' -Category ObjectNotFound -Target $Path
    }
}

# DVD drives are added and removed only while the VM is off (on IDE for generation 1, SCSI for
# generation 2); the media in an existing drive (Set-VMDvdDrive -Path, $null to eject) changes
# while it runs. https://learn.microsoft.com/powershell/module/hyper-v/add-vmdvddrive
function Add-VMDvdDrive {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.DvdDrive])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [Parameter(Position = 1)]
        [int]$ControllerNumber,

        [Parameter(Position = 2)]
        [int]$ControllerLocation,

        [Parameter(Position = 3)]
        [string]$Path,

        [string]$ResourcePoolName,
        [switch]$AllowUnverifiedPaths,
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
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name, 'Add-VMDvdDrive')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    Assert-HvVmOff $rec 'the DVD drives (adding a drive)'
                    $full = ''
                    if ($bound.ContainsKey('Path') -and $Path -ne '') { $full = Get-HvFullPath $Path; Assert-HvIsoPath $full }
                    $type = Resolve-HvControllerType $rec $null
                    $number = $null
                    $location = $null
                    if ($bound.ContainsKey('ControllerNumber')) { $number = $ControllerNumber }
                    if ($bound.ContainsKey('ControllerLocation')) { $location = $ControllerLocation }
                    $slot = Get-HvFreeSlot $rec $type $number $location
                    $drive = [ordered]@{ id = [Guid]::NewGuid().ToString(); controllerType = $type; controllerNumber = $slot.number; controllerLocation = $slot.location; path = $full }
                    $rec.dvdDrives = @($rec.dvdDrives | Where-Object { $null -ne $_ }) + $drive
                    $list += ConvertTo-HvDvd $State $rec $drive
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

function Set-VMDvdDrive {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.DvdDrive])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string]$VMName,

        [Parameter(ParameterSetName = 'VMName', Position = 1)]
        [int]$ControllerNumber,

        [Parameter(ParameterSetName = 'VMName', Position = 2)]
        [int]$ControllerLocation,

        [Parameter(ParameterSetName = 'Object', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.DvdDrive[]]$VMDvdDrive,

        [int]$ToControllerNumber,
        [int]$ToControllerLocation,

        [Parameter(Position = 3)]
        [AllowNull()]
        [AllowEmptyString()]
        [string]$Path,

        [string]$ResourcePoolName,
        [switch]$AllowUnverifiedPaths,
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
                $targets = @()
                if ($PSCmdlet.ParameterSetName -eq 'VMName') {
                    foreach ($rec in @(Find-HvVmByName $State $VMName)) {
                        foreach ($drive in @($rec.dvdDrives)) {
                            if ($null -eq $drive) { continue }
                            if ($bound.ContainsKey('ControllerNumber') -and [int]$drive.controllerNumber -ne $ControllerNumber) { continue }
                            if ($bound.ContainsKey('ControllerLocation') -and [int]$drive.controllerLocation -ne $ControllerLocation) { continue }
                            $targets += @{ vm = $rec; item = $drive }
                        }
                    }
                } else {
                    foreach ($one in $VMDvdDrive) { $targets += Find-HvDevice -State $State -Device $one -List 'dvdDrives' }
                }
                $list = @()
                foreach ($target in $targets) {
                    $rec = $target.vm
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name, 'Set-VMDvdDrive')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    if ($bound.ContainsKey('ToControllerNumber') -or $bound.ContainsKey('ToControllerLocation')) {
                        Assert-HvVmOff $rec 'the location of a DVD drive'
                        $number = $target.item.controllerNumber
                        $location = $target.item.controllerLocation
                        if ($bound.ContainsKey('ToControllerNumber')) { $number = $ToControllerNumber }
                        if ($bound.ContainsKey('ToControllerLocation')) { $location = $ToControllerLocation }
                        $slot = Get-HvFreeSlot $rec ([string]$target.item.controllerType) $number $location
                        $target.item.controllerNumber = $slot.number
                        $target.item.controllerLocation = $slot.location
                    }
                    if ($bound.ContainsKey('Path')) {
                        if ([string]$Path -eq '') { $target.item.path = '' }
                        else { $full = Get-HvFullPath $Path; Assert-HvIsoPath $full; $target.item.path = $full }
                    }
                    $list += ConvertTo-HvDvd $State $rec $target.item
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

function Remove-VMDvdDrive {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string]$VMName,

        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 1)]
        [int]$ControllerNumber,

        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 2)]
        [int]$ControllerLocation,

        [Parameter(ParameterSetName = 'VMDvdDrive', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.DvdDrive[]]$VMDvdDrive,

        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $targets = @()
                if ($PSCmdlet.ParameterSetName -eq 'VMName') {
                    foreach ($rec in @(Find-HvVmByName $State $VMName)) {
                        foreach ($drive in @($rec.dvdDrives)) {
                            if ($null -ne $drive -and [int]$drive.controllerNumber -eq $ControllerNumber -and [int]$drive.controllerLocation -eq $ControllerLocation) { $targets += @{ vm = $rec; item = $drive } }
                        }
                    }
                } else {
                    foreach ($one in $VMDvdDrive) { $targets += Find-HvDevice -State $State -Device $one -List 'dvdDrives' }
                }
                $list = @()
                foreach ($target in $targets) {
                    $rec = $target.vm
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name, 'Remove-VMDvdDrive')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    Assert-HvVmOff $rec 'the DVD drives (removing a drive)'
                    $list += ConvertTo-HvDvd $State $rec $target.item
                    $rec.dvdDrives = @($rec.dvdDrives | Where-Object { $null -ne $_ -and $_.id -ne $target.item.id })
                    if ($null -ne $rec.firmware) { $rec.firmware.bootOrder = @($rec.firmware.bootOrder | Where-Object { $_ -ne $target.item.id }) }
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}
