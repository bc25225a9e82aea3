# ctest runner for PowerShell tests: runs Pester on one path (a *.Tests.ps1 file or a folder) and
# prints "N passed, N failed"; exits 1 when a test failed or none ran.
#   pwsh -NoProfile -NonInteractive -File run-pester.ps1 -PesterModule <Pester.psd1> -Path <tests>
param(
    [Parameter(Mandatory)][string]$PesterModule,
    [Parameter(Mandatory)][string]$Path
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterModule -Force
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config
$total = $result.PassedCount + $result.FailedCount
Write-Host ('{0} passed, {1} failed' -f $result.PassedCount, ($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount))
if ($result.FailedCount -gt 0 -or $result.FailedBlocksCount -gt 0 -or $result.FailedContainersCount -gt 0 -or $total -eq 0) { exit 1 }
exit 0
