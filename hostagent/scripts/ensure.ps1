# Ensure, in two phases the agent drives:
#   create: check the image and switches, find the VM by its owner marker (or by its folder
#           <vmDir>\<uid> when the marker write never happened) or create it: New-VM in that
#           folder, the marker in Notes, the spec's NICs added with their static MACs (a static
#           MAC on an existing adapter needs the VM off) and one empty DVD drive (adding a drive
#           needs the VM off; changing its medium does not). Returns the row.
#   apply:  carry out the fields the agent's convergence plan names, passing each cmdlet only
#           the parameters that changed; attach the seed ISO; write the applied generation to
#           Notes (the agent's `generation`: it does not advance while fields wait for the VM to
#           be off); start (or resume) the VM when the power intent says Running. Returns the row.
#   mark:   record what was applied (the agent's `applied` line: spec hash, configuration hash
#           read from the row apply returned, deferred fields) in Notes. Returns the row.
# Any phase may be repeated after a crash: create finds the VM again, apply sets values, mark
# writes the same line; a crash before mark reads as a hand edit and brings another ensure.
param($Request)
. (Join-Path $PSScriptRoot 'common.ps1')

function Assert-Catalogue {
    param($In)
    $image = [string](Get-Field $In.spec 'image')
    if ($image.Length -gt 0) {
        $imagePath = Join-Path ([string]$In.imageDir) ($image + '.vhdx')
        if (-not (Test-Path -LiteralPath $imagePath)) {
            throw (New-AgentError 'ImageNotFound' ('image ' + $image + ' is not in ' + [string]$In.imageDir))
        }
    }
    $known = @(Get-VMSwitch | ForEach-Object { [string]$_.Name })
    foreach ($switchName in @(Get-Field $In 'switches')) {
        if ($null -eq $switchName) { continue }
        if ($known -notcontains [string]$switchName) {
            throw (New-AgentError 'SwitchNotFound' ('switch ' + [string]$switchName + ' is not on this host'))
        }
    }
}

function Find-Named {
    param($Items, [string]$Name)
    return @(@($Items) | Where-Object { $null -ne $_ -and [string]$_.name -eq $Name }) | Select-Object -First 1
}

function Set-VlanOf {
    param($Adapter, $Want)
    $vlanId = Get-Field $Want 'vlanId'
    if ($null -ne $vlanId) {
        Set-VMNetworkAdapterVlan -VMNetworkAdapter $Adapter -Access -VlanId ([int]$vlanId)
    } else {
        Set-VMNetworkAdapterVlan -VMNetworkAdapter $Adapter -Untagged
    }
}

# A new adapter gets its static MAC at creation: Hyper-V refuses to change the MAC of an existing
# adapter while the VM runs, but adding an adapter with one is a hot add like any other.
function Add-Nic {
    param($Vm, $Want)
    $add = @{ VM = $Vm; Name = [string]$Want.name; SwitchName = [string]$Want.switch; Passthru = $true }
    $mac = [string](Get-Field $Want 'macAddress')
    if ($mac -ne '') { $add.StaticMacAddress = $mac }
    $adapter = Add-VMNetworkAdapter @add
    if ($null -ne (Get-Field $Want 'vlanId')) { Set-VlanOf $adapter $Want }
}

