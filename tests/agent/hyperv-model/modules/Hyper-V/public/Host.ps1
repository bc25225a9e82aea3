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
                $migration = Get-HvMigrationSettings $State
                $vmHost.VirtualMachineMigrationEnabled = [bool]$migration.enabled
                $vmHost.UseAnyNetworkForMigration = (@($migration.networks).Count -eq 0)
                return $vmHost
            }
            $PSCmdlet.WriteObject($out)
        }
    }
}

# Get-VMHostSupportedVersion: the VM configuration versions this host can create and run
# (state.host.supportedVersions, default Windows Server 2022's 5.0 to 10.0, 10.0 the default).
# https://learn.microsoft.com/powershell/module/hyper-v/get-vmhostsupportedversion
function Get-VMHostSupportedVersion {
    [CmdletBinding(DefaultParameterSetName = 'ComputerName')]
    param(
        [Parameter(ParameterSetName = 'ComputerName')]
        [ValidateNotNullOrEmpty()]
        [string[]]$ComputerName,
        [switch]$Default
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $versions = Use-HvState -Cmdlet $PSCmdlet -Action {
                param($State, $Options)
                $list = @('5.0', '6.2', '7.0', '7.1', '8.0', '8.1', '8.2', '8.3', '9.0', '9.1', '10.0')
                if ($State.host.Contains('supportedVersions')) { $list = @($State.host.supportedVersions) }
                return , $list
            }
            $last = [string]$versions[$versions.Count - 1]
            foreach ($version in $versions) {
                if ($Default -and [string]$version -ne $last) { continue }
                $PSCmdlet.WriteObject([pscustomobject]@{ Name = ('Microsoft Windows Server ' + [string]$version); Version = [version][string]$version; IsDefault = ([string]$version -eq $last) })
            }
        }
    }
}
