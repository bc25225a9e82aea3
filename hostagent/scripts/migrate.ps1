# Live migration of a managed VM, found by its VMId, to another Hyper-V host (Move-VM), with its
# storage (shared-nothing: -IncludeStorage [-DestinationStoragePath]) unless includeStorage is
# false (the disks must then be on storage both hosts reach, e.g. an SMB share).
# What the hosts need (Enable-VMMigration on both, Kerberos constrained delegation or CredSSP,
# the same switch names, processor compatibility across processor versions) is in
# docs/migration.md; Move-VM's own error says which one is missing.
# The cloud-init seed ISO is ejected first: it is a local file Move-VM does not carry, and the
# destination's agent attaches its own on its next ensure (changing media works while running).
param($Request)
. (Join-Path $PSScriptRoot 'common.ps1')

Invoke-AgentScript -Request $Request -Body {
    param($In)
    $vmId = [string]$In.vmId
    $destination = [string]$In.destinationHost
    if ($destination -notmatch '^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$') {
        throw (New-AgentError 'InvalidSpec' 'destinationHost must be a host name')
    }
    if (-not [bool](Get-VMHost).VirtualMachineMigrationEnabled) {
        throw (New-AgentError 'Conflict' 'live migration is not enabled on this host (Enable-VMMigration)')
    }
    $vm = Get-VM -Id $vmId
    foreach ($dvd in @(Get-VMDvdDrive -VM $vm)) {
        if ($null -ne $dvd -and [string]$dvd.Path -ne '') { Set-VMDvdDrive -VMDvdDrive $dvd -Path $null }
    }
    # -IncludeStorage is always bound (also as $false): with -VM and -DestinationHost alone the
    # single- and multiple-destination parameter sets both fit and binding fails as ambiguous.
    $includeStorage = [bool](Get-Field $In 'includeStorage')
    $move = @{ VM = $vm; DestinationHost = $destination; IncludeStorage = $includeStorage; Confirm = $false }
    if ($includeStorage) {
        $path = [string](Get-Field $In 'destinationPath')
        if ($path -ne '') { $move.DestinationStoragePath = $path }
    }
    Move-VM @move
    return [ordered]@{ destinationHost = $destination; vmId = $vmId }
}
