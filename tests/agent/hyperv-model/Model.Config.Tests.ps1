# Rules of the Hyper-V model about processor, memory, firmware, vTPM and network adapters
# (docs/hyperv-rules.md, R05-R31). Each rule: the allowed case and the refused one.
BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelTestSetup.ps1')
}

Describe 'Processor' {
    BeforeEach { $root = Reset-TestHost; $vm = New-TestVm $root }

    It 'R05 changes the processor count only while the VM is off (not Running, Paused or Saved)' {
        { Set-VMProcessor -VM $vm -Count 4 -ErrorAction Stop } | Should -Not -Throw
        (Get-VMProcessor -VM $vm).Count | Should -Be 4
        Start-VM -VM $vm
        { Set-VMProcessor -VM $vm -Count 2 -ErrorAction Stop } | Should -Throw '*Turn off*'
        { Set-VM -VM $vm -ProcessorCount 2 -ErrorAction Stop } | Should -Throw '*Turn off*'
        { Set-VMProcessor -VM $vm -Count 4 -ErrorAction Stop } | Should -Not -Throw
        Save-VM -VM $vm
        { Set-VMProcessor -VM $vm -Count 2 -ErrorAction Stop } | Should -Throw '*Saved*'
        (Get-VMProcessor -VM $vm).Count | Should -Be 4
    }

    It 'R06 caps the processor count at the host''s logical processors' {
        { Set-VMProcessor -VM $vm -Count 16 -ErrorAction Stop } | Should -Not -Throw
        { Set-VMProcessor -VM $vm -Count 17 -ErrorAction Stop } | Should -Throw '*logical processor*'
    }

    It 'R07 changes reserve, limit and weight on a running VM, within their ranges' {
        Start-VM -VM $vm
        { Set-VMProcessor -VM $vm -Reserve 10 -Maximum 50 -RelativeWeight 200 -ErrorAction Stop } | Should -Not -Throw
        (Get-VMProcessor -VM $vm).Maximum | Should -Be 50
        { Set-VMProcessor -VM $vm -Maximum 101 -ErrorAction Stop } | Should -Throw
        { Set-VMProcessor -VM $vm -RelativeWeight 10001 -ErrorAction Stop } | Should -Throw
        { Set-VMProcessor -VM $vm -Reserve 60 -ErrorAction Stop } | Should -Throw '*cannot exceed the limit*'
    }

    It 'R08 exposes virtualization extensions (nested virtualization) only while the VM is off' {
        { Set-VMProcessor -VM $vm -ExposeVirtualizationExtensions $true -ErrorAction Stop } | Should -Not -Throw
        Start-VM -VM $vm
        { Set-VMProcessor -VM $vm -ExposeVirtualizationExtensions $false -ErrorAction Stop } | Should -Throw '*Turn off*'
        (Get-VMProcessor -VM $vm).ExposeVirtualizationExtensions | Should -BeTrue
    }

    It 'R09 does not start a VM with nested virtualization and dynamic memory' {
        Set-VMProcessor -VM $vm -ExposeVirtualizationExtensions $true
        { Start-VM -VM $vm -ErrorAction Stop; Stop-VM -VM $vm -TurnOff } | Should -Not -Throw
        Set-VMMemory -VM $vm -DynamicMemoryEnabled $true -MinimumBytes 1GB -MaximumBytes 4GB
        { Start-VM -VM $vm -ErrorAction Stop } | Should -Throw '*nested virtualization*'
    }
}

