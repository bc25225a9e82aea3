# Stand-in for CimCmdlets (Windows only) with the classes the agent's scripts read:
# Win32_OperatingSystem (Caption, Version, BuildNumber, FreePhysicalMemory in KB,
# TotalVisibleMemorySize in KB) from the Hyper-V model's state (host.osCaption, host.osVersion,
# host.freeMemoryBytes), and Win32_Processor (Manufacturer: host.processorManufacturer, default
# GenuineIntel; MaxClockSpeed in MHz: host.processorClockMhz, default 2400), one instance per
# socket as on Windows.
# https://learn.microsoft.com/windows/win32/cimwin32prov/win32-operatingsystem
# https://learn.microsoft.com/windows/win32/cimwin32prov/win32-processor
Set-StrictMode -Version Latest

function Get-CimInstance {
    [CmdletBinding(DefaultParameterSetName = 'ClassNameComputerSet')]
    param(
        [Parameter(ParameterSetName = 'ClassNameComputerSet', Mandatory, Position = 0)]
        [string]$ClassName,

        [Parameter(ParameterSetName = 'ClassNameComputerSet')]
        [string]$Namespace = 'root/cimv2',

        [Parameter(ParameterSetName = 'ClassNameComputerSet')]
        [string]$Filter,

        [string[]]$Property
    )
    if ($ClassName -ne 'Win32_OperatingSystem' -and $ClassName -ne 'Win32_Processor') {
        throw ('Hyper-V model: Get-CimInstance models only Win32_OperatingSystem and Win32_Processor, not ' + $ClassName)
    }
    $statePath = [string]$env:HVMODEL_STATE
    if ($statePath -eq '' -or -not (Test-Path -LiteralPath $statePath)) {
        throw 'Hyper-V model: HVMODEL_STATE does not name an existing state file'
    }
    $state = Get-Content -LiteralPath $statePath -Raw | ConvertFrom-Json -AsHashtable -Depth 64
    $hostInfo = $state['host']
    if ($ClassName -eq 'Win32_Processor') {
        $maker = 'GenuineIntel'
        if ($hostInfo.Contains('processorManufacturer')) { $maker = [string]$hostInfo['processorManufacturer'] }
        $clock = 2400
        if ($hostInfo.Contains('processorClockMhz')) { $clock = [int]$hostInfo['processorClockMhz'] }
        $cpu = [pscustomobject]@{ Manufacturer = $maker; NumberOfLogicalProcessors = [uint32]$hostInfo['logicalProcessorCount']; MaxClockSpeed = [uint32]$clock }
        $cpu.PSObject.TypeNames.Insert(0, 'Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_Processor')
        return $cpu
    }
    $os = [pscustomobject]@{
        Caption                = [string]$hostInfo['osCaption']
        Version                = [string]$hostInfo['osVersion']
        BuildNumber            = [string](([string]$hostInfo['osVersion']).Split('.')[-1])
        CSName                 = [string]$hostInfo['name']
        FreePhysicalMemory     = [uint64]([int64]$hostInfo['freeMemoryBytes'] / 1024)
        TotalVisibleMemorySize = [uint64]([int64]$hostInfo['memoryCapacityBytes'] / 1024)
    }
    $os.PSObject.TypeNames.Insert(0, 'Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_OperatingSystem')
    return $os
}

Export-ModuleMember -Function Get-CimInstance
