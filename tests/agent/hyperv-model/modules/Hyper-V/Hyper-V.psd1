# Hyper-V rules model (tests only): the cmdlets below are listed explicitly so PowerShell's
# command discovery auto-loads the module from $env:PSModulePath, as it does the real one.
@{
    RootModule        = 'Hyper-V.psm1'
    ModuleVersion     = '2.0.0'
    GUID              = '6a6f3c1e-5d2b-4a8e-9f0e-6b1c2d3e4f50'
    Author            = 'hyperv-operator tests'
    Description       = 'Hyper-V rules model: Hyper-V cmdlets with their real parameter sets and documented rules, over a JSON state file.'
    PowerShellVersion = '7.0'
    FunctionsToExport = @(
        'Get-VM',
        'New-VM',
        'Set-VM',
        'Remove-VM',
        'Start-VM',
        'Stop-VM',
        'Save-VM',
        'Suspend-VM',
        'Resume-VM',
        'Get-VMProcessor',
        'Set-VMProcessor',
        'Get-VMMemory',
        'Set-VMMemory',
        'Get-VMFirmware',
        'Set-VMFirmware',
        'Get-VMSecurity',
        'Enable-VMTPM',
        'Disable-VMTPM',
        'Get-VMKeyProtector',
        'Set-VMKeyProtector',
        'Get-VMNetworkAdapter',
        'Add-VMNetworkAdapter',
        'Remove-VMNetworkAdapter',
        'Set-VMNetworkAdapter',
        'Connect-VMNetworkAdapter',
        'Get-VMNetworkAdapterVlan',
        'Set-VMNetworkAdapterVlan',
        'Get-VMSwitch',
        'New-VHD',
        'Get-VHD',
        'Resize-VHD',
        'Get-VMHardDiskDrive',
        'Add-VMHardDiskDrive',
        'Remove-VMHardDiskDrive',
        'Get-VMDvdDrive',
        'Add-VMDvdDrive',
        'Set-VMDvdDrive',
        'Remove-VMDvdDrive',
        'Get-VMHost',
        'Get-VMHostSupportedVersion',
        'Enable-VMResourceMetering',
        'Measure-VM',
        'Move-VM',
        'Get-VMMigrationNetwork'
    )
    CmdletsToExport   = @()
    AliasesToExport   = @()
    VariablesToExport = @()
}
