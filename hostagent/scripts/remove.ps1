# Removes a managed VM and what it owns: the disks under <vmDir>\<uid> (never a base image) and
# that folder itself. Remove-VM keeps VHDs, so the disk paths are collected first and deleted
# after. Without a VM (already removed, or a retry after a crash) the folder is still cleaned. The VM is found like ensure finds it: by its owner marker, or by its folder when the
# marker write never happened. Files a just-removed VM still holds are retried for a few seconds.
# With `orphan`, nothing is removed: the agent's lines leave the VM's Notes (what a person wrote
# there stays), so the VM and its disks stay on the host as an unmanaged VM.
param($Request)
. (Join-Path $PSScriptRoot 'common.ps1')

# Deletes a file or folder, retrying while Hyper-V lets go of it; throws when it never does.
function Remove-WithRetry {
    param([string]$Path, [switch]$Recurse)
    for ($attempt = 1; $true; $attempt++) {
        if (-not (Test-Path -LiteralPath $Path)) { return }
        try {
            Remove-Item -LiteralPath $Path -Force -Recurse:$Recurse
            return
        } catch {
            if ($attempt -ge 6) { throw }
            Start-Sleep -Milliseconds (250 * $attempt)
        }
    }
}

Invoke-AgentScript -Request $Request -Body {
    param($In)
    $uid = [string]$In.uid
    # The uid names a folder that is deleted recursively: one path component, nothing else.
    if ($uid -notmatch '^[A-Za-z0-9-]{1,64}$') { throw (New-AgentError 'InvalidSpec' 'uid must be 1-64 characters of [A-Za-z0-9-]') }
    $own = Get-VmFolder ([string]$In.vmDir) $uid
    $found = @(Find-ManagedVm -Uid $uid -VmDir ([string]$In.vmDir))
    if ($found.Count -gt 1) {
        throw (New-AgentError 'Conflict' ('more than one VM carries the owner marker ' + $uid + '; remove the duplicate by hand'))
    }
    if ([bool](Get-Field $In 'orphan')) {
        $orphaned = $false
        if ($found.Count -eq 1) {
            $vm = $found[0]
            $kept = @(([string]$vm.Notes) -split "`r?`n" | Where-Object { -not $_.StartsWith('hyperv-operator-', [System.StringComparison]::Ordinal) })
            Set-VM -VM $vm -Notes ($kept -join "`n")
            $orphaned = $true
        }
        return [ordered]@{ removed = $false; orphaned = $orphaned }
    }
    $removed = $false
    $disks = @()
    if ($found.Count -eq 1) {
        $vm = $found[0]
        $disks = @(Get-VMHardDiskDrive -VM $vm | ForEach-Object { [string]$_.Path } | Where-Object { $_ -ne '' })
        if ([string]$vm.State -ne 'Off') { Stop-VM -VM $vm -TurnOff -Force -Confirm:$false }
        Remove-VM -VM $vm -Force -Confirm:$false
        $removed = $true
    }
    foreach ($disk in $disks) {
        if (Test-PathUnder $disk $own) { Remove-WithRetry $disk }
    }
    Remove-WithRetry $own -Recurse
    return [ordered]@{ removed = $removed }
}
