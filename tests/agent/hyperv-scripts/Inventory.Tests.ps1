# inventory.ps1 against the Hyper-V rules model: one call per cmdlet for all VMs, one broken VM
# reported in its own row, the uid filter, unmanaged VMs counted.
BeforeAll {
    . (Join-Path $PSScriptRoot 'ScriptTestSetup.ps1')
}

Describe 'inventory' {
    BeforeEach {
        $root = Reset-ScriptHost
        foreach ($i in 1..3) { $null = New-ConvergedVm $root (New-TestSpec ('u-' + $i) ('web-' + $i)) }
        $null = New-VM -Name 'hand-made' -Generation 2 -MemoryStartupBytes 1GB -NoVHD -Path (Join-Path $root 'other')
        Clear-HvModelCalls
    }

    It 'reads every managed VM with one call per cmdlet and counts the others' {
        $result = Invoke-TestScriptOk inventory @{}
        @($result.vms).Count | Should -Be 3
        $result.unmanagedCount | Should -Be 1
        foreach ($cmdlet in 'Get-VMMemory', 'Get-VMProcessor', 'Get-VMNetworkAdapter', 'Get-VMHardDiskDrive', 'Get-VMDvdDrive', 'Get-VMFirmware', 'Get-VMSecurity', 'Get-VMNetworkAdapterVlan') {
            @(Get-Calls $cmdlet).Count | Should -Be 1 -Because $cmdlet
        }
        $row = @($result.vms | Where-Object { $_.notes -match 'uid: u-2' })[0]
        $row.name | Should -Be 'team-a.web-2'
        $row.state | Should -Be 'Running'
        $row.nics[0].vlanId | Should -Be 40
        @($row.disks).Count | Should -Be 2
        $row.secureBootTemplate | Should -Be 'MicrosoftUEFICertificateAuthority'
    }

    It 'reports a VM the host cannot read in its own row and the others in full' {
        Set-HvModelOption @{ failures = @(@{ cmdlet = 'Get-VMMemory'; vmName = 'team-a.web-2'; message = 'the configuration is corrupt' }) }
        $result = Invoke-TestScriptOk inventory @{}
        @($result.vms).Count | Should -Be 3
        $broken = @($result.vms | Where-Object { $_.Contains('error') })
        $broken.Count | Should -Be 1
        $broken[0].name | Should -Be 'team-a.web-2'
        $broken[0].error | Should -Match 'corrupt'
        $broken[0].vmId | Should -Not -BeNullOrEmpty
        @($result.vms | Where-Object { -not $_.Contains('error') -and $_.processorCount -eq 2 }).Count | Should -Be 2
    }

    It 'reads one VM by its uid' {
        $result = Invoke-TestScriptOk inventory @{ uid = 'u-3' }
        @($result.vms).Count | Should -Be 1
        $result.vms[0].name | Should -Be 'team-a.web-3'
    }
}
