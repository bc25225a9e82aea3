# Stand-in for Windows' HgsClient module (tests only; see tests/agent/hyperv-model/README.md).
@{
    RootModule        = 'HgsClient.psm1'
    ModuleVersion     = '1.0.0.0'
    GUID              = '5e0c3b1a-7d2f-4c8e-9a6b-1f2e3d4c5b6a'
    Description       = 'Get-HgsGuardian from the Hyper-V model state.'
    PowerShellVersion = '7.0'
    FunctionsToExport = @('Get-HgsGuardian')
    CmdletsToExport   = @()
    AliasesToExport   = @()
    VariablesToExport = @()
}
