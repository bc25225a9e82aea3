# The host: Get-VMHost reads the seeded capacity (state.host).
function Get-VMHost {
    [CmdletBinding(DefaultParameterSetName = 'ComputerName')]
    [OutputType([Microsoft.HyperV.PowerShell.VMHost])]
    param(
        [Parameter(ParameterSetName = 'ComputerName', Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string[]]$ComputerName
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $out = Use-HvState -Cmdlet $PSCmdlet -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                foreach ($name in @($ComputerName)) {
                    if ($null -ne $name -and @('.', 'localhost', [string]$State.host.name) -notcontains $name) {
                        Stop-HvOperation -Message ('Hyper-V model: only the local host is modelled, not "' + $name + '".') -ErrorId 'NotSupported' -Category NotImplemented -Target $name
                    }
                }
                $vmHost = New-Object Microsoft.HyperV.PowerShell.VMHost
                $vmHost.ComputerName = [string]$State.host.name
                $vmHost.LogicalProcessorCount = [int]$State.host.logicalProcessorCount
                $vmHost.MemoryCapacity = [int64]$State.host.memoryCapacityBytes
                $vmHost.VirtualMachinePath = [string]$State.host.virtualMachinePath
                $vmHost.VirtualHardDiskPath = [string]$State.host.virtualHardDiskPath
                $vmHost.MaximumStorageMigrations = 2
                $vmHost.MaximumVirtualMachineMigrations = 2
                return $vmHost
            }
            $PSCmdlet.WriteObject($out)
        }
    }
}
