# ensure.ps1 against the Hyper-V rules model: create (idempotent, crash-safe), apply on a VM that
# is off, live changes on a running VM with only the changed parameters, and what Hyper-V refuses.
BeforeAll {
    . (Join-Path $PSScriptRoot 'ScriptTestSetup.ps1')
}

Describe 'ensure create' {
    BeforeEach { $root = Reset-ScriptHost }

    It 'creates the VM in the uid folder under vmDir with the marker, its NICs (static MAC given at creation) and one empty DVD drive' {
        $spec = New-TestSpec
        $created = Invoke-Create $root $spec
        $created.created | Should -BeTrue
        $vm = Get-VM -Id $created.vm.vmId
        $vm.Name | Should -Be 'team-a.web-1'
        $vm.Notes | Should -Match '^hyperv-operator-uid: u-1\r?\nhyperv-operator-image: ubuntu-24.04$'
        [IO.Path]::GetFullPath($vm.Path) | Should -BeLike ([IO.Path]::GetFullPath((Join-Path $root 'vms/u-1')) + '*')
        $nic = @(Get-VMNetworkAdapter -VM $vm)
        $nic.Count | Should -Be 1
        $nic[0].Name | Should -Be 'nic0'
        $nic[0].MacAddress | Should -Be '00155D000001'
        $nic[0].DynamicMacAddressEnabled | Should -BeFalse
        (Get-VMNetworkAdapterVlan -VMNetworkAdapter $nic[0]).AccessVlanId | Should -Be 40
        @(Get-Calls 'Add-VMNetworkAdapter' | Where-Object { $_.parameters.Contains('StaticMacAddress') }).Count | Should -Be 1
        @(Get-Calls 'Set-VMNetworkAdapter').Count | Should -Be 0
        $dvd = @(Get-VMDvdDrive -VM $vm)
        $dvd.Count | Should -Be 1
        $dvd[0].Path | Should -BeNullOrEmpty
    }

    It 'creates the VM with AutomaticStartAction Nothing, so a host that boots again starts none of its managed VMs by itself' {
        $created = Invoke-Create $root (New-TestSpec)
        (Get-VM -Id $created.vm.vmId).AutomaticStartAction | Should -Be 'Nothing'
        @(Get-Calls 'Set-VM' | Where-Object { $_.parameters.Contains('AutomaticStartAction') }).Count | Should -Be 1
        # Hyper-V's default for a new VM, which would start it again after a reboot if it ran
        $hand = New-VM -Name 'hand-made' -Generation 2 -MemoryStartupBytes 2GB -NoVHD -Path (Join-Path $root 'other')
        (Get-VM -Id $hand.Id).AutomaticStartAction | Should -Be 'StartIfRunning'
    }

    It 'finds the VM again instead of making a second one' {
        $spec = New-TestSpec
        $first = Invoke-Create $root $spec
        $second = Invoke-Create $root $spec
        $second.created | Should -BeFalse
        $second.vm.vmId | Should -Be $first.vm.vmId
        @(Get-VM).Count | Should -Be 1
    }

    It 'adopts the VM a crash left between New-VM and the owner marker (found by its folder)' {
        $orphan = New-VM -Name 'team-a.web-1' -Generation 2 -MemoryStartupBytes 2GB -NoVHD -Path (Join-Path $root 'vms/u-1')
        $created = Invoke-Create $root (New-TestSpec)
        $created.created | Should -BeFalse
        $created.vm.vmId | Should -Be ([string]$orphan.Id)
        (Get-VM -Id $orphan.Id).Notes | Should -Match 'hyperv-operator-uid: u-1'
        @(Get-VM).Count | Should -Be 1
    }

    It 'never adopts a marker-less VM outside the uid folder' {
        $null = New-VM -Name 'hand-made' -Generation 2 -MemoryStartupBytes 2GB -NoVHD -Path (Join-Path $root 'vms/u-10')
        $created = Invoke-Create $root (New-TestSpec)
        $created.created | Should -BeTrue
        @(Get-VM).Count | Should -Be 2
    }

    It 'refuses an unknown image or switch with the agent error code' {
        $spec = New-TestSpec
        $spec.image = 'rocky-10'
        (Invoke-TestScript ensure @{ phase = 'create'; spec = $spec; vmName = 'x'; switches = @(); vmDir = "$root/vms"; imageDir = "$root/images" }).error.code | Should -Be 'ImageNotFound'
        $spec = New-TestSpec
        (Invoke-TestScript ensure @{ phase = 'create'; spec = $spec; vmName = 'x'; switches = @('nope'); vmDir = "$root/vms"; imageDir = "$root/images" }).error.code | Should -Be 'SwitchNotFound'
        @(Get-VM).Count | Should -Be 0
    }
}

