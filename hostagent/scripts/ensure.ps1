# Ensure, in two phases the agent drives:
#   create: check the image and switches, find the VM by its owner marker or create it bare
#           (New-VM without disks or NICs, marker written to Notes at once). Returns the row.
#   apply:  carry out the fields the agent's convergence plan names, attach the seed ISO, write
#           the applied generation to Notes, apply the power intent. Returns the row.
# Either phase may be repeated after a crash: create finds the VM again, apply sets values.
param($Request)
. (Join-Path $PSScriptRoot 'common.ps1')

function Assert-Catalogue {
    param($In)
    $image = [string]$In.spec.image
    if ($image.Length -gt 0) {
        $imagePath = Join-Path ([string]$In.imageDir) ($image + '.vhdx')
        if (-not (Test-Path -LiteralPath $imagePath)) {
            throw (New-AgentError 'ImageNotFound' ('image ' + $image + ' is not in ' + [string]$In.imageDir))
        }
    }
    $known = @(Get-VMSwitch | ForEach-Object { [string]$_.Name })
    foreach ($switchName in @($In.switches)) {
        if ($known -notcontains [string]$switchName) {
            throw (New-AgentError 'SwitchNotFound' ('switch ' + [string]$switchName + ' is not on this host'))
        }
    }
}

function Invoke-Create {
    param($In)
    Assert-Catalogue $In
    $spec = $In.spec
    $uid = [string]$spec.uid
    $found = @(Find-ManagedVm -Uid $uid)
    if ($found.Count -gt 1) {
        throw (New-AgentError 'Conflict' ('more than one VM carries the owner marker ' + $uid))
    }
    if ($found.Count -eq 1) { return [ordered]@{ created = $false; vm = (ConvertTo-VmRow $found[0]) } }
    $newVm = @{
        Name               = [string]$spec.namespace + '.' + [string]$spec.name
        Generation         = [int16]$spec.generation
        MemoryStartupBytes = [int64]$spec.memory.startupBytes
        NoVHD              = $true
        Path               = Join-Path ([string]$In.vmDir) $uid
    }
    $vm = New-VM @newVm
    $notes = $script:UidMarker + $uid + "`n" + $script:ImageMarker + [string]$spec.image
    Set-VM -VM $vm -Notes $notes
    Get-VMNetworkAdapter -VM $vm | Remove-VMNetworkAdapter -Confirm:$false
    Get-VMDvdDrive -VM $vm | Remove-VMDvdDrive -Confirm:$false
    return [ordered]@{ created = $true; vm = (ConvertTo-VmRow $vm) }
}

function Find-Named {
    param($Items, [string]$Name)
    return @($Items | Where-Object { [string]$_.name -eq $Name }) | Select-Object -First 1
}

function Set-Memory {
    param($Vm, $Spec)
    $memory = @{ VM = $Vm; StartupBytes = [int64]$Spec.memory.startupBytes }
    if ($null -ne $Spec.memory.dynamic) {
        $memory.DynamicMemoryEnabled = $true
        $memory.MinimumBytes = [int64]$Spec.memory.dynamic.minimumBytes
        $memory.MaximumBytes = [int64]$Spec.memory.dynamic.maximumBytes
        $memory.Buffer = [int32]$Spec.memory.dynamic.bufferPercent
    } else {
        $memory.DynamicMemoryEnabled = $false
    }
    Set-VMMemory @memory
}

function Set-Firmware {
    param($Vm, $Spec)
    if ($Vm.Generation -ne 2) { return }
    $firmware = @{ VM = $Vm; EnableSecureBoot = 'Off' }
    if ($Spec.firmware.secureBoot) {
        $firmware.EnableSecureBoot = 'On'
        if ([string]$Spec.firmware.secureBootTemplate -ne '') {
            $firmware.SecureBootTemplate = [string]$Spec.firmware.secureBootTemplate
        }
    }
    Set-VMFirmware @firmware
    $tpmOn = [bool](Get-VMSecurity -VM $Vm).TpmEnabled
    if ($Spec.firmware.tpm -and -not $tpmOn) {
        Set-VMKeyProtector -VM $Vm -NewLocalKeyProtector
        Enable-VMTPM -VM $Vm
    } elseif (-not $Spec.firmware.tpm -and $tpmOn) {
        Disable-VMTPM -VM $Vm
    }
}

function Set-Nic {
    param($Vm, $Spec, [string]$Name, [string]$Member)
    $want = Find-Named $Spec.networks $Name
    $adapter = @(Get-VMNetworkAdapter -VM $Vm | Where-Object { [string]$_.Name -eq $Name }) | Select-Object -First 1
    if ($Member -eq '') {
        if ($null -ne $adapter) { Remove-VMNetworkAdapter -VMNetworkAdapter $adapter -Confirm:$false }
        if ($null -eq $want) { return }
        $adapter = Add-VMNetworkAdapter -VM $Vm -Name $Name -SwitchName ([string]$want.switch) -Passthru
        $Member = 'all'
    }
    if ($Member -eq '.switch') {
        Connect-VMNetworkAdapter -VMNetworkAdapter $adapter -SwitchName ([string]$want.switch)
    }
    if ($Member -eq '.vlanId' -or $Member -eq 'all') {
        if ($null -ne $want.vlanId) {
            Set-VMNetworkAdapterVlan -VMNetworkAdapter $adapter -Access -VlanId ([int]$want.vlanId)
        } else {
            Set-VMNetworkAdapterVlan -VMNetworkAdapter $adapter -Untagged
        }
    }
    if ($Member -eq '.macAddress' -or ($Member -eq 'all' -and [string]$want.macAddress -ne '')) {
        if ([string]$want.macAddress -ne '') {
            Set-VMNetworkAdapter -VMNetworkAdapter $adapter -StaticMacAddress ([string]$want.macAddress)
        } else {
            Set-VMNetworkAdapter -VMNetworkAdapter $adapter -DynamicMacAddress
        }
    }
}