Describe 'Memory' {
    BeforeEach { $root = Reset-TestHost; $vm = New-TestVm $root }

    It 'R10 takes memory in multiples of 2 MB, at least 32 MB' {
        { Set-VMMemory -VM $vm -StartupBytes 4096MB -ErrorAction Stop } | Should -Not -Throw
        { Set-VMMemory -VM $vm -StartupBytes 4097MB -ErrorAction Stop } | Should -Throw '*multiple of 2 MB*'
        { Set-VMMemory -VM $vm -StartupBytes 16MB -ErrorAction Stop } | Should -Throw '*minimum is 32 MB*'
        { New-VM -Name odd -MemoryStartupBytes 1001MB -NoVHD -ErrorAction Stop } | Should -Throw '*multiple of 2 MB*'
    }

    It 'R11 keeps minimum <= startup <= maximum with dynamic memory' {
        { Set-VMMemory -VM $vm -DynamicMemoryEnabled $true -MinimumBytes 1GB -StartupBytes 2GB -MaximumBytes 4GB -ErrorAction Stop } | Should -Not -Throw
        { Set-VMMemory -VM $vm -MinimumBytes 3GB -ErrorAction Stop } | Should -Throw '*must not exceed*'
        { Set-VMMemory -VM $vm -MaximumBytes 1GB -ErrorAction Stop } | Should -Throw '*must not exceed*'
        (Get-VMMemory -VM $vm).Minimum | Should -Be 1GB
    }

    It 'R12 turns dynamic memory on or off only while the VM is off' {
        Start-VM -VM $vm
        { Set-VMMemory -VM $vm -DynamicMemoryEnabled $true -MinimumBytes 1GB -MaximumBytes 4GB -ErrorAction Stop } | Should -Throw '*Turn off*'
        Stop-VM -VM $vm -TurnOff
        { Set-VMMemory -VM $vm -DynamicMemoryEnabled $true -MinimumBytes 1GB -MaximumBytes 4GB -ErrorAction Stop } | Should -Not -Throw
        Start-VM -VM $vm
        { Set-VM -VM $vm -StaticMemory -ErrorAction Stop } | Should -Throw '*Turn off*'
        { Set-VMMemory -VM $vm -DynamicMemoryEnabled $true -ErrorAction Stop } | Should -Not -Throw
    }

    It 'R13 changes the startup memory only while the VM is off (unless runtime resize is allowed for static memory)' {
        Start-VM -VM $vm
        { Set-VMMemory -VM $vm -StartupBytes 4GB -ErrorAction Stop } | Should -Throw '*startup memory*'
        { Set-VMMemory -VM $vm -StartupBytes 2GB -ErrorAction Stop } | Should -Not -Throw
        Set-HvModelOption @{ runtimeMemoryResize = $true }
        { Set-VMMemory -VM $vm -StartupBytes 4GB -ErrorAction Stop } | Should -Not -Throw
    }

    It 'R14 lets a running dynamic VM lower its minimum and raise its maximum, not the reverse' {
        Set-VMMemory -VM $vm -DynamicMemoryEnabled $true -MinimumBytes 1GB -StartupBytes 2GB -MaximumBytes 4GB
        Start-VM -VM $vm
        { Set-VMMemory -VM $vm -MinimumBytes 512MB -MaximumBytes 8GB -ErrorAction Stop } | Should -Not -Throw
        { Set-VMMemory -VM $vm -MinimumBytes 1GB -ErrorAction Stop } | Should -Throw '*only be decreased*'
        { Set-VMMemory -VM $vm -MaximumBytes 4GB -ErrorAction Stop } | Should -Throw '*only be increased*'
        { Set-VMMemory -VM $vm -Buffer 50 -ErrorAction Stop } | Should -Not -Throw
    }

    It 'R15 takes a buffer of 5-2000 % and a priority of 0-100' {
        { Set-VMMemory -VM $vm -Buffer 5 -Priority 100 -ErrorAction Stop } | Should -Not -Throw
        { Set-VMMemory -VM $vm -Buffer 4 -ErrorAction Stop } | Should -Throw '*5 to 2000*'
        { Set-VMMemory -VM $vm -Priority 101 -ErrorAction Stop } | Should -Throw '*0 to 100*'
    }
}

