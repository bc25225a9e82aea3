# Rules of the Hyper-V model about disks and DVD drives (docs/hyperv-rules.md, R22-R25, R34-R37).
BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelTestSetup.ps1')
}

Describe 'Drives' {
    BeforeEach {
        $root = Reset-TestHost
        $vm = New-TestVm $root
        $iso = Join-Path $root 'seed.iso'
    }

    It 'R22 adds and removes DVD drives only while off; changes or ejects the media while running' {
        { Add-VMDvdDrive -VM $vm -Path $iso -ErrorAction Stop } | Should -Not -Throw
        $dvd = Get-VMDvdDrive -VM $vm
        Start-VM -VM $vm
        { Add-VMDvdDrive -VM $vm -ErrorAction Stop } | Should -Throw '*Turn off*'
        { Remove-VMDvdDrive -VMDvdDrive $dvd -ErrorAction Stop } | Should -Throw '*Turn off*'
        { Set-VMDvdDrive -VMDvdDrive $dvd -Path $null -ErrorAction Stop } | Should -Not -Throw
        (Get-VMDvdDrive -VM $vm).Path | Should -BeNullOrEmpty
        { Set-VMDvdDrive -VMDvdDrive $dvd -Path $iso -ErrorAction Stop } | Should -Not -Throw
        (Get-VMDvdDrive -VM $vm).Path | Should -Be $iso
        Stop-VM -VM $vm -TurnOff
        { Remove-VMDvdDrive -VMDvdDrive $dvd -ErrorAction Stop } | Should -Not -Throw
    }

    It 'R23 needs the ISO file to exist' {
        { Add-VMDvdDrive -VM $vm -Path (Join-Path $root 'missing.iso') -ErrorAction Stop } | Should -Throw '*not found*'
    }

    It 'R24 has no IDE controller on generation 2; DVD drives go on SCSI there and IDE on generation 1' {
        { Add-VMHardDiskDrive -VM $vm -ControllerType IDE -ErrorAction Stop } | Should -Throw '*no IDE controller*'
        (Add-VMDvdDrive -VM $vm -Passthru).ControllerType | Should -Be 'SCSI'
        $g1 = New-TestVm $root 'g1' 1
        (Get-VMDvdDrive -VM $g1).ControllerType | Should -Be 'IDE'
    }

    It 'R25 hot-adds and removes SCSI hard disks; IDE drives only while off' {
        $data = Join-Path $root 'vms/data.vhdx'
        $null = New-VHD -Path $data -SizeBytes 1GB -Dynamic
        Start-VM -VM $vm
        { Add-VMHardDiskDrive -VM $vm -Path $data -ErrorAction Stop } | Should -Not -Throw
        { Get-VMHardDiskDrive -VM $vm | Remove-VMHardDiskDrive -ErrorAction Stop } | Should -Not -Throw
        $g1 = New-TestVm $root 'g1' 1
        Start-VM -VM $g1
        { Add-VMHardDiskDrive -VM $g1 -Path $data -ErrorAction Stop } | Should -Throw '*IDE*'
        { Add-VMHardDiskDrive -VM $g1 -ControllerType SCSI -Path $data -ErrorAction Stop } | Should -Not -Throw
    }
}

Describe 'Virtual hard disks' {
    BeforeEach {
        $root = Reset-TestHost
        $image = Join-Path $root 'images/ubuntu.vhdx'
    }

    It 'R34 New-VHD refuses an existing target, a missing folder or parent, and a child smaller than its parent' {
        $child = Join-Path $root 'vms/child.vhdx'
        { New-VHD -Path $child -ParentPath $image -Differencing -ErrorAction Stop } | Should -Not -Throw
        (Get-VHD -Path $child).ParentPath | Should -Be $image
        { New-VHD -Path $child -SizeBytes 1GB -Dynamic -ErrorAction Stop } | Should -Throw '*already exists*'
        { New-VHD -Path (Join-Path $root 'nofolder/x.vhdx') -SizeBytes 1GB -ErrorAction Stop } | Should -Throw '*cannot find the path*'
        { New-VHD -Path (Join-Path $root 'vms/c2.vhdx') -ParentPath (Join-Path $root 'images/none.vhdx') -Differencing -ErrorAction Stop } | Should -Throw '*cannot find the file*'
        { New-VHD -Path (Join-Path $root 'vms/c3.vhdx') -ParentPath $image -SizeBytes 5GB -Differencing -ErrorAction Stop } | Should -Throw '*smaller than its parent*'
        { New-VHD -Path (Join-Path $root 'vms/c4.vhdx') -SizeBytes 20GB -ParentPath $image -ErrorAction Stop } | Should -Not -Throw
    }

    It 'R35 Get-VHD fails with ObjectNotFound for a missing file, only for that disk' {
        $a = Join-Path $root 'vms/a.vhdx'
        $b = Join-Path $root 'vms/b.vhdx'
        $null = New-VHD -Path $a -SizeBytes 1GB
        $null = New-VHD -Path $b -SizeBytes 1GB
        Remove-Item -LiteralPath $b
        (Get-VHD -Path $a).Size | Should -Be 1GB
        $err = $null
        try { Get-VHD -Path $b -ErrorAction Stop } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'R36 Resize-VHD grows any disk, shrinks only VHDX down to its minimum, and not on a running VM''s IDE' {
        $child = Join-Path $root 'vms/child.vhdx'
        $null = New-VHD -Path $child -ParentPath $image -Differencing
        { Resize-VHD -Path $child -SizeBytes 20GB -ErrorAction Stop } | Should -Not -Throw
        (Get-VHD -Path $child).Size | Should -Be 20GB
        { Resize-VHD -Path $child -SizeBytes 5GB -ErrorAction Stop } | Should -Throw '*minimum size*'
        $old = Join-Path $root 'vms/old.vhd'
        $null = New-VHD -Path $old -SizeBytes 2GB
        { Resize-VHD -Path $old -SizeBytes 1GB -ErrorAction Stop } | Should -Throw '*only VHDX*'
        $g1 = New-VM -Name g1 -Generation 1 -VHDPath $old -Path (Join-Path $root 'vms')
        Start-VM -VM $g1
        { Resize-VHD -Path $old -SizeBytes 3GB -ErrorAction Stop } | Should -Throw '*IDE*'
        $g2 = New-TestVm $root 'g2'
        Add-VMHardDiskDrive -VM $g2 -Path $child
        Start-VM -VM $g2
        { Resize-VHD -Path $child -SizeBytes 30GB -ErrorAction Stop } | Should -Not -Throw
    }

    It 'R37 attaches a virtual hard disk to one VM only' {
        $disk = Join-Path $root 'vms/shared.vhdx'
        $null = New-VHD -Path $disk -SizeBytes 1GB
        $a = New-TestVm $root 'a'
        $b = New-TestVm $root 'b'
        { Add-VMHardDiskDrive -VM $a -Path $disk -ErrorAction Stop } | Should -Not -Throw
        { Add-VMHardDiskDrive -VM $b -Path $disk -ErrorAction Stop } | Should -Throw '*already attached*'
    }
}