function Invoke-Create {
    param($In)
    Assert-Catalogue $In
    $spec = $In.spec
    $uid = [string]$spec.uid
    $vmDir = [string]$In.vmDir
    $found = @(Find-ManagedVm -Uid $uid -VmDir $vmDir)
    if ($found.Count -gt 1) {
        throw (New-AgentError 'Conflict' ('more than one VM carries the owner marker ' + $uid))
    }
    $markerNotes = $script:UidMarker + $uid + "`n" + $script:ImageMarker + [string](Get-Field $spec 'image')
    if ($found.Count -eq 1) {
        $vm = $found[0]
        # Found by its folder: the previous attempt stopped between New-VM and the marker.
        if ($null -eq (Get-NotesMarker -Notes ([string]$vm.Notes) -Marker $script:UidMarker)) {
            Set-VM -VM $vm -Notes $markerNotes
            $vm = Get-VM -Id $vm.Id
        }
        return [ordered]@{ created = $false; vm = (ConvertTo-VmRow $vm) }
    }
    $newVm = @{
        Name               = [string]$In.vmName
        Generation         = [int16]$spec.generation
        MemoryStartupBytes = [int64]$spec.memory.startupBytes
        NoVHD              = $true
        Path               = (Get-VmFolder $vmDir $uid)
    }
    $vm = New-VM @newVm
    # AutomaticStartAction Nothing: a host that boots again (after a crash or a fence) starts none
    # of its managed VMs by itself. The operator starts what should run; a VM failed over to
    # another host meanwhile is removed, never started (docs/operations.md, "Losing a host").
    # Set while the VM is still off, as Hyper-V requires.
    Set-VM -VM $vm -Notes $markerNotes -AutomaticStartAction Nothing
    # New-VM adds an adapter of its own (and, for generation 1, a DVD drive): replace them.
    @(Get-VMNetworkAdapter -VM $vm) | ForEach-Object { Remove-VMNetworkAdapter -VMNetworkAdapter $_ -Confirm:$false }
    foreach ($want in @(Get-Field $spec 'networks')) {
        if ($null -ne $want) { Add-Nic $vm $want }
    }
    if (@(Get-VMDvdDrive -VM $vm).Count -eq 0) { $null = Add-VMDvdDrive -VM $vm -Passthru }
    return [ordered]@{ created = $true; vm = (ConvertTo-VmRow (Get-VM -Id $vm.Id)) }
}

function Set-Nic {
    param($Vm, $Spec, [string]$Name, [string]$Member)
    $want = Find-Named (Get-Field $Spec 'networks') $Name
    $adapter = @(Get-VMNetworkAdapter -VM $Vm | Where-Object { [string]$_.Name -eq $Name }) | Select-Object -First 1
    if ($Member -eq '') {
        if ($null -ne $adapter) { Remove-VMNetworkAdapter -VMNetworkAdapter $adapter -Confirm:$false }
        if ($null -ne $want) { Add-Nic $Vm $want }
        return
    }
    if ($null -eq $adapter -or $null -eq $want) {
        throw (New-AgentError 'Internal' ('network adapter ' + $Name + ' is not on the VM'))
    }
    if ($Member -eq '.switch') {
        Connect-VMNetworkAdapter -VMNetworkAdapter $adapter -SwitchName ([string]$want.switch)
    } elseif ($Member -eq '.vlanId') {
        Set-VlanOf $adapter $want
    } elseif ($Member -eq '.macAddress') {
        $mac = [string](Get-Field $want 'macAddress')
        if ($mac -ne '') {
            Set-VMNetworkAdapter -VMNetworkAdapter $adapter -StaticMacAddress $mac
        } else {
            Set-VMNetworkAdapter -VMNetworkAdapter $adapter -DynamicMacAddress
        }
    }
}

function Get-DiskPath {
    param($In, [string]$Name)
    return Join-Path (Get-VmFolder ([string]$In.vmDir) ([string]$In.spec.uid)) ($Name + '.vhdx')
}

function Set-Disk {
    param($Vm, $In, [string]$Name, [string]$Member)
    $want = Find-Named (Get-Field $In.spec 'disks') $Name
    $path = Get-DiskPath $In $Name
    $drive = @(Get-VMHardDiskDrive -VM $Vm | Where-Object { Test-SamePath ([string]$_.Path) $path }) | Select-Object -First 1
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
            if ([int64]$want.sizeBytes -gt 0 -and [int64](Get-VHD -Path $path).Size -lt [int64]$want.sizeBytes) {
                Resize-VHD -Path $path -SizeBytes ([int64]$want.sizeBytes)
            }
        } else {
            $null = New-VHD -Path $path -SizeBytes ([int64]$want.sizeBytes) -Dynamic
        }
    }
    if ($null -eq $drive) { $drive = Add-VMHardDiskDrive -VM $Vm -Path $path -Passthru }
    if ([string]$want.source -eq 'image' -and [int]$Vm.Generation -eq 2 -and [string]$Vm.State -eq 'Off') {
        Set-VMFirmware -VM $Vm -FirstBootDevice $drive
    }
}

