# remove.ps1 against the Hyper-V rules model: the VM, its own disks and its folder go; base
# images and foreign disks stay; a retry after the VM is gone still cleans the folder.
BeforeAll {
    . (Join-Path $PSScriptRoot 'ScriptTestSetup.ps1')
}

Describe 'remove' {
    BeforeEach { $root = Reset-ScriptHost }

    It 'removes a running VM, its disks and its folder, never the base image' {
        $vm = New-ConvergedVm $root (New-TestSpec)
        $result = Invoke-TestScriptOk remove @{ uid = 'u-1'; vmDir = (Join-Path $root 'vms') }
        $result.removed | Should -BeTrue
        @(Get-VM).Count | Should -Be 0
        Test-Path -LiteralPath (Join-Path $root 'vms/u-1') | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $root 'images/ubuntu-24.04.vhdx') | Should -BeTrue
    }

    It 'orphan leaves the running VM and its disks and takes only the agent lines out of Notes' {
        $vm = New-ConvergedVm $root (New-TestSpec)
        $model = Get-VM -Id $vm.vmId
        Set-VM -VM $model -Notes ([string]$model.Notes + "`nwritten by a person")
        $result = Invoke-TestScriptOk remove @{ uid = 'u-1'; vmDir = (Join-Path $root 'vms'); orphan = $true }
        $result.orphaned | Should -BeTrue
        $after = Get-VM -Id $vm.vmId
        [string]$after.State | Should -Be 'Running'
        $after.Notes | Should -Be 'written by a person'
        Test-Path -LiteralPath (Join-Path $root 'vms/u-1/data.vhdx') | Should -BeTrue
        (Invoke-TestScriptOk inventory @{}).unmanagedCount | Should -Be 1
    }

    It 'cleans the folder a VM left behind when the VM is already gone' {
        $vm = New-ConvergedVm $root (New-TestSpec)
        Stop-VM -VM (Get-VM -Id $vm.vmId) -TurnOff -Force
        Remove-VM -VM (Get-VM -Id $vm.vmId) -Force  # Hyper-V keeps the disks
        Test-Path -LiteralPath (Join-Path $root 'vms/u-1/data.vhdx') | Should -BeTrue
        $result = Invoke-TestScriptOk remove @{ uid = 'u-1'; vmDir = (Join-Path $root 'vms') }
        $result.removed | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $root 'vms/u-1') | Should -BeFalse
    }

    It 'removes the VM a crash left without its owner marker' {
        $null = New-VM -Name 'team-a.web-1' -Generation 2 -MemoryStartupBytes 2GB -NoVHD -Path (Join-Path $root 'vms/u-1')
        (Invoke-TestScriptOk remove @{ uid = 'u-1'; vmDir = (Join-Path $root 'vms') }).removed | Should -BeTrue
        @(Get-VM).Count | Should -Be 0
    }

    It 'keeps a disk attached from outside its folder, whatever spelling vmDir has' {
        $vm = New-ConvergedVm $root (New-TestSpec) -Power 'Off'
        $foreign = Join-Path $root 'shared.vhdx'
        $null = New-VHD -Path $foreign -SizeBytes 1GB -Dynamic
        Add-VMHardDiskDrive -VM (Get-VM -Id $vm.vmId) -Path $foreign
        $spelled = (Join-Path $root 'vms/../vms') + [IO.Path]::DirectorySeparatorChar
        (Invoke-TestScriptOk remove @{ uid = 'u-1'; vmDir = $spelled }).removed | Should -BeTrue
        Test-Path -LiteralPath $foreign | Should -BeTrue
        Test-Path -LiteralPath (Join-Path $root 'vms/u-1') | Should -BeFalse
    }

    It 'leaves a VM of another uid alone and refuses a uid that is not one path component' {
        $null = New-ConvergedVm $root (New-TestSpec 'u-2' 'web-2')
        (Invoke-TestScriptOk remove @{ uid = 'u-1'; vmDir = (Join-Path $root 'vms') }).removed | Should -BeFalse
        @(Get-VM).Count | Should -Be 1
        (Invoke-TestScript remove @{ uid = '../vms'; vmDir = (Join-Path $root 'vms') }).error.code | Should -Be 'InvalidSpec'
        Test-Path -LiteralPath (Join-Path $root 'vms/u-2') | Should -BeTrue
    }
}
