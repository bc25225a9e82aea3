# Power actions on a managed VM found by its VMId.
#   start:    Off or Saved -> Start-VM; Paused -> Resume-VM.
#   shutdown: asks the guest through the Shutdown integration service and waits at most
#             timeoutSeconds, then turns the VM off. Stop-VM has no timeout of its own (it waits
#             for the guest as long as it takes), so the request goes through
#             Msvm_ShutdownComponent.InitiateShutdown, which returns at once, and the script
#             polls the state: no background job, no second process.
#   turnoff:  Stop-VM -TurnOff.
#   restart:  shutdown as above (turn-off included when the guest ignores it), then Start-VM.
#   save:     Save-VM.
param($Request)
. (Join-Path $PSScriptRoot 'common.ps1')

# Asks the guest to shut down; $false when it cannot be asked (no Shutdown integration service,
# or it refused), so the caller turns the VM off instead of waiting for nothing.
function Request-GuestShutdown {
    param($Vm)
    $id = ([guid][string]$Vm.Id).ToString()  # a GUID by type: nothing else reaches the filter
    $component = @(Get-CimInstance -Namespace 'root\virtualization\v2' -ClassName 'Msvm_ShutdownComponent' -Filter ("SystemName='" + $id + "'")) | Select-Object -First 1
    if ($null -eq $component) { return $false }
    $result = Invoke-CimMethod -InputObject $component -MethodName 'InitiateShutdown' -Arguments @{ Force = $true; Reason = 'hyperv-operator shutdown' }
    $code = [int64]$result.ReturnValue
    return ($code -eq 0 -or $code -eq 4096)  # completed, or transition started
}

# Returns 'Graceful' when the guest shut down in time, 'TurnedOff' when the VM was turned off.
function Stop-Bounded {
    param([string]$VmId, [int]$TimeoutSeconds)
    $vm = Get-VM -Id $VmId
    if ([string]$vm.State -eq 'Off') { return 'Graceful' }
    if ([string]$vm.State -eq 'Paused') { Resume-VM -VM $vm }  # a frozen guest hears nothing
    $asked = $false
    if ($TimeoutSeconds -gt 0) { $asked = Request-GuestShutdown $vm }
    if ($asked) {
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ([DateTime]::UtcNow -lt $deadline) {
            if ([string](Get-VM -Id $VmId).State -eq 'Off') { return 'Graceful' }
            Start-Sleep -Milliseconds 250
        }
    }
    $vm = Get-VM -Id $VmId
    if ([string]$vm.State -eq 'Off') { return 'Graceful' }
    Stop-VM -VM $vm -TurnOff -Force -Confirm:$false
    return 'TurnedOff'
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
