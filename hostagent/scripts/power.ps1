# Power actions on a managed VM found by its VMId. shutdown asks the guest (Shutdown integration
# service) and pulls the plug after timeoutSeconds, since Stop-VM has no timeout of its own.
param($Request)
. (Join-Path $PSScriptRoot 'common.ps1')

function Stop-Gracefully {
    param([string]$VmId, [int]$TimeoutSeconds)
    # The VMId travels as a job argument (data), not inside the job's script text.
    $job = Start-Job -ArgumentList $VmId -ScriptBlock { param($Id) Get-VM -Id $Id | Stop-VM -Force }
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    while ((Get-Date) -lt $deadline -and [string](Get-VM -Id $VmId).State -ne 'Off') {
        Start-Sleep -Milliseconds 500
    }
    if ([string](Get-VM -Id $VmId).State -ne 'Off') {
        Get-VM -Id $VmId | Stop-VM -TurnOff -Force -Confirm:$false
    }
    Remove-Job -Job $job -Force
}

Invoke-AgentScript -Request $Request -Body {
    param($In)
    $vmId = [string]$In.vmId
    $vm = Get-VM -Id $vmId
    $state = [string]$vm.State
    $action = [string]$In.action
    if ($action -eq 'start') {
        if ($state -ne 'Running') { Start-VM -VM $vm }
    } elseif ($action -eq 'shutdown') {
        if ($state -eq 'Saved') { throw (New-AgentError 'Conflict' 'a saved VM cannot be shut down') }
        if ($state -ne 'Off') { Stop-Gracefully $vmId ([int]$In.timeoutSeconds) }
    } elseif ($action -eq 'turnoff') {
        if ($state -ne 'Off') { Stop-VM -VM $vm -TurnOff -Force -Confirm:$false }
    } elseif ($action -eq 'restart') {
        if ($state -ne 'Running') { throw (New-AgentError 'Conflict' ('cannot restart a VM that is ' + $state)) }
        Stop-Gracefully $vmId ([int]$In.timeoutSeconds)
        Start-VM -VM (Get-VM -Id $vmId)
    } elseif ($action -eq 'save') {
        if ($state -ne 'Running') { throw (New-AgentError 'Conflict' ('cannot save a VM that is ' + $state)) }
        Save-VM -VM $vm
    } else {
        throw (New-AgentError 'InvalidSpec' 'unknown power action')
    }
    return [ordered]@{ vm = (ConvertTo-VmRow (Get-VM -Id $vmId)) }
}