Describe 'ensure apply on a VM that is off' {
    BeforeEach { $root = Reset-ScriptHost }

    It 'creates the disks, secure boot with the Linux template, the vTPM with its key protector, attaches the seed and starts' {
        $spec = New-TestSpec
        $spec.firmware.tpm = $true
        $vm = New-ConvergedVm $root $spec
        $vm.state | Should -Be 'Running'
        $vm.processorCount | Should -Be 2
        $vm.secureBoot | Should -BeTrue
        $vm.secureBootTemplate | Should -Be 'MicrosoftUEFICertificateAuthority'
        $vm.tpm | Should -BeTrue
        @(Get-Calls 'Set-VMKeyProtector').Count | Should -Be 1
        $vm.dvdPath | Should -Be (Join-Path $root 'seed-1.iso')
        @(Get-Calls 'Add-VMDvdDrive').Count | Should -Be 1  # the empty drive made at creation
        $os = @($vm.disks | Where-Object { $_.name -eq 'os' })[0]
        $os.differencing | Should -BeTrue
        $os.sizeBytes | Should -Be 10GB
        @($vm.disks | Where-Object { $_.name -eq 'data' })[0].sizeBytes | Should -Be 1GB
        $vm.notes | Should -Match 'hyperv-operator-generation: 3'
    }

    It 'turns dynamic memory on with its limits in one Set-VMMemory call' {
        $spec = New-TestSpec
        $vm = New-ConvergedVm $root $spec -Power 'Off'
        $spec.memory = @{ startupBytes = 2GB; dynamic = @{ minimumBytes = 1GB; maximumBytes = 4GB; bufferPercent = 20 } }
        Clear-HvModelCalls
        $after = (Invoke-Apply $root $spec $vm.vmId -Fields @('memory.dynamic')).vm
        $after.dynamicMemoryEnabled | Should -BeTrue
        $after.memoryMinimumBytes | Should -Be 1GB
        $after.memoryMaximumBytes | Should -Be 4GB
        @(Get-Calls 'Set-VMMemory').Count | Should -Be 1
    }
}

Describe 'ensure apply on a running VM' {
    BeforeEach {
        $root = Reset-ScriptHost
        $spec = New-TestSpec
        $spec.memory = @{ startupBytes = 2GB; dynamic = @{ minimumBytes = 1GB; maximumBytes = 4GB; bufferPercent = 20 } }
        $vm = New-ConvergedVm $root $spec
        Clear-HvModelCalls
    }

    It 'applies every live change, passing each cmdlet only the parameters that changed' {
        $spec.cpu.weight = 300
        $spec.memory.dynamic.minimumBytes = 512MB
        $spec.memory.dynamic.maximumBytes = 8GB
        $spec.networks[0].vlanId = 41
        $spec.networks += @{ name = 'nic1'; switch = 'wan'; macAddress = '00155D000002' }
        $spec.disks[1].sizeBytes = 2GB
        $fields = @('cpu.weight', 'memory.dynamic.minimumBytes', 'memory.dynamic.maximumBytes', 'networks[nic0].vlanId', 'networks[nic1]', 'disks[data].sizeBytes')
        $after = (Invoke-Apply $root $spec $vm.vmId -Fields $fields -SeedIso (Join-Path $root 'seed-2.iso') -Power 'Running').vm
        $after.state | Should -Be 'Running'
        $after.cpuWeight | Should -Be 300
        $after.memoryMinimumBytes | Should -Be 512MB
        $after.memoryMaximumBytes | Should -Be 8GB
        @($after.nics | Where-Object { $_.name -eq 'nic0' })[0].vlanId | Should -Be 41
        $nic1 = @($after.nics | Where-Object { $_.name -eq 'nic1' })[0]
        $nic1.macAddress | Should -Be '00155D000002'
        $nic1.dynamicMacAddress | Should -BeFalse
        @($after.disks | Where-Object { $_.name -eq 'data' })[0].sizeBytes | Should -Be 2GB
        $after.dvdPath | Should -Be (Join-Path $root 'seed-2.iso')
        @(Get-Calls 'Set-VMProcessor')[0].parameters.Keys | Sort-Object | Should -Be @('RelativeWeight', 'VM')
        @(Get-Calls 'Set-VMMemory')[0].parameters.Keys | Sort-Object | Should -Be @('MaximumBytes', 'MinimumBytes', 'VM')
        @(Get-Calls 'Set-VMDvdDrive').Count | Should -Be 1
        @(Get-Calls 'Add-VMDvdDrive').Count | Should -Be 0
        @(Get-HvModelCalls | Where-Object { -not $_.ok }).Count | Should -Be 0
    }

    It 'would be refused by Hyper-V for each change the agent reports as restart-required' {
        # The C++ planner never sends these while the VM runs (restartRequiredFields); the model
        # proves Hyper-V would refuse them.
        $cases = @(
            @{ field = 'cpu.count'; change = { param($s) $s.cpu.count = 4 } },
            @{ field = 'memory.startupBytes'; change = { param($s) $s.memory.startupBytes = 3GB } },
            @{ field = 'memory.dynamic.minimumBytes'; change = { param($s) $s.memory.dynamic.minimumBytes = 2GB } },
            @{ field = 'memory.dynamic.maximumBytes'; change = { param($s) $s.memory.dynamic.maximumBytes = 2GB } },
            @{ field = 'networks[nic0].macAddress'; change = { param($s) $s.networks[0].macAddress = '00155D0000AA' } },
            @{ field = 'firmware.secureBoot'; change = { param($s) $s.firmware.secureBoot = $false } },
            @{ field = 'firmware.tpm'; change = { param($s) $s.firmware.tpm = $true } },
            @{ field = 'cpu.exposeVirtualizationExtensions'; change = { param($s) $s.cpu.exposeVirtualizationExtensions = $true } }
        )
        foreach ($case in $cases) {
            $want = New-TestSpec
            $want.memory = @{ startupBytes = 2GB; dynamic = @{ minimumBytes = 1GB; maximumBytes = 4GB; bufferPercent = 20 } }
            & $case.change $want
            $reply = Invoke-TestScript ensure @{ phase = 'apply'; vmId = $vm.vmId; spec = $want; fields = @($case.field); seedIso = ''; power = 'Unchanged'; vmDir = "$root/vms"; imageDir = "$root/images" }
            $reply.ok | Should -BeFalse -Because $case.field
        }
        [string](Get-VM -Id $vm.vmId).State | Should -Be 'Running'
    }

    It 'waits with the seed of a running VM that has no DVD drive instead of adding one' {
        $drive = Get-VMDvdDrive -VM (Get-VM -Id $vm.vmId)
        Stop-VM -VM (Get-VM -Id $vm.vmId) -TurnOff -Force
        Remove-VMDvdDrive -VMDvdDrive $drive
        Start-VM -VM (Get-VM -Id $vm.vmId)
        Clear-HvModelCalls
        $applied = Invoke-Apply $root $spec $vm.vmId -SeedIso (Join-Path $root 'seed-2.iso') -Power 'Running'
        $applied.seedDeferred | Should -BeTrue
        @(Get-Calls 'Add-VMDvdDrive').Count | Should -Be 0
    }
}