Describe 'Firmware and vTPM' {
    BeforeEach { $root = Reset-TestHost; $vm = New-TestVm $root }

    It 'R16 always reports a secure boot template on generation 2 (MicrosoftWindows by default)' {
        $fw = Get-VMFirmware -VM $vm
        [string]$fw.SecureBoot | Should -Be 'On'
        $fw.SecureBootTemplate | Should -Be 'MicrosoftWindows'
        Set-VMFirmware -VM $vm -EnableSecureBoot Off
        (Get-VMFirmware -VM $vm).SecureBootTemplate | Should -Be 'MicrosoftWindows'
        Set-VMFirmware -VM $vm -EnableSecureBoot On -SecureBootTemplate MicrosoftUEFICertificateAuthority
        (Get-VMFirmware -VM $vm).SecureBootTemplate | Should -Be 'MicrosoftUEFICertificateAuthority'
    }

    It 'R17 has no firmware cmdlets for generation 1' {
        $g1 = New-TestVm $root 'g1' 1
        { Get-VMFirmware -VM $g1 -ErrorAction Stop } | Should -Throw '*generation 2*'
        { Set-VMFirmware -VM $g1 -EnableSecureBoot Off -ErrorAction Stop } | Should -Throw '*generation 2*'
        { Enable-VMTPM -VM $g1 -ErrorAction Stop } | Should -Throw '*generation 2*'
    }

    It 'R18 changes firmware settings only while the VM is off' {
        Start-VM -VM $vm
        { Set-VMFirmware -VM $vm -EnableSecureBoot Off -ErrorAction Stop } | Should -Throw '*Turn off*'
        Stop-VM -VM $vm -TurnOff
        { Set-VMFirmware -VM $vm -EnableSecureBoot Off -ErrorAction Stop } | Should -Not -Throw
    }

    It 'R19 refuses an unknown secure boot template and a boot device of another VM' {
        { Set-VMFirmware -VM $vm -SecureBootTemplate MicrosoftUEFICertificateAuthority -ErrorAction Stop } | Should -Not -Throw
        { Set-VMFirmware -VM $vm -SecureBootTemplate Linux -ErrorAction Stop } | Should -Throw '*was not found*'
        $other = New-TestVm $root 'other'
        $nic = Get-VMNetworkAdapter -VM $other
        { Set-VMFirmware -VM $vm -FirstBootDevice $nic -ErrorAction Stop } | Should -Throw '*another virtual machine*'
        $own = Get-VMNetworkAdapter -VM $vm
        Set-VMFirmware -VM $vm -FirstBootDevice $own
        (Get-VMFirmware -VM $vm).BootOrder[0].Name | Should -Be 'Network Adapter'
    }

    It 'R20 enables the vTPM only after a key protector is set' {
        { Enable-VMTPM -VM $vm -ErrorAction Stop } | Should -Throw '*key protector*'
        (Get-VMKeyProtector -VM $vm) | Should -Be @(0, 0, 0, 4)
        Set-VMKeyProtector -VM $vm -NewLocalKeyProtector
        { Enable-VMTPM -VM $vm -ErrorAction Stop } | Should -Not -Throw
        (Get-VMSecurity -VM $vm).TpmEnabled | Should -BeTrue
    }

    It 'R21 changes the vTPM and key protector only while the VM is off' {
        Set-VMKeyProtector -VM $vm -NewLocalKeyProtector
        Start-VM -VM $vm
        { Enable-VMTPM -VM $vm -ErrorAction Stop } | Should -Throw '*Turn off*'
        { Set-VMKeyProtector -VM $vm -NewLocalKeyProtector -ErrorAction Stop } | Should -Throw '*Turn off*'
        Stop-VM -VM $vm -TurnOff
        Enable-VMTPM -VM $vm
        { Disable-VMTPM -VM $vm -ErrorAction Stop } | Should -Not -Throw
    }
}

