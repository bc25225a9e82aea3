# Network adapters, their VLAN settings, and the host's virtual switches.

function Assert-HvSwitch {
    param($State, [string]$SwitchName)
    if (-not (@($State.switches) | Where-Object { [string]$_.name -eq $SwitchName })) {
        Stop-HvOperation -Message ('Hyper-V was unable to find a virtual switch with name "' + $SwitchName + '".') -ErrorId 'InvalidParameter' -Category ObjectNotFound -Target $SwitchName
    }
}

# Static MAC addresses: 12 hex digits (dashes or colons between pairs allowed), unicast, not zero.
function ConvertTo-HvMac {
    param([string]$Mac)
    $plain = ($Mac -replace '[-:]', '').ToUpperInvariant()
    if ($plain -notmatch '^[0-9A-F]{12}$') {
        Stop-HvOperation -Message ('Invalid MAC address "' + $Mac + '": give 12 hexadecimal digits.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $Mac
    }
    if ($plain -eq '000000000000' -or ([Convert]::ToInt32($plain.Substring(0, 2), 16) -band 1) -eq 1) {
        Stop-HvOperation -Message ('Invalid MAC address "' + $Mac + '": it must be a non-zero unicast address.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $Mac
    }
    return $plain
}

# Network adapters are hot-added and hot-removed only on running generation 2 VMs (synthetic
# adapters); generation 1 VMs and legacy adapters need the VM off.
# https://learn.microsoft.com/windows-server/virtualization/hyper-v/what-s-new-in-hyper-v-on-windows
function Assert-HvNicHotPlug {
    param($Vm, [bool]$Legacy)
    if ((Test-HvVmIsOff $Vm)) { return }
    if ([int]$Vm.generation -ne 2 -or $Legacy -or [string]$Vm.state -ne 'Running') {
        Assert-HvVmOff $Vm 'the network adapters (hot add and remove need a running generation 2 virtual machine)'
    }
}

function Get-VMNetworkAdapter {
    [CmdletBinding(DefaultParameterSetName = 'VMName')]
    [OutputType([Microsoft.HyperV.PowerShell.VMNetworkAdapter])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [Parameter(ParameterSetName = 'All', Mandatory)]
        [switch]$All,

        [Parameter(Position = 1)]
        [Alias('VMNetworkAdapterName')]
        [string]$Name,

        [Parameter(ParameterSetName = 'VMName')]
        [Parameter(ParameterSetName = 'VMObject')]
        [bool]$IsLegacy
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        $bound = $PSBoundParameters
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $records = @()
                if ($All) { $records = @($State.vms) } else { $records = @(Resolve-HvVms $State $VM $VMName) }
                $list = @()
                foreach ($rec in $records) {
                    Set-HvCallVm $ctx $rec
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    foreach ($nic in @($rec.nics)) {
                        if ($null -eq $nic) { continue }
                        if ($bound.ContainsKey('Name') -and [string]$nic.name -notlike $Name) { continue }
                        if ($bound.ContainsKey('IsLegacy') -and [bool]$nic.legacy -ne $IsLegacy) { continue }
                        $list += ConvertTo-HvNic $State $rec $nic
                    }
                }
                return , $list
            }
            foreach ($one in $out) { $PSCmdlet.WriteObject($one) }
        }
    }
}

