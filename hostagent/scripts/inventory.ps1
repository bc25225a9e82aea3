# The managed VMs (those whose Notes carry the owner marker), or only the one of input.uid, and
# the number of VMs that are not ours. Each Hyper-V cmdlet runs once for all the VMs; a VM that
# cannot be read comes back as a row with an error instead of failing the whole inventory.
param($Request)
. (Join-Path $PSScriptRoot 'common.ps1')

Invoke-AgentScript -Request $Request -Body {
    param($In)
    $wanted = [string](Get-Field $In 'uid')
    $managed = @()
    $unmanaged = 0
    foreach ($vm in @(Get-VM)) {
        $uid = Get-NotesMarker -Notes ([string]$vm.Notes) -Marker $script:UidMarker
        if ($null -eq $uid) { $unmanaged++; continue }
        if ($wanted.Length -gt 0 -and $uid -ne $wanted) { continue }
        $managed += , $vm
    }
    $rows = @()
    if ($managed.Count -gt 0) { $rows = ConvertTo-VmRows $managed }
    return [ordered]@{ vms = @($rows); unmanagedCount = [int64]$unmanaged }
}
