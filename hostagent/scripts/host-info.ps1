# Host identity and capacity: processors, memory, storage of the VM folder's volume, switches,
# base images, how many VMs carry the agent's owner marker, and what the host can really do
# (probed, never assumed): nested virtualization, virtual TPM, VM configuration versions.
param($Request)
. (Join-Path $PSScriptRoot 'common.ps1')

# Nested virtualization needs Intel VT-x on Windows Server 2016 / Windows 10 (build 14393) or
# later, or AMD-V on Windows Server 2022 / Windows 11 (build 22000) or later.
function Test-NestedVirtualization {
    param($Os)
    $build = [int64](Get-Field $Os 'BuildNumber')
    $cpu = @(Get-CimInstance -ClassName Win32_Processor) | Select-Object -First 1
    if ($null -eq $cpu) { return $false }
    $maker = [string]$cpu.Manufacturer
    if ($maker -eq 'GenuineIntel') { return ($build -ge 14393) }
    if ($maker -eq 'AuthenticAMD') { return ($build -ge 22000) }
    return $false
}

# A virtual TPM needs a key protector, which needs the Host Guardian Service client (HgsClient
# module) and its local guardian.
function Test-VirtualTpm {
    if ($null -eq (Get-Command -Name 'Get-HgsGuardian' -ErrorAction SilentlyContinue)) { return $false }
    try {
        $null = @(Get-HgsGuardian)
        return $true
    } catch {
        return $false
    }
}

function Get-SupportedVersions {
    try {
        return @(Get-VMHostSupportedVersion | ForEach-Object { [string]$_.Version })
    } catch {
        return @()
    }
}

# The subnets live migrations may use (Add-VMMigrationNetwork); none when the host takes any
# network (UseAnyNetworkForMigration) or migration is off.
function Get-MigrationNetworks {
    param($VmHost)
    if (-not [bool]$VmHost.VirtualMachineMigrationEnabled) { return @() }
    try {
        return @(Get-VMMigrationNetwork | ForEach-Object { [string]$_.Subnet })
    } catch {
        return @()
    }
}

Invoke-AgentScript -Request $Request -Body {
    param($In)
    $vmHost = Get-VMHost
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    $vms = @(Get-VM)
    $managed = @($vms | Where-Object { $null -ne (Get-NotesMarker -Notes ([string]$_.Notes) -Marker $script:UidMarker) })
    $running = @($managed | Where-Object { [string]$_.State -eq 'Running' })
    $allocatedCpu = [int64]0
    foreach ($vm in $running) { $allocatedCpu += [int64]$vm.ProcessorCount }
    $drive = New-Object System.IO.DriveInfo([System.IO.Path]::GetPathRoot((Get-NormalPath ([string]$In.vmDir))))
    $images = @()
    if (Test-Path -LiteralPath ([string]$In.imageDir)) {
        foreach ($file in @(Get-ChildItem -LiteralPath ([string]$In.imageDir) -Filter '*.vhdx' -File)) {
            try {
                $images += , ([ordered]@{ name = [string]$file.BaseName; sizeBytes = [int64](Get-VHD -Path $file.FullName).Size })
            } catch {
                $images += , ([ordered]@{ name = [string]$file.BaseName; sizeBytes = [int64]0; error = [string]$_.Exception.Message })
            }
        }
    }
    return [ordered]@{
        name                  = [string]$env:COMPUTERNAME
        os                    = [string]$os.Caption + ' ' + [string]$os.Version
        logicalProcessorCount = [int64]$vmHost.LogicalProcessorCount
        memoryCapacityBytes   = [int64]$vmHost.MemoryCapacity
        freeMemoryBytes       = [int64]$os.FreePhysicalMemory * 1024
        storageCapacityBytes  = [int64]$drive.TotalSize
        storageFreeBytes      = [int64]$drive.AvailableFreeSpace
        allocatedCpu          = $allocatedCpu
        nestedVirtualization  = [bool](Test-NestedVirtualization $os)
        tpm                   = [bool](Test-VirtualTpm)
        supportedVersions     = @(Get-SupportedVersions)
        migrationEnabled      = [bool]$vmHost.VirtualMachineMigrationEnabled
        maximumMigrations     = [int64]$vmHost.MaximumVirtualMachineMigrations
        migrationNetworks     = @(Get-MigrationNetworks $vmHost)
        switches              = @(Get-VMSwitch | ForEach-Object { [ordered]@{ name = [string]$_.Name; switchType = [string]$_.SwitchType } })
        images                = @($images)
        managedVmCount        = [int64]$managed.Count
        unmanagedVmCount      = [int64]($vms.Count - $managed.Count)
    }
}
