# Resource metering: Enable-VMResourceMetering and Measure-VM.
# https://learn.microsoft.com/powershell/module/hyper-v/enable-vmresourcemetering
# https://learn.microsoft.com/powershell/module/hyper-v/measure-vm
# A VM record's `metering` is $null until metering is enabled, then { enabledAt, and the usage a
# test arranges with Set-HvModelMetering: averageProcessorMhz, diskReadMB, diskWrittenMB,
# inboundMB, outboundMB }. The resource pool parameter set is not modelled.

$script:OneMB = [int64]1048576

function Enable-VMResourceMetering {
    [CmdletBinding(DefaultParameterSetName = 'VMName')]
    param(
        [Parameter(ParameterSetName = 'VMName', Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string[]]$VMName,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                foreach ($rec in @(Resolve-HvVms $State $VM $VMName)) {
                    Set-HvCallVm $ctx $rec
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    # M1: enabling again keeps collecting (the data is cleared only by
                    # Reset-VMResourceMetering); any power state. Outputs nothing.
                    if (-not $rec.Contains('metering') -or $null -eq $rec.metering) {
                        $rec['metering'] = [ordered]@{
                            enabledAt = [DateTime]::UtcNow.ToString('o'); averageProcessorMhz = 0
                            diskReadMB = 0; diskWrittenMB = 0; inboundMB = 0; outboundMB = 0
                        }
                    }
                }
            }
        }
    }
}

function ConvertTo-HvMeteringReport {
    param($State, $Vm)
    $m = $Vm.metering
    $report = New-Object Microsoft.HyperV.PowerShell.VMMeteringReportForVirtualMachine
    $report.ComputerName = Get-HvComputerName $State
    $report.VMId = [Guid]$Vm.id
    $report.VMName = [string]$Vm.name
    $since = [DateTime]::Parse([string]$m.enabledAt, [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]::RoundtripKind)
    $report.MeteringDuration = [DateTime]::UtcNow - $since
    $report.AverageProcessorUsage = [uint64]$m.averageProcessorMhz
    # M3: with static memory the memory figures equal the configured amount (Measure-VM page).
    $memoryMB = [uint64]([int64]$Vm.memory.startup / $script:OneMB)
    $report.AverageMemoryUsage = $memoryMB
    $report.MaximumMemoryUsage = $memoryMB
    $report.MinimumMemoryUsage = $memoryMB
    $diskBytes = [int64]0
    foreach ($drive in @($Vm.hardDrives)) {
        foreach ($vhd in @($State.vhds)) { if ([string]$vhd.path -eq [string]$drive.path) { $diskBytes += [int64]$vhd.size } }
    }
    $report.TotalDiskAllocation = [uint64]($diskBytes / $script:OneMB)
    $report.AggregatedDiskDataRead = [uint64]$m.diskReadMB
    $report.AggregatedDiskDataWritten = [uint64]$m.diskWrittenMB
    # M4: without ACLs of its own, metering counts all traffic: one entry per direction.
    $traffic = @()
    foreach ($pair in @(@('Inbound', $m.inboundMB), @('Outbound', $m.outboundMB))) {
        $entry = New-Object Microsoft.HyperV.PowerShell.VMNetworkAdapterPortAclMeteringReport
        $entry.Direction = [Microsoft.HyperV.PowerShell.VMNetworkAdapterAclDirection]$pair[0]
        $entry.LocalAddress = '*.*'
        $entry.RemoteAddress = '*.*'
        $entry.TotalTraffic = [uint64]$pair[1]
        $traffic += $entry
    }
    $report.NetworkMeteredTrafficReport = $traffic
    return $report
}

function Measure-VM {
    [CmdletBinding(DefaultParameterSetName = 'Name')]
    [OutputType([Microsoft.HyperV.PowerShell.VMMeteringReportForVirtualMachine])]
    param(
        [Parameter(ParameterSetName = 'Name', Mandatory, Position = 0, ValueFromPipeline)]
        [Alias('VMName')]
        [ValidateNotNullOrEmpty()]
        [string[]]$Name,

        [Parameter(ParameterSetName = 'VMObject', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [Microsoft.HyperV.PowerShell.VirtualMachine[]]$VM
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $ctx = @{}
            $out = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $list = @()
                foreach ($rec in @(Resolve-HvVms $State $VM $Name)) {
                    Set-HvCallVm $ctx $rec
                    Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                    # M2: data exists only once metering is enabled for the VM.
                    if (-not $rec.Contains('metering') -or $null -eq $rec.metering) {
                        Stop-HvOperation -Message ('Resource metering is not enabled for virtual machine "' + [string]$rec.name + '".') `
                            -ErrorId 'InvalidOperation' -Category InvalidOperation -Target ([string]$rec.name)
                    }
                    $list += ConvertTo-HvMeteringReport $State $rec
                }
                return , $list
            }
            foreach ($one in $out) { $PSCmdlet.WriteObject($one) }
        }
    }
}
