# Shared by the agent's scripts (dot-sourced): error and output settings, JSON in and out, the
# owner marker in Notes, and one VM flattened into the "row" the agent reads.
# Compatible with Windows PowerShell 5.1 and PowerShell 7: no ?? / ?. / ternaries.
# User data arrives only as JSON data and is passed to cmdlets as parameter values (splatting,
# -LiteralPath); it is never part of a script's text.
Set-StrictMode -Version 1.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding($false)

$script:UidMarker = 'hyperv-operator-uid: '
$script:ImageMarker = 'hyperv-operator-image: '
$script:GenerationMarker = 'hyperv-operator-generation: '

# An exception carrying one of the agent's error codes (InvalidSpec, ImageNotFound, ...).
function New-AgentError {
    param([string]$Code, [string]$Message)
    $exception = New-Object System.Exception($Message)
    $exception.Data['AgentCode'] = $Code
    return $exception
}

function ConvertTo-ErrorReply {
    param($ErrorRecord)
    $code = 'DriverError'
    if ($ErrorRecord.Exception.Data.Contains('AgentCode')) {
        $code = [string]$ErrorRecord.Exception.Data['AgentCode']
    }
    return [ordered]@{
        ok    = $false
        error = [ordered]@{
            code    = $code
            message = [string]$ErrorRecord.Exception.Message
            detail  = [string]$ErrorRecord.FullyQualifiedErrorId
        }
    }
}

# Runs a script body. From the worker, $Request holds the input and the reply is returned; run on
# its own (-File), the input is read from stdin and the reply printed as one JSON line.
function Invoke-AgentScript {
    param($Request, [scriptblock]$Body)
    $standalone = ($null -eq $Request)
    try {
        if ($standalone) { $Request = [Console]::In.ReadToEnd() | ConvertFrom-Json }
        $output = @(& $Body $Request)
        $reply = [ordered]@{ ok = $true; result = $output[-1] }
    } catch {
        $reply = ConvertTo-ErrorReply $_
    }
    if (-not $standalone) { return $reply }
    [Console]::Out.WriteLine((ConvertTo-Json -InputObject $reply -Depth 10 -Compress))
    if (-not $reply.ok) { exit 1 }
    exit 0
}

function Get-NotesMarker {
    param([string]$Notes, [string]$Marker)
    foreach ($line in ($Notes -split "`r?`n")) {
        if ($line.StartsWith($Marker, [System.StringComparison]::Ordinal)) {
            return $line.Substring($Marker.Length)
        }
    }
    return $null
}

# Managed VMs whose owner marker equals $Uid: compared as strings, never as a pattern.
function Find-ManagedVm {
    param([string]$Uid)
    return @(Get-VM | Where-Object { (Get-NotesMarker -Notes $_.Notes -Marker $script:UidMarker) -eq $Uid })
}

function ConvertTo-NicRow {
    param($Adapter)
    $vlan = Get-VMNetworkAdapterVlan -VMNetworkAdapter $Adapter
    return [ordered]@{
        name              = [string]$Adapter.Name
        switchName        = [string]$Adapter.SwitchName
        macAddress        = [string]$Adapter.MacAddress
        dynamicMacAddress = [bool]$Adapter.DynamicMacAddressEnabled
        vlanId            = [int64]$vlan.AccessVlanId
        ipAddresses       = @($Adapter.IPAddresses | ForEach-Object { [string]$_ })
    }
}

function ConvertTo-DiskRow {
    param($Drive)
    $vhd = Get-VHD -Path $Drive.Path
    return [ordered]@{
        name         = [System.IO.Path]::GetFileNameWithoutExtension([string]$Drive.Path)
        path         = [string]$Drive.Path
        sizeBytes    = [int64]$vhd.Size
        differencing = ([string]$vhd.VhdType -eq 'Differencing')
    }
}

# One VM with explicit strings for enums and int64 byte counts, so 5.1 and 7 print the same.
function ConvertTo-VmRow {
    param($Vm)
    $memory = Get-VMMemory -VM $Vm
    $cpu = Get-VMProcessor -VM $Vm
    $dvd = @(Get-VMDvdDrive -VM $Vm) | Select-Object -First 1
    $dvdPath = ''
    if ($null -ne $dvd -and $null -ne $dvd.Path) { $dvdPath = [string]$dvd.Path }
    $row = [ordered]@{
        vmId                           = [string]$Vm.Id
        name                           = [string]$Vm.Name
        notes                          = [string]$Vm.Notes
        state                          = [string]$Vm.State
        generation                     = [int64]$Vm.Generation
        processorCount                 = [int64]$cpu.Count
        cpuReserve                     = [int64]$cpu.Reserve
        cpuLimit                       = [int64]$cpu.Maximum
        cpuWeight                      = [int64]$cpu.RelativeWeight
        exposeVirtualizationExtensions = [bool]$cpu.ExposeVirtualizationExtensions
        memoryStartupBytes             = [int64]$memory.Startup
        memoryMinimumBytes             = [int64]$memory.Minimum
        memoryMaximumBytes             = [int64]$memory.Maximum
        memoryBuffer                   = [int64]$memory.Buffer
        dynamicMemoryEnabled           = [bool]$memory.DynamicMemoryEnabled
        memoryAssignedBytes            = [int64]$Vm.MemoryAssigned
        uptimeSeconds                  = [int64]$Vm.Uptime.TotalSeconds
        nics                           = @(Get-VMNetworkAdapter -VM $Vm | ForEach-Object { ConvertTo-NicRow $_ })
        disks                          = @(Get-VMHardDiskDrive -VM $Vm | ForEach-Object { ConvertTo-DiskRow $_ })
        dvdPath                        = $dvdPath
        secureBoot                     = $false
        secureBootTemplate             = ''
        tpm                            = $false
    }
    if ($Vm.Generation -eq 2) {
        $firmware = Get-VMFirmware -VM $Vm
        $row.secureBoot = ([string]$firmware.SecureBoot -eq 'On')
        $row.secureBootTemplate = [string]$firmware.SecureBootTemplate
        $row.tpm = [bool](Get-VMSecurity -VM $Vm).TpmEnabled
    }
    return $row
}
