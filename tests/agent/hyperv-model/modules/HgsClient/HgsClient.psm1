# Stand-in for the Host Guardian Service client (HgsClient), which a virtual TPM's local key
# protector needs (Set-VMKeyProtector -NewLocalKeyProtector uses the local UntrustedGuardian).
# state.host.hgsClient = $false models a host without the HGS client feature: the cmdlet fails.
# https://learn.microsoft.com/powershell/module/hgsclient/get-hgsguardian
Set-StrictMode -Version Latest

function Get-HgsGuardian {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string[]]$Name)
    $statePath = [string]$env:HVMODEL_STATE
    if ($statePath -eq '' -or -not (Test-Path -LiteralPath $statePath)) {
        throw 'Hyper-V model: HVMODEL_STATE does not name an existing state file'
    }
    $hostInfo = (Get-Content -LiteralPath $statePath -Raw | ConvertFrom-Json -AsHashtable -Depth 64)['host']
    if ($hostInfo.Contains('hgsClient') -and -not [bool]$hostInfo['hgsClient']) {
        throw 'The Host Guardian Service client is not installed on this host.'
    }
    return [pscustomobject]@{ Name = 'UntrustedGuardian'; HasPrivateSigningKey = $true }
}

Export-ModuleMember -Function Get-HgsGuardian