function Set-Disk {
    param($Vm, $In, [string]$Name, [string]$Member)
    $want = Find-Named $In.spec.disks $Name
    $path = Join-Path (Join-Path ([string]$In.vmDir) ([string]$In.spec.uid)) ($Name + '.vhdx')
    $drive = @(Get-VMHardDiskDrive -VM $Vm | Where-Object { [string]$_.Path -eq $path }) | Select-Object -First 1
    if ($Member -eq '.sizeBytes') {
        Resize-VHD -Path $path -SizeBytes ([int64]$want.sizeBytes)
        return
    }
    if ($null -eq $want) {
        if ($null -ne $drive) { Remove-VMHardDiskDrive -VMHardDiskDrive $drive }
        if (Test-Path -LiteralPath $path) { Remove-Item -LiteralPath $path -Force }
        return
    }
    if (-not (Test-Path -LiteralPath $path)) {
        if ([string]$want.source -eq 'image') {
            $parent = Join-Path ([string]$In.imageDir) ([string]$In.spec.image + '.vhdx')
            $null = New-VHD -Path $path -ParentPath $parent -Differencing
            if ([int64]$want.sizeBytes -gt 0) { Resize-VHD -Path $path -SizeBytes ([int64]$want.sizeBytes) }
        } else {
            $null = New-VHD -Path $path -SizeBytes ([int64]$want.sizeBytes) -Dynamic
        }
    }
    if ($null -eq $drive) { Add-VMHardDiskDrive -VM $Vm -Path $path }
    if ([string]$want.source -eq 'image' -and $Vm.Generation -eq 2) {
        Set-VMFirmware -VM $Vm -FirstBootDevice (Get-VMHardDiskDrive -VM $Vm | Where-Object { [string]$_.Path -eq $path })
    }
}

function Set-Field {
    param($Vm, $In, [string]$Field)
    $spec = $In.spec
    $cpu = $spec.cpu
    if ($Field -eq 'cpu.count') { Set-VMProcessor -VM $Vm -Count ([int64]$cpu.count); return }
    if ($Field -eq 'cpu.controls') {
        Set-VMProcessor -VM $Vm -Reserve ([int64]$cpu.reservePercent) -Maximum ([int64]$cpu.limitPercent) -RelativeWeight ([int32]$cpu.weight)
        return
    }
    if ($Field -eq 'cpu.exposeVirtualizationExtensions') {
        Set-VMProcessor -VM $Vm -ExposeVirtualizationExtensions ([bool]$cpu.exposeVirtualizationExtensions)
        return
    }
    if ($Field -like 'memory.*') { Set-Memory $Vm $spec; return }
    if ($Field -eq 'firmware') { Set-Firmware $Vm $spec; return }
    if ($Field -match '^networks\[([a-z0-9-]+)\](\.[A-Za-z]+)?$') { Set-Nic $Vm $spec $Matches[1] ([string]$Matches[2]); return }
    if ($Field -match '^disks\[([a-z0-9-]+)\](\.[A-Za-z]+)?$') { Set-Disk $Vm $In $Matches[1] ([string]$Matches[2]); return }
    throw (New-AgentError 'Internal' ('ensure.ps1 does not know field ' + $Field))
}

function Set-Seed {
    param($Vm, [string]$SeedIso)
    $dvd = @(Get-VMDvdDrive -VM $Vm) | Select-Object -First 1
    if ($SeedIso -eq '') {
        if ($null -ne $dvd) { Set-VMDvdDrive -VMDvdDrive $dvd -Path $null }
        return
    }
    if ($null -eq $dvd) { Add-VMDvdDrive -VM $Vm -Path $SeedIso; return }
    if ([string]$dvd.Path -ne $SeedIso) { Set-VMDvdDrive -VMDvdDrive $dvd -Path $SeedIso }
}

function Invoke-Apply {
    param($In)
    $vm = Get-VM -Id ([string]$In.vmId)
    foreach ($field in @($In.fields)) { Set-Field $vm $In ([string]$field) }
    Set-Seed $vm ([string]$In.seedIso)
    $uid = Get-NotesMarker -Notes $vm.Notes -Marker $script:UidMarker
    $image = Get-NotesMarker -Notes $vm.Notes -Marker $script:ImageMarker
    $notes = $script:UidMarker + $uid + "`n" + $script:ImageMarker + $image + "`n" + $script:GenerationMarker + [string]$In.spec.objectGeneration
    Set-VM -VM $vm -Notes $notes
    $state = [string](Get-VM -Id ([string]$In.vmId)).State
    if ([string]$In.power -eq 'Running' -and ($state -eq 'Off' -or $state -eq 'Saved')) { Start-VM -VM $vm }
    if ([string]$In.power -eq 'Off' -and $state -eq 'Running') { Stop-VM -VM $vm -Force }
    return [ordered]@{ vm = (ConvertTo-VmRow (Get-VM -Id ([string]$In.vmId))) }
}

Invoke-AgentScript -Request $Request -Body {
    param($In)
    if ([string]$In.phase -eq 'create') { return Invoke-Create $In }
    if ([string]$In.phase -eq 'apply') { return Invoke-Apply $In }
    throw (New-AgentError 'Internal' 'ensure.ps1 needs phase create or apply')
}