function Add-VMNetworkAdapter {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.VMNetworkAdapter])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [string]$SwitchName,
        [bool]$IsLegacy,
        [Alias('VMNetworkAdapterName')]
        [string]$Name = 'Network Adapter',
        [switch]$DynamicMacAddress,
        [string]$StaticMacAddress,
        [switch]$Passthru,
        [string]$ResourcePoolName,
        [Microsoft.HyperV.PowerShell.OnOffState]$DeviceNaming
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        $bound = $PSBoundParameters
        Invoke-HvCmdlet $PSCmdlet {
            if ($DynamicMacAddress -and $bound.ContainsKey('StaticMacAddress')) {
                Stop-HvOperation -Message 'DynamicMacAddress and StaticMacAddress cannot be used together.' -ErrorId 'InvalidParameter' -Category InvalidArgument
            }
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name, 'Add-VMNetworkAdapter')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    Assert-HvNicHotPlug $rec $IsLegacy
                    if ($IsLegacy -and [int]$rec.generation -eq 2) {
                        Stop-HvOperation -Message 'Generation 2 virtual machines do not support legacy network adapters.' -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $rec.name
                    }
                    if ($SwitchName -ne '') { Assert-HvSwitch $State $SwitchName }
                    # A static MAC address given here is set as the adapter is created, which
                    # Hyper-V allows on a running VM (unlike changing an existing adapter's).
                    $mac = '000000000000'
                    $dynamic = $true
                    if ($bound.ContainsKey('StaticMacAddress')) { $mac = ConvertTo-HvMac $StaticMacAddress; $dynamic = $false }
                    elseif ([string]$rec.state -eq 'Running') { $mac = New-HvMacAddress $State }
                    $nic = [ordered]@{
                        id         = 'Microsoft:' + $rec.id.ToUpperInvariant() + '\' + [Guid]::NewGuid().ToString().ToUpperInvariant()
                        name       = $Name
                        switchName = $SwitchName
                        macAddress = $mac
                        dynamicMac = $dynamic
                        legacy     = $IsLegacy
                        vlanMode   = 'Untagged'
                        vlanId     = 0
                    }
                    $rec.nics = @($rec.nics | Where-Object { $null -ne $_ }) + $nic
                    $list += ConvertTo-HvNic $State $rec $nic
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

