# Shared by the agent's scripts (dot-sourced): error and output settings, JSON in and out, the
# owner marker in Notes, path helpers, and the VMs flattened into the "rows" the agent reads.
# Compatible with Windows PowerShell 5.1 and PowerShell 7: no ?? / ?. / ternaries, and every
# script runs under Set-StrictMode -Version Latest.
# User data arrives only as JSON data and is passed to cmdlets as parameter values (splatting,
# -LiteralPath); it is never part of a script's text.
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# With stdout redirected, warnings (Hyper-V prints some, e.g. about integration services) and
# information records are written to stdout and would corrupt the one-JSON-line protocol.
$WarningPreference = 'SilentlyContinue'
$InformationPreference = 'SilentlyContinue'
$VerbosePreference = 'SilentlyContinue'
$DebugPreference = 'SilentlyContinue'
$script:Utf8 = New-Object System.Text.UTF8Encoding($false)
[Console]::OutputEncoding = $script:Utf8
# Windows PowerShell 5.1 reads stdin in the console's code page unless told otherwise. Setting it
# again would drop what the current reader has buffered, so only when it is not UTF-8 yet.
if ([Console]::InputEncoding.WebName -ne 'utf-8') { [Console]::InputEncoding = $script:Utf8 }

$script:UidMarker = 'hyperv-operator-uid: '
$script:ImageMarker = 'hyperv-operator-image: '
$script:GenerationMarker = 'hyperv-operator-generation: '
# What the last ensure applied: '<specHash> <configHash>[ <deferred field>,...]' (spec_hash.h).
$script:AppliedMarker = 'hyperv-operator-applied: '

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

# A property of a JSON object (ConvertFrom-Json) or $null when absent: strict mode makes reading
# a missing property an error, and optional fields are simply left out by the agent.
function Get-Field {
    param($Object, [string]$Name)
    if ($null -eq $Object) { return $null }
    if ($Object -is [System.Collections.IDictionary]) {
        if ($Object.Contains($Name)) { return $Object[$Name] }
        return $null
    }
    $property = $Object.PSObject.Properties[$Name]
    if ($null -eq $property) { return $null }
    return $property.Value
}

