# ctest check: every .ps1 under the given folders parses with PowerShell's own parser, and the
# Hyper-V model module imports under Set-StrictMode -Version Latest. Prints "N passed, N failed".
#   -Folder a,b,c (one comma-separated argument: pwsh -File passes arguments as plain strings)
param(
    [Parameter(Mandatory)][string]$Folder,
    [Parameter(Mandatory)][string]$ModelModules
)
$ErrorActionPreference = 'Stop'
$passed = 0
$failed = 0
foreach ($dir in ($Folder -split ',')) {
    foreach ($file in @(Get-ChildItem -LiteralPath $dir -Recurse -Include '*.ps1', '*.psm1', '*.psd1')) {
        $tokens = $null
        $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$tokens, [ref]$errors)
        if ($errors.Count -gt 0) {
            $failed++
            foreach ($e in $errors) { Write-Host ('PARSE ERROR {0}:{1}: {2}' -f $file.FullName, $e.Extent.StartLineNumber, $e.Message) }
        } else {
            $passed++
        }
    }
}
try {
    Set-StrictMode -Version Latest
    $env:PSModulePath = $ModelModules + [IO.Path]::PathSeparator + $env:PSModulePath
    Import-Module Hyper-V -Force
    $null = Get-Command Get-VM -Module Hyper-V
    $passed++
} catch {
    $failed++
    Write-Host ('STRICT MODE: the Hyper-V model failed to import: ' + $_)
}
Write-Host ('{0} passed, {1} failed' -f $passed, $failed)
if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
exit 0