function Remove-VMNetworkAdapter {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [Parameter(ParameterSetName = 'ResourceObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VMNetworkAdapterBase[]]$VMNetworkAdapter,

        [Parameter(ParameterSetName = 'VMName')]
        [Parameter(ParameterSetName = 'VMObject')]
        [Alias('VMNetworkAdapterName')]
        [string]$Name,

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
                foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
                    foreach ($nic in @($rec.nics)) {
                        if ($null -eq $nic) { continue }
                        if (-not $bound.ContainsKey('Name') -or [string]$nic.name -like $Name) { $targets += @{ vm = $rec; item = $nic } }
                    }
                }
                foreach ($adapter in @($VMNetworkAdapter)) {
                    if ($null -ne $adapter) { $targets += Find-HvDevice -State $State -Device $adapter -List 'nics' }
                }
                $list = @()
                foreach ($target in $targets) {
                    $rec = $target.vm
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name + ': ' + $target.item.name, 'Remove-VMNetworkAdapter')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    Assert-HvNicHotPlug $rec ([bool]$target.item.legacy)
                    $list += ConvertTo-HvNic $State $rec $target.item
                    $rec.nics = @($rec.nics | Where-Object { $null -ne $_ -and $_.id -ne $target.item.id })
                    if ($null -ne $rec.firmware) { $rec.firmware.bootOrder = @($rec.firmware.bootOrder | Where-Object { $_ -ne $target.item.id }) }
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

# Set-VMNetworkAdapter. Switching an existing adapter between static and dynamic MAC, or to
# another static MAC, needs the VM off; the MAC can be given at creation instead
# (Add-VMNetworkAdapter -StaticMacAddress).
# https://learn.microsoft.com/powershell/module/hyper-v/set-vmnetworkadapter
function Set-VMNetworkAdapter {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.VMNetworkAdapter])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine]$VM,

        [Parameter(ParameterSetName = 'ResourceObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VMNetworkAdapterBase]$VMNetworkAdapter,

        [Parameter(ParameterSetName = 'VMName')]
        [Parameter(ParameterSetName = 'VMObject')]
        [Alias('VMNetworkAdapterName')]
        [string]$Name,

        [switch]$DynamicMacAddress,
        [string]$StaticMacAddress,
        [Microsoft.HyperV.PowerShell.OnOffState]$MacAddressSpoofing,
        [Microsoft.HyperV.PowerShell.OnOffState]$DhcpGuard,
        [Microsoft.HyperV.PowerShell.OnOffState]$RouterGuard,
        [Microsoft.HyperV.PowerShell.OnOffState]$DeviceNaming,
        [int64]$MaximumBandwidth,
        [int64]$MinimumBandwidthAbsolute,
        [uint32]$MinimumBandwidthWeight,
        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        $bound = $PSBoundParameters
        Invoke-HvCmdlet $PSCmdlet {
            if ($DynamicMacAddress -and $bound.ContainsKey('StaticMacAddress')) {
                Stop-HvOperation -Message 'DynamicMacAddress and StaticMacAddress cannot be used together.' -ErrorId 'InvalidParameter' -Category InvalidArgument
            }
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $targets = @()
                $vmList = @()
                if ($null -ne $VM) { $vmList = @(Find-HvVmById $State $VM.Id) }
                if ($VMName -ne '') { $vmList = @(Find-HvVmByName $State $VMName) }
                foreach ($rec in $vmList) {
                    foreach ($nic in @($rec.nics)) {
                        if ($null -eq $nic) { continue }
                        if (-not $bound.ContainsKey('Name') -or [string]$nic.name -like $Name) { $targets += @{ vm = $rec; item = $nic } }
                    }
                }
                if ($null -ne $VMNetworkAdapter) { $targets += Find-HvDevice -State $State -Device $VMNetworkAdapter -List 'nics' }
                $list = @()
                foreach ($target in $targets) {
                    $rec = $target.vm
                    $nic = $target.item
                    Set-HvCallVm $ctx $rec
                    if (-not $PSCmdlet.ShouldProcess($rec.name + ': ' + $nic.name, 'Set-VMNetworkAdapter')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    if ($bound.ContainsKey('StaticMacAddress')) {
                        $mac = ConvertTo-HvMac $StaticMacAddress
                        if ([bool]$nic.dynamicMac -or [string]$nic.macAddress -ne $mac) { Assert-HvVmOff $rec 'the MAC address of a network adapter' }
                        $nic.macAddress = $mac
                        $nic.dynamicMac = $false
                    }
                    if ($DynamicMacAddress -and -not [bool]$nic.dynamicMac) {
                        Assert-HvVmOff $rec 'the MAC address of a network adapter'
                        $nic.dynamicMac = $true
                        $nic.macAddress = '000000000000'
                    }
                    $list += ConvertTo-HvNic $State $rec $nic
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

# Connecting an adapter to a switch works on a running VM.
function Connect-VMNetworkAdapter {
    [CmdletBinding(DefaultParameterSetName = 'Name_SwitchName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.VMNetworkAdapter])]
    param(
        [Parameter(ParameterSetName = 'Name_SwitchName', Position = 1)]
        [Alias('VMNetworkAdapterName')]
        [string[]]$Name,

        [Parameter(ParameterSetName = 'Name_SwitchName', Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'Object_SwitchName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VMNetworkAdapter[]]$VMNetworkAdapter,

        [Parameter(ParameterSetName = 'Name_SwitchName', Mandatory, Position = 2)]
        [Parameter(ParameterSetName = 'Object_SwitchName', Mandatory, Position = 1)]
        [ValidateNotNullOrEmpty()]
        [string]$SwitchName,

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
                Assert-HvSwitch $State $SwitchName
                $targets = @()
                foreach ($rec in @(Resolve-HvVms $State $null $VMName)) {
                    foreach ($nic in @($rec.nics)) {
                        if ($null -eq $nic) { continue }
                        if (-not $bound.ContainsKey('Name') -or @($Name | Where-Object { [string]$nic.name -like $_ }).Count -gt 0) { $targets += @{ vm = $rec; item = $nic } }
                    }
                }
                foreach ($adapter in @($VMNetworkAdapter)) {
                    if ($null -ne $adapter) { $targets += Find-HvDevice -State $State -Device $adapter -List 'nics' }
                }
                $list = @()
                foreach ($target in $targets) {
                    Set-HvCallVm $ctx $target.vm
                    if (-not $PSCmdlet.ShouldProcess($target.vm.name + ': ' + $target.item.name, 'Connect-VMNetworkAdapter')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $target.vm
                    $target.item.switchName = $SwitchName
                    $list += ConvertTo-HvNic $State $target.vm $target.item
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

function ConvertTo-HvVlan {
    param($State, $Vm, $Nic)
    $vlan = New-Object Microsoft.HyperV.PowerShell.VMNetworkAdapterVlanSetting
    $vlan.OperationMode = [Microsoft.HyperV.PowerShell.VMNetworkAdapterVlanMode][string]$Nic.vlanMode
    $vlan.AccessVlanId = [int]$Nic.vlanId
    $vlan.NativeVlanId = 0
    $vlan.AllowedVlanIdListString = ''
    $vlan.ParentAdapter = ConvertTo-HvNic $State $Vm $Nic
    $vlan.VMName = [string]$Vm.name
    return $vlan
}

function Get-VMNetworkAdapterVlan {
    [CmdletBinding(DefaultParameterSetName = 'VMName')]
    [OutputType([Microsoft.HyperV.PowerShell.VMNetworkAdapterVlanSetting])]
    param(
        [Parameter(ParameterSetName = 'VMName', Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [Parameter(ParameterSetName = 'ResourceObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VMNetworkAdapterBase[]]$VMNetworkAdapter,

        [Parameter(ParameterSetName = 'VMName')]
        [Parameter(ParameterSetName = 'VMObject')]
        [string]$VMNetworkAdapterName
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
                $records = @()
                if ($PSCmdlet.ParameterSetName -eq 'VMName' -and $null -eq $VMName) { $records = @($State.vms) } else { $records = @(Resolve-HvVms $State $VM $VMName) }
                foreach ($rec in $records) {
                    foreach ($nic in @($rec.nics)) {
                        if ($null -eq $nic) { continue }
                        if (-not $bound.ContainsKey('VMNetworkAdapterName') -or [string]$nic.name -like $VMNetworkAdapterName) { $targets += @{ vm = $rec; item = $nic } }
                    }
                }
                foreach ($adapter in @($VMNetworkAdapter)) {
                    if ($null -ne $adapter) { $targets += Find-HvDevice -State $State -Device $adapter -List 'nics' }
                }
                $list = @()
                foreach ($target in $targets) {
                    Set-HvCallVm $ctx $target.vm
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $target.vm
                    $list += ConvertTo-HvVlan $State $target.vm $target.item
                }
                return , $list
            }
            foreach ($one in $out) { $PSCmdlet.WriteObject($one) }
        }
    }
}

# VLAN settings change on a running VM. Access, Trunk, private VLAN and Untagged are mutually
# exclusive; access mode needs -VlanId 1..4094.
# https://learn.microsoft.com/powershell/module/hyper-v/set-vmnetworkadaptervlan
function Set-VMNetworkAdapterVlan {
    [CmdletBinding(DefaultParameterSetName = 'VMName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.VMNetworkAdapterVlanSetting])]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM,

        [Parameter(ParameterSetName = 'ResourceObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VMNetworkAdapterBase[]]$VMNetworkAdapter,

        [Parameter(ParameterSetName = 'VMName')]
        [Parameter(ParameterSetName = 'VMObject')]
        [string]$VMNetworkAdapterName,

        [Alias('u')] [switch]$Untagged,
        [Alias('a')] [switch]$Access,
        [Alias('AccessVlanId')] [int]$VlanId,
        [Alias('t')] [switch]$Trunk,
        [int]$NativeVlanId,
        [string]$AllowedVlanIdList,
        [Alias('i')] [switch]$Isolated,
        [Alias('c')] [switch]$Community,
        [Alias('p')] [switch]$Promiscuous,
        [int]$PrimaryVlanId,
        [int]$SecondaryVlanId,
        [string]$SecondaryVlanIdList,
        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        $bound = $PSBoundParameters
        Invoke-HvCmdlet $PSCmdlet {
            $modes = @('Untagged', 'Access', 'Trunk', 'Isolated', 'Community', 'Promiscuous' | Where-Object { $bound.ContainsKey($_) -and [bool]$bound[$_] })
            if ($modes.Count -ne 1) {
                Stop-HvOperation -Message 'Specify exactly one of -Untagged, -Access, -Trunk, -Isolated, -Community, -Promiscuous.' -ErrorId 'InvalidParameter' -Category InvalidArgument
            }
            if ($Access -and (-not $bound.ContainsKey('VlanId') -or $VlanId -lt 1 -or $VlanId -gt 4094)) {
                Stop-HvOperation -Message 'Access mode needs -VlanId from 1 to 4094.' -ErrorId 'InvalidParameter' -Category InvalidArgument
            }
            if ($Untagged -and $bound.ContainsKey('VlanId')) {
                Stop-HvOperation -Message '-VlanId cannot be used with -Untagged.' -ErrorId 'InvalidParameter' -Category InvalidArgument
            }
            if (-not ($Access -or $Untagged)) {
                Stop-HvOperation -Message 'The Hyper-V model supports only -Access and -Untagged VLAN modes.' -ErrorId 'NotSupported' -Category NotImplemented
            }
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $targets = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
                    foreach ($nic in @($rec.nics)) {
                        if ($null -eq $nic) { continue }
                        if (-not $bound.ContainsKey('VMNetworkAdapterName') -or [string]$nic.name -like $VMNetworkAdapterName) { $targets += @{ vm = $rec; item = $nic } }
                    }
                }
                foreach ($adapter in @($VMNetworkAdapter)) {
                    if ($null -ne $adapter) { $targets += Find-HvDevice -State $State -Device $adapter -List 'nics' }
                }
                $list = @()
                foreach ($target in $targets) {
                    Set-HvCallVm $ctx $target.vm
                    if (-not $PSCmdlet.ShouldProcess($target.vm.name + ': ' + $target.item.name, 'Set-VMNetworkAdapterVlan')) { continue }
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $target.vm
                    if ($Access) { $target.item.vlanMode = 'Access'; $target.item.vlanId = $VlanId }
                    else { $target.item.vlanMode = 'Untagged'; $target.item.vlanId = 0 }
                    $list += ConvertTo-HvVlan $State $target.vm $target.item
                }
                return , $list
            }
            if ($Passthru) { foreach ($one in $out) { $PSCmdlet.WriteObject($one) } }
        }
    }
}

function Get-VMSwitch {
    [CmdletBinding(DefaultParameterSetName = 'Name')]
    [OutputType([Microsoft.HyperV.PowerShell.VMSwitch])]
    param(
        [Parameter(ParameterSetName = 'Name', Position = 0)]
        [Alias('SwitchName')]
        [string]$Name,

        [Parameter(ParameterSetName = 'Id', Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('SwitchId')]
        [Guid[]]$Id,

        [Parameter(Position = 1)]
        [string[]]$ResourcePoolName,

        [Microsoft.HyperV.PowerShell.VMSwitchType[]]$SwitchType
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        $bound = $PSBoundParameters
        Invoke-HvCmdlet $PSCmdlet {
            $out = Use-HvState -Cmdlet $PSCmdlet -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($sw in @($State.switches)) {
                    if ($null -eq $sw) { continue }
                    if ($bound.ContainsKey('Name') -and [string]$sw.name -notlike $Name) { continue }
                    if ($bound.ContainsKey('Id') -and @($Id | Where-Object { $_ -eq [Guid]$sw.id }).Count -eq 0) { continue }
                    if ($bound.ContainsKey('SwitchType') -and $SwitchType -notcontains [Microsoft.HyperV.PowerShell.VMSwitchType][string]$sw.switchType) { continue }
                    $out = New-Object Microsoft.HyperV.PowerShell.VMSwitch
                    $out.Id = [Guid]$sw.id
                    $out.Name = [string]$sw.name
                    $out.SwitchType = [Microsoft.HyperV.PowerShell.VMSwitchType][string]$sw.switchType
                    $out.ComputerName = Get-HvComputerName $State
                    $list += $out
                }
                if ($bound.ContainsKey('Name') -and $list.Count -eq 0 -and -not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($Name)) {
                    Stop-HvOperation -Message ('Hyper-V was unable to find a virtual switch with name "' + $Name + '".') -ErrorId 'InvalidParameter' -Category ObjectNotFound -Target $Name
                }
                return , $list
            }
            foreach ($one in $out) { $PSCmdlet.WriteObject($one) }
        }
    }
}
