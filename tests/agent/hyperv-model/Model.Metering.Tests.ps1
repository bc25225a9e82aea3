# Rules of the Hyper-V model about resource metering (docs/hyperv-rules.md, M1-M5):
# Enable-VMResourceMetering and Measure-VM with their real parameter sets and report type.
BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelTestSetup.ps1')
}

Describe 'Resource metering' {
    BeforeEach { $root = Reset-TestHost -HostInfo @{ processorClockMhz = 3000 } }

    It 'M1 Enable-VMResourceMetering turns metering on, outputs nothing and may be repeated' {
        $vm = New-TestVm $root
        $vm.ResourceMeteringEnabled | Should -BeFalse
        $out = @(Enable-VMResourceMetering -VM $vm -ErrorAction Stop)
        $out.Count | Should -Be 0
        (Get-TestVm $vm).ResourceMeteringEnabled | Should -BeTrue
        Set-HvModelMetering -Name 'vm1' -Usage @{ diskReadMB = 7 }
        { Enable-VMResourceMetering -VMName 'vm1' -ErrorAction Stop } | Should -Not -Throw
        (Measure-VM -VM (Get-TestVm $vm)).AggregatedDiskDataRead | Should -Be 7 -Because 'enabling again keeps the data'
        { Enable-VMResourceMetering -VM $vm -VMName 'vm1' } | Should -Throw -ErrorId 'AmbiguousParameterSet,Enable-VMResourceMetering'
    }

    It 'M2 Measure-VM refuses a VM whose metering is off' {
        $vm = New-TestVm $root
        $err = $null
        try { Measure-VM -VM $vm -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err.Exception | Should -BeOfType ([Microsoft.HyperV.PowerShell.VirtualizationException])
    }

    It 'M3 reports the real type with processor in MHz and memory, disk and traffic in MB over MeteringDuration' {
        $vm = New-TestVm $root
        Enable-VMResourceMetering -VM $vm
        Set-HvModelMetering -Name 'vm1' -Usage @{ averageProcessorMhz = 1500; diskReadMB = 10; diskWrittenMB = 4; inboundMB = 3; outboundMB = 2; sinceSeconds = 600 }
        $report = Measure-VM -Name 'vm1' -ErrorAction Stop
        $report | Should -BeOfType ([Microsoft.HyperV.PowerShell.VMMeteringReportForVirtualMachine])
        $report.VMId | Should -Be $vm.Id
        $report.AverageProcessorUsage | Should -Be 1500
        $report.AverageMemoryUsage | Should -Be 2048 -Because 'static memory reports the configured amount, in MB'
        $report.MeteringDuration.TotalSeconds | Should -BeGreaterOrEqual 600
        $report.MeteringDuration.TotalSeconds | Should -BeLessThan 660
        $report.AggregatedDiskDataRead | Should -Be 10
        $report.AggregatedDiskDataWritten | Should -Be 4
    }

    It 'M4 reports network traffic per direction in NetworkMeteredTrafficReport' {
        $vm = New-TestVm $root
        Enable-VMResourceMetering -VMName 'vm1'
        Set-HvModelMetering -Name 'vm1' -Usage @{ inboundMB = 30; outboundMB = 20 }
        $traffic = @((Measure-VM -VM $vm).NetworkMeteredTrafficReport)
        $traffic.Count | Should -Be 2
        (@($traffic | Where-Object { [string]$_.Direction -eq 'Inbound' })[0]).TotalTraffic | Should -Be 30
        (@($traffic | Where-Object { [string]$_.Direction -eq 'Outbound' })[0]).TotalTraffic | Should -Be 20
    }

    It 'M5 Win32_Processor reports MaxClockSpeed in MHz' {
        (Get-CimInstance -ClassName Win32_Processor).MaxClockSpeed | Should -Be 3000
    }
}