# One Set-VMProcessor call with the processor fields of the plan, and only those.
function Set-Processor {
    param($Vm, $Cpu, [string[]]$Fields)
    $set = @{ VM = $Vm }
    if ($Fields -contains 'cpu.count') { $set.Count = [int64]$Cpu.count }
    if ($Fields -contains 'cpu.reservePercent') { $set.Reserve = [int64]$Cpu.reservePercent }
    if ($Fields -contains 'cpu.limitPercent') { $set.Maximum = [int64]$Cpu.limitPercent }
    if ($Fields -contains 'cpu.weight') { $set.RelativeWeight = [int32]$Cpu.weight }
    if ($Fields -contains 'cpu.exposeVirtualizationExtensions') {
        $set.ExposeVirtualizationExtensions = [bool]$Cpu.exposeVirtualizationExtensions
    }
    if ($Fields -contains 'cpu.compatibilityForMigration') {
        $set.CompatibilityForMigrationEnabled = [bool](Get-Field $Cpu 'compatibilityForMigration')
    }
    if ($set.Count -gt 1) { Set-VMProcessor @set }
}

# One Set-VMMemory call with the memory fields of the plan, and only those. Turning dynamic
# memory on sets its limits in the same call, so min <= startup <= max holds at every step.
function Set-Memory {
    param($Vm, $Memory, [string[]]$Fields)
    $set = @{ VM = $Vm }
    $dynamic = Get-Field $Memory 'dynamic'
    if ($Fields -contains 'memory.startupBytes') { $set.StartupBytes = [int64]$Memory.startupBytes }
    if ($Fields -contains 'memory.dynamic') { $set.DynamicMemoryEnabled = ($null -ne $dynamic) }
    if ($null -ne $dynamic) {
        $toggled = ($Fields -contains 'memory.dynamic')
        if ($toggled -or $Fields -contains 'memory.dynamic.minimumBytes') { $set.MinimumBytes = [int64]$dynamic.minimumBytes }
        if ($toggled -or $Fields -contains 'memory.dynamic.maximumBytes') { $set.MaximumBytes = [int64]$dynamic.maximumBytes }
        if ($toggled -or $Fields -contains 'memory.dynamic.bufferPercent') { $set.Buffer = [int32]$dynamic.bufferPercent }
    }
    if ($set.Count -gt 1) { Set-VMMemory @set }
}

function Set-SecureBoot {
    param($Vm, $Firmware)
    $set = @{ VM = $Vm; EnableSecureBoot = 'Off' }
    if ([bool]$Firmware.secureBoot) {
        $set.EnableSecureBoot = 'On'
        $template = [string](Get-Field $Firmware 'secureBootTemplate')
        if ($template -ne '') { $set.SecureBootTemplate = $template }
    }
    Set-VMFirmware @set
}

# A virtual TPM needs a key protector first; an existing one is kept (replacing it would make
# the TPM's sealed secrets unreadable).
function Set-Tpm {
    param($Vm, $Firmware)
    if ([bool]$Firmware.tpm) {
        if (-not (Test-KeyProtector $Vm)) { Set-VMKeyProtector -VM $Vm -NewLocalKeyProtector }
        Enable-VMTPM -VM $Vm
    } else {
        Disable-VMTPM -VM $Vm
    }
}

# Get-VMKeyProtector answers a short placeholder (0,0,0,4) for a VM without a key protector.
function Test-KeyProtector {
    param($Vm)
    $protector = @(Get-VMKeyProtector -VM $Vm)
    return ($protector.Count -gt 4)
}

function Set-Fields {
    param($Vm, $In, [string[]]$Fields)
    $spec = $In.spec
    Set-Processor $Vm $spec.cpu $Fields
    Set-Memory $Vm $spec.memory $Fields
    foreach ($field in $Fields) {
        if ($field -like 'cpu.*' -or $field -like 'memory.*') { continue }
        if ($field -eq 'firmware.secureBoot') { Set-SecureBoot $Vm $spec.firmware; continue }
        if ($field -eq 'firmware.tpm') { Set-Tpm $Vm $spec.firmware; continue }
        if ($field -match '^networks\[([^\]]+)\](\.[A-Za-z]+)?$') { Set-Nic $Vm $spec $Matches[1] ([string]$Matches[2]); continue }
        if ($field -match '^disks\[([^\]]+)\](\.[A-Za-z]+)?$') { Set-Disk $Vm $In $Matches[1] ([string]$Matches[2]); continue }
        throw (New-AgentError 'Internal' ('ensure.ps1 does not know field ' + $field))
    }
}