# Runs a script body. From the worker, $Request holds the input and the reply is returned; run on
# its own (-File), the input is read from stdin and the reply printed as one JSON line.
function Invoke-AgentScript {
    param($Request, [scriptblock]$Body)
    $standalone = ($null -eq $Request)
    try {
        if ($standalone) { $Request = [Console]::In.ReadToEnd() | ConvertFrom-Json }
        $output = @(& $Body $Request)
        $result = $null
        if ($output.Count -gt 0) { $result = $output[$output.Count - 1] }
        $reply = [ordered]@{ ok = $true; result = $result }
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

# A path in one spelling (full, separators of this OS, no trailing separator) so two spellings of
# one file compare equal. Windows paths compare case-insensitively.
function Get-NormalPath {
    param([string]$Path)
    if ($Path.Length -eq 0) { return '' }
    $full = [System.IO.Path]::GetFullPath($Path)
    $root = [System.IO.Path]::GetPathRoot($full)
    if ($full.Length -gt $root.Length) {
        $full = $full.TrimEnd([System.IO.Path]::DirectorySeparatorChar, [System.IO.Path]::AltDirectorySeparatorChar)
    }
    return $full
}

function Test-SamePath {
    param([string]$A, [string]$B)
    return [string]::Equals((Get-NormalPath $A), (Get-NormalPath $B), [System.StringComparison]::OrdinalIgnoreCase)
}

# True when $Path lies inside the folder $Folder (not the folder itself).
function Test-PathUnder {
    param([string]$Path, [string]$Folder)
    $inner = Get-NormalPath $Path
    $outer = (Get-NormalPath $Folder) + [System.IO.Path]::DirectorySeparatorChar
    return $inner.StartsWith($outer, [System.StringComparison]::OrdinalIgnoreCase)
}

# The folder of a VM the agent creates: <vmDir>\<uid>. New-VM -Path puts the VM's configuration
# in a folder named after the VM inside it (the VM's Path), so a VM whose marker was never
# written is still recognisable as ours.
function Get-VmFolder {
    param([string]$VmDir, [string]$Uid)
    return Get-NormalPath (Join-Path $VmDir $Uid)
}

# Managed VMs whose owner marker equals $Uid (compared as strings, never as a pattern), or, when
# none carries it, VMs created in the uid's own folder whose marker write never happened.
function Find-ManagedVm {
    param([string]$Uid, [string]$VmDir)
    $all = @(Get-VM)
    $marked = @($all | Where-Object { (Get-NotesMarker -Notes ([string]$_.Notes) -Marker $script:UidMarker) -eq $Uid })
    if ($marked.Count -gt 0 -or $VmDir.Length -eq 0) { return $marked }
    $folder = Get-VmFolder $VmDir $Uid
    return @($all | Where-Object {
            ($null -eq (Get-NotesMarker -Notes ([string]$_.Notes) -Marker $script:UidMarker)) -and
            ((Test-SamePath ([string]$_.Path) $folder) -or (Test-PathUnder ([string]$_.Path) $folder))
        })
}

function Get-VmKey {
    param($Item)
    return ([string]$Item.VMId).ToLowerInvariant()
}

# Runs $Fetch (a cmdlet taking -VM <VirtualMachine[]>) once for all VMs and groups what it returns
# by VMId. When the batch fails (a VM vanished or is broken), each VM is asked alone so one bad
# VM costs only its own row: its error lands in $Errors[vmId].
function Get-ByVm {
    param([object[]]$Vms, [scriptblock]$Fetch, [hashtable]$Errors)
    $map = @{}
    if ($Vms.Count -eq 0) { return $map }
    try {
        foreach ($item in @(& $Fetch $Vms)) { Add-Grouped $map (Get-VmKey $item) $item }
        return $map
    } catch {
        $map = @{}
    }
    foreach ($vm in $Vms) {
        $key = ([string]$vm.Id).ToLowerInvariant()
        try {
            foreach ($item in @(& $Fetch @($vm))) { Add-Grouped $map $key $item }
        } catch {
            if (-not $Errors.ContainsKey($key)) { $Errors[$key] = [string]$_.Exception.Message }
        }
    }
    return $map
}

function Add-Grouped {
    param([hashtable]$Map, [string]$Key, $Item)
    if (-not $Map.ContainsKey($Key)) { $Map[$Key] = New-Object System.Collections.ArrayList }
    $null = $Map[$Key].Add($Item)
}

function Get-Grouped {
    param([hashtable]$Map, [string]$Key)
    if ($Map.ContainsKey($Key)) { return @($Map[$Key]) }
    return @()
}

# The VMs as rows: explicit strings for enums and int64 byte counts, so 5.1 and 7 print the same.
# Each Hyper-V cmdlet runs once for all VMs (not once per VM); a VM that fails any of them is
# returned as {vmId, name, notes, error} instead of failing the whole answer.
function ConvertTo-VmRows {
    param([object[]]$Vms)
    $errors = @{}
    $memory = Get-ByVm $Vms { param($v) Get-VMMemory -VM $v } $errors
    $cpu = Get-ByVm $Vms { param($v) Get-VMProcessor -VM $v } $errors
    $adapters = Get-ByVm $Vms { param($v) Get-VMNetworkAdapter -VM $v } $errors
    $drives = Get-ByVm $Vms { param($v) Get-VMHardDiskDrive -VM $v } $errors
    $dvds = Get-ByVm $Vms { param($v) Get-VMDvdDrive -VM $v } $errors
    $gen2 = @($Vms | Where-Object { [int]$_.Generation -eq 2 })
    $firmware = Get-ByVm $gen2 { param($v) Get-VMFirmware -VM $v } $errors
    $security = Get-ByVm $gen2 { param($v) Get-VMSecurity -VM $v } $errors

    $allAdapters = @()
    foreach ($key in $adapters.Keys) { $allAdapters += @($adapters[$key]) }
    $vlans = @{}
    if ($allAdapters.Count -gt 0) {
        try {
            foreach ($vlan in @(Get-VMNetworkAdapterVlan -VMNetworkAdapter $allAdapters)) {
                $vlans[[string]$vlan.ParentAdapter.Id] = $vlan
            }
        } catch {
            foreach ($adapter in $allAdapters) {
                try { $vlans[[string]$adapter.Id] = Get-VMNetworkAdapterVlan -VMNetworkAdapter $adapter }
                catch { $errors[(Get-VmKey $adapter)] = [string]$_.Exception.Message }
            }
        }
    }
    $paths = @()
    foreach ($key in $drives.Keys) { foreach ($drive in $drives[$key]) { if ([string]$drive.Path -ne '') { $paths += [string]$drive.Path } } }
    $vhds = @{}
    foreach ($path in $paths) {
        try { $vhds[(Get-NormalPath $path)] = Get-VHD -Path $path }
        catch { $vhds[(Get-NormalPath $path)] = $null }
    }

    $rows = @()
    foreach ($vm in $Vms) {
        $key = ([string]$vm.Id).ToLowerInvariant()
        if ($errors.ContainsKey($key)) {
            $rows += [ordered]@{ vmId = [string]$vm.Id; name = [string]$vm.Name; notes = [string]$vm.Notes; state = [string]$vm.State; error = $errors[$key] }
            continue
        }
        $mem = @(Get-Grouped $memory $key) | Select-Object -First 1
        $proc = @(Get-Grouped $cpu $key) | Select-Object -First 1
        $dvd = @(Get-Grouped $dvds $key) | Select-Object -First 1
        $row = [ordered]@{
            vmId                           = [string]$vm.Id
            name                           = [string]$vm.Name
            notes                          = [string]$vm.Notes
            state                          = [string]$vm.State
            path                           = [string]$vm.Path
            generation                     = [int64]$vm.Generation
            processorCount                 = [int64]$proc.Count
            cpuReserve                     = [int64]$proc.Reserve
            cpuLimit                       = [int64]$proc.Maximum
            cpuWeight                      = [int64]$proc.RelativeWeight
            exposeVirtualizationExtensions = [bool]$proc.ExposeVirtualizationExtensions
            compatibilityForMigration      = [bool]$proc.CompatibilityForMigrationEnabled
            memoryStartupBytes             = [int64]$mem.Startup
            memoryMinimumBytes             = [int64]$mem.Minimum
            memoryMaximumBytes             = [int64]$mem.Maximum
            memoryBuffer                   = [int64]$mem.Buffer
            dynamicMemoryEnabled           = [bool]$mem.DynamicMemoryEnabled
            memoryAssignedBytes            = [int64]$vm.MemoryAssigned
            uptimeSeconds                  = [int64]$vm.Uptime.TotalSeconds
            nics                           = @()
            disks                          = @()
            dvdDrive                       = ($null -ne $dvd)
            dvdPath                        = ''
            secureBoot                     = $false
            secureBootTemplate             = ''
            tpm                            = $false
        }
        if ($null -ne $dvd -and $null -ne $dvd.Path) { $row.dvdPath = [string]$dvd.Path }
        foreach ($adapter in @(Get-Grouped $adapters $key)) {
            $vlanId = [int64]0
            $vlan = $null
            if ($vlans.ContainsKey([string]$adapter.Id)) { $vlan = $vlans[[string]$adapter.Id] }
            if ($null -ne $vlan -and [string]$vlan.OperationMode -eq 'Access') { $vlanId = [int64]$vlan.AccessVlanId }
            $row.nics += , ([ordered]@{
                    name              = [string]$adapter.Name
                    switchName        = [string]$adapter.SwitchName
                    macAddress        = [string]$adapter.MacAddress
                    dynamicMacAddress = [bool]$adapter.DynamicMacAddressEnabled
                    vlanId            = $vlanId
                    ipAddresses       = @($adapter.IPAddresses | ForEach-Object { [string]$_ })
                })
        }
        foreach ($drive in @(Get-Grouped $drives $key)) {
            $path = [string]$drive.Path
            $vhd = $null
            if ($path -ne '') { $vhd = $vhds[(Get-NormalPath $path)] }
            $disk = [ordered]@{
                name         = [System.IO.Path]::GetFileNameWithoutExtension($path)
                path         = $path
                sizeBytes    = [int64]0
                differencing = $false
            }
            if ($null -ne $vhd) {
                $disk.sizeBytes = [int64]$vhd.Size
                $disk.differencing = ([string]$vhd.VhdType -eq 'Differencing')
            }
            $row.disks += , $disk
        }
        if ([int]$vm.Generation -eq 2) {
            $fw = @(Get-Grouped $firmware $key) | Select-Object -First 1
            $sec = @(Get-Grouped $security $key) | Select-Object -First 1
            if ($null -ne $fw) {
                $row.secureBoot = ([string]$fw.SecureBoot -eq 'On')
                $row.secureBootTemplate = [string]$fw.SecureBootTemplate
            }
            if ($null -ne $sec) { $row.tpm = [bool]$sec.TpmEnabled }
        }
        $rows += , $row
    }
    return , $rows
}

function ConvertTo-VmRow {
    param($Vm)
    $rows = ConvertTo-VmRows @($Vm)
    return $rows[0]
}
