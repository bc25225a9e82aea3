# The managed VMs (those whose Notes carry the owner marker), or only the one of input.uid, and
# the number of VMs that are not ours.
param($Request)
. (Join-Path $PSScriptRoot 'common.ps1')

Invoke-AgentScript -Request $Request -Body {
    param($In)
    $wanted = [string]$In.uid
    $rows = @()
    $unmanaged = 0
    foreach ($vm in @(Get-VM)) {
        $uid = Get-NotesMarker -Notes $vm.Notes -Marker $script:UidMarker
        if ($null -eq $uid) { $unmanaged++; continue }
        if ($wanted.Length -gt 0 -and $uid -ne $wanted) { continue }
        $rows += ConvertTo-VmRow $vm
    }
    return [ordered]@{ vms = $rows; unmanagedCount = [int64]$unmanaged }
}
