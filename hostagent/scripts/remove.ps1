# Removes a managed VM and the disks it owns (those under <vmDir>\<uid>), never a base image.
# Remove-VM keeps VHDs, so the disk paths are collected first and deleted after.
param($Request)
. (Join-Path $PSScriptRoot 'common.ps1')

Invoke-AgentScript -Request $Request -Body {
    param($In)
    $vm = Get-VM -Id ([string]$In.vmId)
    $uid = Get-NotesMarker -Notes $vm.Notes -Marker $script:UidMarker
    if ($null -eq $uid) { throw (New-AgentError 'Conflict' 'the VM carries no owner marker') }
    $own = Join-Path ([string]$In.vmDir) $uid
    $disks = @(Get-VMHardDiskDrive -VM $vm | ForEach-Object { [string]$_.Path })
    if ([string]$vm.State -ne 'Off') { Stop-VM -VM $vm -TurnOff -Force -Confirm:$false }
    Remove-VM -VM $vm -Force -Confirm:$false
    foreach ($disk in $disks) {
        $owned = $disk.StartsWith($own + '\', [System.StringComparison]::OrdinalIgnoreCase)
        if ($owned -and (Test-Path -LiteralPath $disk)) { Remove-Item -LiteralPath $disk -Force }
    }
    if (Test-Path -LiteralPath $own) { Remove-Item -LiteralPath $own -Recurse -Force }
    return [ordered]@{ removed = $true }
}
