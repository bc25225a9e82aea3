# The agent's long-lived PowerShell worker: one JSON request per line on stdin
# ({"id","script","input"}), one JSON reply per line on stdout ({"id","ok","result"|"error"}).
# The script to run is looked up in a fixed table; the request never names a file. The agent
# skips any other line it reads (until the one with its id), so a stray line costs nothing.
. (Join-Path $PSScriptRoot 'common.ps1')

$scripts = @{
    'host-info' = 'host-info.ps1'
    'inventory' = 'inventory.ps1'
    'ensure'    = 'ensure.ps1'
    'power'     = 'power.ps1'
    'remove'    = 'remove.ps1'
    'usage'     = 'usage.ps1'
    'migrate'   = 'migrate.ps1'
}

while ($true) {
    $line = [Console]::In.ReadLine()
    if ($null -eq $line) { break }  # the agent closed stdin: stop
    if ($line.Trim().Length -eq 0) { continue }
    $id = ''
    try {
        $request = $line | ConvertFrom-Json
        $id = [string](Get-Field $request 'id')
        $name = [string](Get-Field $request 'script')
        if (-not $scripts.ContainsKey($name)) {
            throw (New-AgentError 'Internal' 'the worker does not know this script')
        }
        $data = Get-Field $request 'input'
        if ($null -eq $data) { $data = New-Object PSObject }  # $null would make it read stdin
        $output = @(& (Join-Path $PSScriptRoot $scripts[$name]) -Request $data)
        if ($output.Count -eq 0) { throw (New-AgentError 'Internal' ('script ' + $name + ' returned nothing')) }
        $reply = $output[$output.Count - 1]
    } catch {
        $reply = ConvertTo-ErrorReply $_
    }
    $reply['id'] = $id
    [Console]::Out.WriteLine((ConvertTo-Json -InputObject $reply -Depth 10 -Compress))
    [Console]::Out.Flush()
}
