# usage.ps1 (and ensure.ps1 turning metering on) against the Hyper-V rules model: Measure-VM's
# MHz and MB become CPU seconds and bytes, VMs without metering or not ours are left out, and a
# VM Measure-VM cannot read comes back in its own row.
BeforeAll {
    . (Join-Path $PSScriptRoot 'ScriptTestSetup.ps1')
}

Describe 'usage' {
    BeforeEach {
        $root = Reset-ScriptHost -HostInfo @{ processorClockMhz = 2000 }
        foreach ($i in 1..2) { $null = New-ConvergedVm $root (New-TestSpec ('u-' + $i) ('web-' + $i)) }
        $null = New-VM -Name 'hand-made' -Generation 2 -MemoryStartupBytes 1GB -NoVHD -Path (Join-Path $root 'other')
        Enable-VMResourceMetering -VMName 'hand-made'
        Clear-HvModelCalls
    }

    It 'ensure turns metering on once' {
        (Get-VM -Name 'team-a.web-1').ResourceMeteringEnabled | Should -BeTrue
        $null = Invoke-Apply $root (New-TestSpec 'u-1' 'web-1') (Get-VM -Name 'team-a.web-1').Id
        @(Get-Calls 'Enable-VMResourceMetering').Count | Should -Be 0 -Because 'it is on already'
    }

    It 'reports each metered managed VM in seconds and bytes' {
        Set-HvModelMetering -Name 'team-a.web-2' -Usage @{ averageProcessorMhz = 1000; diskReadMB = 5; diskWrittenMB = 3; inboundMB = 2; outboundMB = 1; sinceSeconds = 100 }
        $result = Invoke-TestScriptOk usage @{}
        @($result.vms).Count | Should -Be 2 -Because 'the hand-made VM is not ours'
        $row = @($result.vms | Where-Object { $_.notes -match 'uid: u-2' })[0]
        $row.name | Should -Be 'team-a.web-2'
        # 1000 MHz on average for ~100 s on a 2000 MHz host: ~50 s of one processor.
        $row.cpuSeconds | Should -BeGreaterOrEqual 50
        $row.cpuSeconds | Should -BeLessThan 60
        $row.diskReadBytes | Should -Be (5 * 1MB)
        $row.diskWriteBytes | Should -Be (3 * 1MB)
        $row.networkRxBytes | Should -Be (2 * 1MB)
        $row.networkTxBytes | Should -Be (1 * 1MB)
        $row.memoryAssignedBytes | Should -Be 2GB
        @(Get-Calls 'Measure-VM').Count | Should -Be 2
    }

    It 'leaves out a managed VM whose metering is off' {
        $state = Get-HvModelState
        foreach ($vm in $state.vms) { if ($vm.name -eq 'team-a.web-1') { $vm.metering = $null } }
        Save-HvModelState -State $state
        $result = Invoke-TestScriptOk usage @{}
        @($result.vms).Count | Should -Be 1
        @($result.vms)[0].name | Should -Be 'team-a.web-2'
    }

    It 'reports a VM Measure-VM cannot read in its own row' {
        Set-HvModelOption @{ failures = @(@{ cmdlet = 'Measure-VM'; vmName = 'team-a.web-1'; message = 'metering data unavailable' }) }
        $result = Invoke-TestScriptOk usage @{}
        $broken = @($result.vms | Where-Object { $_.Contains('error') })
        $broken.Count | Should -Be 1
        $broken[0].error | Should -Match 'unavailable'
        @($result.vms | Where-Object { -not $_.Contains('error') }).Count | Should -Be 1
    }
}
