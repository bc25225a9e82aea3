# Stand-in for Windows' CimCmdlets module (tests only; see tests/agent/hyperv-model/README.md).
@{
    RootModule        = 'CimCmdlets.psm1'
    ModuleVersion     = '7.0.0'
    GUID              = '0b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e'
    Description       = 'Get-CimInstance Win32_OperatingSystem and Win32_Processor from the Hyper-V model state.'
    PowerShellVersion = '7.0'
    FunctionsToExport = @('Get-CimInstance')
    CmdletsToExport   = @()
    AliasesToExport   = @()
    VariablesToExport = @()
}
