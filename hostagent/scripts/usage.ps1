# What each managed VM has used, for the agent's /metrics: Measure-VM's report for every VM whose
# resource metering is on (ensure.ps1 turns it on), turned into cumulative figures the agent can
# export as counters. Measure-VM gives averages and totals since metering was enabled (or reset):
#   cpuSeconds  = AverageProcessorUsage (MHz) x MeteringDuration (s) / the host's clock (MHz):
#                 an estimate in seconds of one logical processor at its rated speed;
#   disk, network: AggregatedDiskDataRead/Written and NetworkMeteredTrafficReport's TotalTraffic
#                 per direction, in MB (whole megabytes only), sent in bytes.
# A VM without metering is left out; a VM Measure-VM cannot read comes back with an error.
param($Request)
. (Join-Path $PSScriptRoot 'common.ps1')

Invoke-AgentScript -Request $Request -Body {
    param($In)
    $null = $In
    $oneMB = [int64]1048576
    $clockMhz = [double]0
    foreach ($cpu in @(Get-CimInstance -ClassName Win32_Processor)) {
        if ([double]$cpu.MaxClockSpeed -gt $clockMhz) { $clockMhz = [double]$cpu.MaxClockSpeed }
    }
    $rows = @()
    foreach ($vm in @(Get-VM)) {
        if ($null -eq (Get-NotesMarker -Notes ([string]$vm.Notes) -Marker $script:UidMarker)) { continue }
        if (-not $vm.ResourceMeteringEnabled) { continue }
        $row = [ordered]@{
            vmId                = [string]$vm.Id
            name                = [string]$vm.Name
            notes               = [string]$vm.Notes
            memoryAssignedBytes = [int64]$vm.MemoryAssigned
        }
        try {
            $report = Measure-VM -VM $vm
            $seconds = [double]0
            if ($null -ne $report.MeteringDuration) { $seconds = [double]$report.MeteringDuration.TotalSeconds }
            $cpuSeconds = [double]0
            if ($clockMhz -gt 0 -and $null -ne $report.AverageProcessorUsage) {
                $cpuSeconds = [double]$report.AverageProcessorUsage * $seconds / $clockMhz
            }
            $rx = [int64]0
            $tx = [int64]0
            foreach ($entry in @($report.NetworkMeteredTrafficReport)) {
                if ($null -eq $entry) { continue }
                $bytes = [int64]$entry.TotalTraffic * $oneMB
                if ([string]$entry.Direction -eq 'Inbound') { $rx += $bytes }
                elseif ([string]$entry.Direction -eq 'Outbound') { $tx += $bytes }
            }
            $row.cpuSeconds = $cpuSeconds
            $row.diskReadBytes = [int64]$report.AggregatedDiskDataRead * $oneMB
            $row.diskWriteBytes = [int64]$report.AggregatedDiskDataWritten * $oneMB
            $row.networkRxBytes = $rx
            $row.networkTxBytes = $tx
        } catch {
            $row.error = [string]$_.Exception.Message
        }
        $rows += , $row
    }
    return [ordered]@{ vms = @($rows) }
}