Describe 'ensure apply in Saved and Paused states' {
    BeforeEach {
        $root = Reset-ScriptHost
        $spec = New-TestSpec
        $vm = New-ConvergedVm $root $spec
    }

    It 'starts a saved VM when the intent is Running' {
        Save-VM -VM (Get-VM -Id $vm.vmId)
        (Invoke-Apply $root $spec $vm.vmId -Power 'Running').vm.state | Should -Be 'Running'
    }

    It 'resumes a paused VM when the intent is Running' {
        Suspend-VM -VM (Get-VM -Id $vm.vmId)
        (Invoke-Apply $root $spec $vm.vmId -Power 'Running').vm.state | Should -Be 'Running'
        @(Get-Calls 'Resume-VM').Count | Should -Be 1
    }
}

Describe 'ensure records what was applied' {
    BeforeEach { $root = Reset-ScriptHost }

    It 'apply writes the generation the agent gives (kept while fields wait) and mark adds the applied record next to the owner marker' {
        $spec = New-TestSpec
        $vm = New-ConvergedVm $root $spec
        $spec.objectGeneration = 4
        $spec.cpu.count = 4
        $null = Invoke-TestScriptOk ensure @{
            phase = 'apply'; vmId = $vm.vmId; spec = $spec; fields = @(); seedIso = ''; power = 'Unchanged'; generation = 3
            vmDir = (Join-Path $root 'vms'); imageDir = (Join-Path $root 'images')
        }
        $marked = Invoke-TestScriptOk ensure @{ phase = 'mark'; uid = 'u-1'; vmId = $vm.vmId; applied = '0123456789abcdef fedcba9876543210 cpu.count' }
        $lines = @(([string]$marked.vm.notes) -split "`r?`n")
        $lines | Should -Be @('hyperv-operator-uid: u-1', 'hyperv-operator-image: ubuntu-24.04', 'hyperv-operator-generation: 3', 'hyperv-operator-applied: 0123456789abcdef fedcba9876543210 cpu.count')
        # A later apply keeps the record until the next mark replaces it.
        $again = Invoke-Apply $root $spec $vm.vmId
        $again.vm.notes | Should -Match 'hyperv-operator-applied: 0123456789abcdef fedcba9876543210 cpu.count'
    }

    It 'mark refuses a record that is not hashes and field names' {
        $vm = New-ConvergedVm $root (New-TestSpec)
        $reply = Invoke-TestScript ensure @{ phase = 'mark'; uid = 'u-1'; vmId = $vm.vmId; applied = "0123456789abcdef fedcba9876543210 x`nhyperv-operator-uid: other" }
        $reply.ok | Should -BeFalse
        (Get-VM -Id $vm.vmId).Notes | Should -Not -Match 'other'
    }
}
