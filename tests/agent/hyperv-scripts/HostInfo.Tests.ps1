# host-info.ps1 against the Hyper-V rules model: capacity and catalogues, and the capabilities it
# probes (nested virtualization, virtual TPM, configuration versions) instead of claiming them.
BeforeAll {
    . (Join-Path $PSScriptRoot 'ScriptTestSetup.ps1')
}

Describe 'host-info' {
    It 'reports capacity, switches, images and what an Intel Windows Server 2022 host can do' {
        $root = Reset-ScriptHost
        $null = New-ConvergedVm $root (New-TestSpec)
        $info = Invoke-TestScriptOk host-info @{ vmDir = (Join-Path $root 'vms'); imageDir = (Join-Path $root 'images') }
        $info.logicalProcessorCount | Should -Be 16
        $info.allocatedCpu | Should -Be 2
        $info.managedVmCount | Should -Be 1
        @($info.switches | ForEach-Object { $_.name }) | Sort-Object | Should -Be @('lan', 'wan')
        $info.images[0].name | Should -Be 'ubuntu-24.04'
        $info.images[0].sizeBytes | Should -Be 10GB
        $info.nestedVirtualization | Should -BeTrue
        $info.tpm | Should -BeTrue
        $info.supportedVersions | Should -Contain '10.0'
        $info.storageCapacityBytes | Should -BeGreaterThan 0
    }

    It 'says no to nested virtualization on AMD before build 22000, and to vTPM without the HGS client' {
        $root = Reset-ScriptHost -HostInfo @{ processorManufacturer = 'AuthenticAMD'; osVersion = '10.0.17763'; hgsClient = $false; supportedVersions = @('8.0', '9.0') }
        $info = Invoke-TestScriptOk host-info @{ vmDir = (Join-Path $root 'vms'); imageDir = (Join-Path $root 'images') }
        $info.nestedVirtualization | Should -BeFalse
        $info.tpm | Should -BeFalse
        @($info.supportedVersions) | Should -Be @('8.0', '9.0')
    }

    It 'reports an unreadable image in its own row without failing the call' {
        $root = Reset-ScriptHost
        [IO.File]::WriteAllText((Join-Path $root 'images/broken.vhdx'), 'not a disk')
        $info = Invoke-TestScriptOk host-info @{ vmDir = (Join-Path $root 'vms'); imageDir = (Join-Path $root 'images') }
        $broken = @($info.images | Where-Object { $_.name -eq 'broken' })[0]
        $broken.error | Should -Not -BeNullOrEmpty
        @($info.images | Where-Object { $_.name -eq 'ubuntu-24.04' })[0].sizeBytes | Should -Be 10GB
    }
}
