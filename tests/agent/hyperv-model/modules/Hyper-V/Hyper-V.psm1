# Hyper-V rules model: stands in for Microsoft's Hyper-V module on Linux so the agent's scripts
# run in real PowerShell against it. See tests/agent/hyperv-model/README.md and
# docs/hyperv-rules.md. The model itself runs under the strictest mode.
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# The object types (Types.cs) are compiled once per source version into a cached assembly, since
# compiling costs about a second and every script run imports the module again.
if ($null -eq ('Microsoft.HyperV.PowerShell.VirtualMachine' -as [type])) {
    $source = Join-Path $PSScriptRoot 'Types.cs'
    $hash = (Get-FileHash -LiteralPath $source -Algorithm SHA256).Hash.Substring(0, 16)
    $cacheDir = [string]$env:HVMODEL_CACHE
    if ($cacheDir -eq '') { $cacheDir = Join-Path ([IO.Path]::GetTempPath()) 'hvmodel-cache' }
    $null = New-Item -ItemType Directory -Force -Path $cacheDir
    $dll = Join-Path $cacheDir ('HyperVModel.' + $hash + '.dll')
    if (-not (Test-Path -LiteralPath $dll)) {
        $temp = Join-Path $cacheDir ('HyperVModel.' + $hash + '.' + [Guid]::NewGuid().ToString('N') + '.dll')
        Add-Type -Path $source -OutputAssembly $temp -OutputType Library
        Move-Item -LiteralPath $temp -Destination $dll -Force
    }
    Add-Type -Path $dll
}

foreach ($file in @(Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot 'private') -Filter '*.ps1') + @(Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot 'public') -Filter '*.ps1')) {
    . $file.FullName
}

# Windows always has COMPUTERNAME; the scripts report it as the host's name.
if ([string]$env:COMPUTERNAME -eq '') {
    try {
        $env:COMPUTERNAME = [string](Read-HvStateFile -Path (Get-HvStatePath)).host.name
    } catch {
        $env:COMPUTERNAME = 'HVMODEL01'
    }
}

$public = @(
    'Get-VM', 'New-VM', 'Set-VM', 'Remove-VM', 'Start-VM', 'Stop-VM', 'Save-VM', 'Suspend-VM', 'Resume-VM',
    'Get-VMProcessor', 'Set-VMProcessor', 'Get-VMMemory', 'Set-VMMemory',
    'Get-VMFirmware', 'Set-VMFirmware', 'Get-VMSecurity', 'Enable-VMTPM', 'Disable-VMTPM',
    'Get-VMKeyProtector', 'Set-VMKeyProtector',
    'Get-VMNetworkAdapter', 'Add-VMNetworkAdapter', 'Remove-VMNetworkAdapter', 'Set-VMNetworkAdapter',
    'Connect-VMNetworkAdapter', 'Get-VMNetworkAdapterVlan', 'Set-VMNetworkAdapterVlan', 'Get-VMSwitch',
    'New-VHD', 'Get-VHD', 'Resize-VHD',
    'Get-VMHardDiskDrive', 'Add-VMHardDiskDrive', 'Remove-VMHardDiskDrive',
    'Get-VMDvdDrive', 'Add-VMDvdDrive', 'Set-VMDvdDrive', 'Remove-VMDvdDrive',
    'Get-VMHost', 'Get-VMHostSupportedVersion',
    'Enable-VMResourceMetering', 'Measure-VM', 'Move-VM', 'Get-VMMigrationNetwork'
)
Export-ModuleMember -Function $public
