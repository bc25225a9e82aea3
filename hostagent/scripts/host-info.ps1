# Host identity and capacity: processors, memory, storage of the VM folder's volume, switches,
# base images, and how many VMs carry the agent's owner marker.
param($Request)
. (Join-Path $PSScriptRoot 'common.ps1')

Invoke-AgentScript -Request $Request -Body {
    param($In)
    $vmHost = Get-VMHost
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    $vms = @(Get-VM)
    $managed = @($vms | Where-Object { $null -ne (Get-NotesMarker -Notes $_.Notes -Marker $script:UidMarker) })
    $running = @($managed | Where-Object { [string]$_.State -eq 'Running' })
    $allocatedCpu = [int64]0
    foreach ($vm in $running) { $allocatedCpu += [int64]$vm.ProcessorCount }
    $drive = New-Object System.IO.DriveInfo([System.IO.Path]::GetPathRoot([string]$In.vmDir))
    $images = @()
    if (Test-Path -LiteralPath ([string]$In.imageDir)) {
        $images = @(Get-ChildItem -LiteralPath ([string]$In.imageDir) -Filter '*.vhdx' | ForEach-Object {
                [ordered]@{ name = [string]$_.BaseName; sizeBytes = [int64](Get-VHD -Path $_.FullName).Size }
            })
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
        nestedVirtualization  = $true
        tpm                   = $true
        switches              = @(Get-VMSwitch | ForEach-Object { [ordered]@{ name = [string]$_.Name; switchType = [string]$_.SwitchType } })
        images                = $images
        managedVmCount        = [int64]$managed.Count
        unmanagedVmCount      = [int64]($vms.Count - $managed.Count)
    }
}