Describe 'Network adapters' {
    BeforeEach { $root = Reset-TestHost; $vm = New-TestVm $root }

    It 'R26 hot-adds and removes adapters only on a running generation 2 VM' {
        Start-VM -VM $vm
        { Add-VMNetworkAdapter -VM $vm -Name nic1 -SwitchName external -ErrorAction Stop } | Should -Not -Throw
        { Get-VMNetworkAdapter -VM $vm -Name nic1 | Remove-VMNetworkAdapter -ErrorAction Stop } | Should -Not -Throw
        $g1 = New-TestVm $root 'g1' 1
        Start-VM -VM $g1
        { Add-VMNetworkAdapter -VM $g1 -Name nic1 -ErrorAction Stop } | Should -Throw '*Turn off*'
        Suspend-VM -VM $vm
        { Add-VMNetworkAdapter -VM $vm -Name nic2 -ErrorAction Stop } | Should -Throw '*Turn off*'
    }

    It 'R27 sets a static MAC on an existing adapter only while off; Add-VMNetworkAdapter -StaticMacAddress works live' {
        Start-VM -VM $vm
        $nic = Get-VMNetworkAdapter -VM $vm
        { Set-VMNetworkAdapter -VMNetworkAdapter $nic -StaticMacAddress 00155D010203 -ErrorAction Stop } | Should -Throw '*MAC address*Turn off*'
        $added = Add-VMNetworkAdapter -VM $vm -Name nic1 -SwitchName external -StaticMacAddress 00155D010204 -Passthru
        $added.MacAddress | Should -Be '00155D010204'
        $added.DynamicMacAddressEnabled | Should -BeFalse
        Stop-VM -VM $vm -TurnOff
        { Set-VMNetworkAdapter -VMNetworkAdapter $nic -StaticMacAddress 00155D010203 -ErrorAction Stop } | Should -Not -Throw
        (Get-VMNetworkAdapter -VM $vm -Name 'Network Adapter').MacAddress | Should -Be '00155D010203'
    }

    It 'R28 takes only 12-digit unicast, non-zero MAC addresses' {
        { Add-VMNetworkAdapter -VM $vm -Name a -StaticMacAddress 00-15-5D-01-02-05 -ErrorAction Stop } | Should -Not -Throw
        { Add-VMNetworkAdapter -VM $vm -Name b -StaticMacAddress 00155D0102 -ErrorAction Stop } | Should -Throw '*12 hexadecimal*'
        { Add-VMNetworkAdapter -VM $vm -Name c -StaticMacAddress 01005E010203 -ErrorAction Stop } | Should -Throw '*unicast*'
        { Add-VMNetworkAdapter -VM $vm -Name d -DynamicMacAddress -StaticMacAddress 00155D010206 -ErrorAction Stop } | Should -Throw
    }

    It 'R29 shows a dynamic MAC as 000000000000 until the VM first starts' {
        (Get-VMNetworkAdapter -VM $vm).MacAddress | Should -Be '000000000000'
        Start-VM -VM $vm
        (Get-VMNetworkAdapter -VM $vm).MacAddress | Should -Match '^00155D[0-9A-F]{6}$'
    }

    It 'R30 sets access VLANs (1-4094) or untagged on a running VM, one mode at a time' {
        Start-VM -VM $vm
        $nic = Get-VMNetworkAdapter -VM $vm
        { Set-VMNetworkAdapterVlan -VMNetworkAdapter $nic -Access -VlanId 40 -ErrorAction Stop } | Should -Not -Throw
        (Get-VMNetworkAdapterVlan -VMNetworkAdapter $nic).AccessVlanId | Should -Be 40
        { Set-VMNetworkAdapterVlan -VMNetworkAdapter $nic -Untagged -ErrorAction Stop } | Should -Not -Throw
        [string](Get-VMNetworkAdapterVlan -VMNetworkAdapter $nic).OperationMode | Should -Be 'Untagged'
        { Set-VMNetworkAdapterVlan -VMNetworkAdapter $nic -Access -ErrorAction Stop } | Should -Throw '*VlanId*'
        { Set-VMNetworkAdapterVlan -VMNetworkAdapter $nic -Access -VlanId 4095 -ErrorAction Stop } | Should -Throw '*VlanId*'
        { Set-VMNetworkAdapterVlan -VMNetworkAdapter $nic -Access -Untagged -VlanId 5 -ErrorAction Stop } | Should -Throw '*exactly one*'
    }
}