# Changing the medium of an existing DVD drive works while the VM runs; adding a drive does not,
# so a VM without one gets the seed only once it is off. Returns $true when the seed had to wait.
function Set-Seed {
    param($Vm, [string]$SeedIso)
    $dvd = @(Get-VMDvdDrive -VM $Vm) | Select-Object -First 1
    if ($SeedIso -eq '') {
        if ($null -ne $dvd -and [string]$dvd.Path -ne '') { Set-VMDvdDrive -VMDvdDrive $dvd -Path $null }
        return $false
    }
    if ($null -eq $dvd) {
        if ([string]$Vm.State -ne 'Off') { return $true }
        $null = Add-VMDvdDrive -VM $Vm -Path $SeedIso -Passthru
        return $false
    }
    if (-not (Test-SamePath ([string]$dvd.Path) $SeedIso)) { Set-VMDvdDrive -VMDvdDrive $dvd -Path $SeedIso }
    return $false
}

# Rewrites the agent's lines in Notes: the owner marker and image as they are, the generation and
# the applied record given ($null leaves a line out).
function Set-ManagedNotes {
    param($Vm, [string]$Generation, $Applied)
    $notes = [string]$Vm.Notes
    $uid = Get-NotesMarker -Notes $notes -Marker $script:UidMarker
    $image = Get-NotesMarker -Notes $notes -Marker $script:ImageMarker
    $lines = @(($script:UidMarker + $uid), ($script:ImageMarker + $image))
    if ($Generation -ne '') { $lines += ($script:GenerationMarker + $Generation) }
    if ($null -ne $Applied) { $lines += ($script:AppliedMarker + [string]$Applied) }
    Set-VM -VM $Vm -Notes ($lines -join "`n")
}

function Invoke-Mark {
    param($In)
    $applied = [string](Get-Field $In 'applied')
    # Hashes and field names only: never text a person could splice into Notes.
    if ($applied -cnotmatch '^[0-9a-f]{16} [0-9a-f]{16}( [A-Za-z0-9_.\[\],-]+)?$') {
        throw (New-AgentError 'Internal' 'ensure.ps1 mark needs an applied record of hashes and field names')
    }
    $vmId = [string]$In.vmId
    $vm = Get-VM -Id $vmId
    $generation = Get-NotesMarker -Notes ([string]$vm.Notes) -Marker $script:GenerationMarker
    if ($null -eq $generation) { $generation = '' }
    Set-ManagedNotes $vm $generation $applied
    return [ordered]@{ vm = (ConvertTo-VmRow (Get-VM -Id $vmId)) }
}

function Invoke-Apply {
    param($In)
    $vmId = [string]$In.vmId
    $vm = Get-VM -Id $vmId
    # Per-VM usage on the agent's /metrics (usage.ps1): metering is turned on once, also for VMs
    # made before the agent did it; enabling it again would keep the data anyway.
    if (-not $vm.ResourceMeteringEnabled) { Enable-VMResourceMetering -VM $vm }
    Set-Fields $vm $In @(@(Get-Field $In 'fields') | ForEach-Object { [string]$_ })
    $vm = Get-VM -Id $vmId
    $seedDeferred = Set-Seed $vm ([string](Get-Field $In 'seedIso'))
    $generation = Get-Field $In 'generation'
    if ($null -eq $generation) { $generation = $In.spec.objectGeneration }
    Set-ManagedNotes $vm ([string]$generation) (Get-NotesMarker -Notes ([string]$vm.Notes) -Marker $script:AppliedMarker)
    $state = [string](Get-VM -Id $vmId).State
    if ([string]$In.power -eq 'Running') {
        if ($state -eq 'Off' -or $state -eq 'Saved') { Start-VM -VM $vm }
        elseif ($state -eq 'Paused') { Resume-VM -VM $vm }
    }
    return [ordered]@{ vm = (ConvertTo-VmRow (Get-VM -Id $vmId)); seedDeferred = [bool]$seedDeferred }
}

Invoke-AgentScript -Request $Request -Body {
    param($In)
    $phase = [string](Get-Field $In 'phase')
    if ($phase -eq 'create') { return Invoke-Create $In }
    if ($phase -eq 'apply') { return Invoke-Apply $In }
    if ($phase -eq 'mark') { return Invoke-Mark $In }
    throw (New-AgentError 'Internal' 'ensure.ps1 needs phase create, apply or mark')
}
