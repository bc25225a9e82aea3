# Power actions on a managed VM found by its VMId.
#   start:    Off or Saved -> Start-VM; Paused -> Resume-VM.
#   shutdown: asks the guest to shut down (Stop-VM without -TurnOff, through the Shutdown
#             integration service) and waits at most timeoutSeconds, then turns the VM off.
#             Stop-VM has no timeout of its own (it waits for the guest as long as it takes), so
#             it runs in a second runspace of this same process while this one watches the clock:
#             no background job, no second process (Start-Job costs a powershell.exe on 5.1).
#   turnoff:  Stop-VM -TurnOff.
#   restart:  shutdown as above (turned off when the guest ignores it), then Start-VM.
#   save:     Save-VM.
param($Request)
. (Join-Path $PSScriptRoot 'common.ps1')

# Returns 'Graceful' when the guest shut down in time, 'TurnedOff' when the VM was turned off.
function Stop-Bounded {
    param([string]$VmId, [int]$TimeoutSeconds)
    $vm = Get-VM -Id $VmId
    if ([string]$vm.State -eq 'Off') { return 'Graceful' }
    if ([string]$vm.State -eq 'Paused') { Resume-VM -VM $vm }  # a frozen guest hears nothing
    $shutdown = $null
    try {
        if ($TimeoutSeconds -gt 0) {
            $shutdown = [PowerShell]::Create()
            $null = $shutdown.AddCommand('Stop-VM').AddParameter('VM', $vm).AddParameter('Force').AddParameter('Confirm', $false)
            $pending = $shutdown.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
            # Ends early when Stop-VM returns: the guest is off, or it could not be asked (no
            # Shutdown integration service), which no amount of waiting changes.
            while ([DateTime]::UtcNow -lt $deadline -and -not $pending.IsCompleted) {
                if ([string](Get-VM -Id $VmId).State -eq 'Off') { break }
                Start-Sleep -Milliseconds 200
            }
        }
        $vm = Get-VM -Id $VmId
        if ([string]$vm.State -eq 'Off') { return 'Graceful' }
        Stop-VM -VM $vm -TurnOff -Force -Confirm:$false
        return 'TurnedOff'
    } finally {
        # The VM is off by now, so a Stop-VM still waiting for the guest returns promptly.
        if ($null -ne $shutdown) {
            $shutdown.Stop()
            $shutdown.Dispose()
        }
    }
}

Invoke-AgentScript -Request $Request -Body {
    param($In)
    $vmId = [string]$In.vmId
    $vm = Get-VM -Id $vmId
    $state = [string]$vm.State
    $action = [string]$In.action
    $timeout = [int](Get-Field $In 'timeoutSeconds')
    $stopped = ''
    if ($action -eq 'start') {
        if ($state -eq 'Paused') { Resume-VM -VM $vm }
        elseif ($state -ne 'Running') { Start-VM -VM $vm }
    } elseif ($action -eq 'shutdown') {
        if ($state -eq 'Saved') { throw (New-AgentError 'Conflict' 'a saved VM cannot be shut down: start it first') }
        $stopped = Stop-Bounded $vmId $timeout
    } elseif ($action -eq 'turnoff') {
        if ($state -ne 'Off') { Stop-VM -VM $vm -TurnOff -Force -Confirm:$false }
    } elseif ($action -eq 'restart') {
        if ($state -eq 'Saved') { throw (New-AgentError 'Conflict' 'a saved VM cannot be restarted: start it first') }
        $stopped = Stop-Bounded $vmId $timeout
        Start-VM -VM (Get-VM -Id $vmId)
    } elseif ($action -eq 'save') {
        if ($state -ne 'Running') { throw (New-AgentError 'Conflict' ('cannot save a VM that is ' + $state)) }
        Save-VM -VM $vm
    } else {
        throw (New-AgentError 'InvalidSpec' 'unknown power action')
    }
    return [ordered]@{ vm = (ConvertTo-VmRow (Get-VM -Id $vmId)); stopped = $stopped }
}
