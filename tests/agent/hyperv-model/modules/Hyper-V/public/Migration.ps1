# Live migration: Move-VM and the host settings it depends on (docs/hyperv-rules.md, L1-L8).
# The seeded state.host.migration says what the host allows and who it can move VMs to:
#   @{ enabled = $true; networks = @('10.0.0.0/24'); processorVersion = 'Gen9';
#      destinations = @{ 'HV02' = @{ enabled = $true; processorManufacturer = 'GenuineIntel';
#                                    processorVersion = 'Gen9'; switches = @('external') } } }
# A VM that moved leaves this host's state; state.host.migration.moved records each move
# (vmId, destination, includeStorage, destinationStoragePath) for the tests.

function Get-HvMigrationSettings {
    param($State)
    if ($State.host.Contains('migration') -and $null -ne $State.host.migration) { return $State.host.migration }
    return @{ enabled = $false; networks = @(); destinations = @{} }
}

# https://learn.microsoft.com/powershell/module/hyper-v/get-vmmigrationnetwork
function Get-VMMigrationNetwork {
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)]
        [string[]]$Subnet,
        [string[]]$ComputerName,
        [uint32[]]$Priority
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            $networks = Use-HvState -Cmdlet $PSCmdlet -Action {
                param($State, $Options)
                return , @((Get-HvMigrationSettings $State).networks)
            }
            foreach ($network in $networks) {
                if ($null -eq $network) { continue }
                if ($null -ne $Subnet -and -not (@($Subnet) | Where-Object { [string]$network -like $_ })) { continue }
                $PSCmdlet.WriteObject([pscustomobject]@{ Subnet = [string]$network; Priority = [uint32]0 })
            }
        }
    }
}

# https://learn.microsoft.com/powershell/module/hyper-v/move-vm
# Parameter sets as the cmdlet page lists them, without the CimSession and CompatibilityReport
# sets (not modelled): -IncludeStorage/-DestinationStoragePath only in the single-destination
# sets, -VirtualMachinePath/-Vhds only in the multiple-destination ones (L1).
function Move-VM {
    [CmdletBinding(DefaultParameterSetName = 'NameSingleDestination', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([Microsoft.HyperV.PowerShell.VirtualMachine])]
    param(
        [Parameter(ParameterSetName = 'NameSingleDestination', Mandatory, Position = 0, ValueFromPipeline)]
        [Parameter(ParameterSetName = 'NameMultipleDestinations', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [Parameter(ParameterSetName = 'VMSingleDestination', Mandatory, Position = 0, ValueFromPipeline)]
        [Parameter(ParameterSetName = 'VMMultipleDestinations', Mandatory, Position = 0, ValueFromPipeline)]
        [ValidateNotNull()]
        [Microsoft.HyperV.PowerShell.VirtualMachine]$VM,

        [Parameter(Mandatory, Position = 1)]
        [ValidateNotNullOrEmpty()]
        [string]$DestinationHost,

        [Parameter(ParameterSetName = 'NameSingleDestination')]
        [Parameter(ParameterSetName = 'VMSingleDestination')]
        [switch]$IncludeStorage,

        [Parameter(ParameterSetName = 'NameSingleDestination')]
        [Parameter(ParameterSetName = 'VMSingleDestination')]
        [string]$DestinationStoragePath,

        [Parameter(ParameterSetName = 'NameMultipleDestinations')]
        [Parameter(ParameterSetName = 'VMMultipleDestinations')]
        [string]$VirtualMachinePath,

        [Parameter(ParameterSetName = 'NameMultipleDestinations')]
        [Parameter(ParameterSetName = 'VMMultipleDestinations')]
        [hashtable[]]$Vhds,

        [Parameter(ParameterSetName = 'NameSingleDestination')]
        [Parameter(ParameterSetName = 'NameMultipleDestinations')]
        [string[]]$ComputerName,

        [string]$ResourcePoolName,
        [switch]$RetainVhdCopiesOnSource,
        [switch]$RemoveSourceUnmanagedVhds,
        [switch]$AsJob,
        [switch]$Passthru
    )
    begin { . Import-HvCallerPreference $PSCmdlet }
    process {
        Invoke-HvCmdlet $PSCmdlet {
            if ($AsJob) {
                Stop-HvOperation -Message 'Hyper-V model: -AsJob is not modelled.' -ErrorId 'NotSupported' -Category NotImplemented
            }
            $ctx = @{}
            $null = Use-HvState -Cmdlet $PSCmdlet -Context $ctx -Action {
                param($State, $Options)
                Write-HvRequestedWarning $PSCmdlet $Options
                $names = $null
                if ($PSCmdlet.ParameterSetName -like 'Name*') { $names = $Name }
                $records = @(Resolve-HvVms $State $VM $names)
                if ($records.Count -ne 1) {
                    Stop-HvOperation -Message ('Move-VM moves one virtual machine; "' + $Name + '" names ' + $records.Count + '.') -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $Name
                }
                $rec = $records[0]
                Set-HvCallVm $ctx $rec
                if (-not $PSCmdlet.ShouldProcess($rec.name, 'Move-VM')) { return }
                Assert-HvNoInjectedFailure $PSCmdlet $Options $rec
                $settings = Get-HvMigrationSettings $State
                # L2: migration enabled on both hosts (Enable-VMMigration).
                if (-not [bool]$settings.enabled) {
                    Stop-HvOperation -Message ('Virtual machine migration operation for "' + $rec.name + '" failed: the source host does not allow virtual machine migrations (Enable-VMMigration).') -ErrorId 'InvalidOperation' -Category InvalidOperation -Target $rec.name
                }
                # L3: the destination must answer as a Hyper-V host.
                $destinations = $settings.destinations
                if ($null -eq $destinations -or -not $destinations.Contains($DestinationHost)) {
                    Stop-HvOperation -Message ('Virtual machine migration operation failed: the destination host "' + $DestinationHost + '" could not be reached.') -ErrorId 'ObjectNotFound' -Category ObjectNotFound -Target $DestinationHost
                }
                $dest = $destinations[$DestinationHost]
                if (-not [bool]$dest.enabled) {
                    Stop-HvOperation -Message ('Virtual machine migration operation failed: the destination host "' + $DestinationHost + '" does not allow incoming migrations.') -ErrorId 'InvalidOperation' -Category InvalidOperation -Target $DestinationHost
                }
                # L4: same processor vendor; another processor version needs compatibility mode.
                $maker = 'GenuineIntel'
                if ($State.host.Contains('processorManufacturer')) { $maker = [string]$State.host.processorManufacturer }
                if ([string]$dest.processorManufacturer -ne $maker) {
                    Stop-HvOperation -Message ('The virtual machine "' + $rec.name + '" cannot be moved to "' + $DestinationHost + '": its processor is from another manufacturer.') -ErrorId 'InvalidConfiguration' -Category InvalidOperation -Target $rec.name
                }
                if ([string]$dest.processorVersion -ne [string]$settings.processorVersion -and -not [bool]$rec.processor.compatibilityForMigration) {
                    Stop-HvOperation -Message ('The virtual machine "' + $rec.name + '" is using processor-specific features not supported on host "' + $DestinationHost + '". Enable processor compatibility (Set-VMProcessor -CompatibilityForMigrationEnabled) while it is off.') -ErrorId 'InvalidConfiguration' -Category InvalidOperation -Target $rec.name
                }
                # L5: every switch the VM uses exists on the destination under the same name.
                foreach ($nic in @($rec.nics)) {
                    if ($null -eq $nic -or [string]$nic.switchName -eq '') { continue }
                    if (@($dest.switches) -notcontains [string]$nic.switchName) {
                        Stop-HvOperation -Message ('Virtual machine "' + $rec.name + '": the destination has no virtual switch named "' + $nic.switchName + '".') -ErrorId 'ObjectNotFound' -Category ObjectNotFound -Target $nic.switchName
                    }
                }
                # L6: without -IncludeStorage the disks must be on storage both hosts reach.
                if (-not $IncludeStorage) {
                    foreach ($disk in @($rec.hardDrives)) {
                        if ($null -ne $disk -and -not ([string]$disk.path).StartsWith('\\')) {
                            Stop-HvOperation -Message ('Virtual machine "' + $rec.name + '": the virtual hard disk "' + $disk.path + '" is on local storage; move it with -IncludeStorage or keep it on an SMB share.') -ErrorId 'InvalidConfiguration' -Category InvalidOperation -Target $disk.path
                        }
                    }
                }
                # L7: -DestinationStoragePath only with -IncludeStorage (conservative).
                if ($PSBoundParameters.ContainsKey('DestinationStoragePath') -and -not $IncludeStorage) {
                    Stop-HvOperation -Message 'Move-VM: -DestinationStoragePath needs -IncludeStorage.' -ErrorId 'InvalidParameter' -Category InvalidArgument -Target $DestinationStoragePath
                }
                # L8: media in a DVD drive from a local file is not moved (conservative).
                foreach ($dvd in @($rec.dvdDrives)) {
                    if ($null -ne $dvd -and [string]$dvd.path -ne '' -and -not ([string]$dvd.path).StartsWith('\\')) {
                        Stop-HvOperation -Message ('Virtual machine "' + $rec.name + '": the DVD drive holds the local file "' + $dvd.path + '"; eject it before the move.') -ErrorId 'InvalidConfiguration' -Category InvalidOperation -Target $dvd.path
                    }
                }
                if (-not $settings.Contains('moved')) { $settings.moved = @() }
                $settings.moved = @($settings.moved) + @([ordered]@{
                        vmId = [string]$rec.id; name = [string]$rec.name; state = [string]$rec.state
                        destination = $DestinationHost; includeStorage = [bool]$IncludeStorage
                        destinationStoragePath = [string]$DestinationStoragePath
                    })
                $State.host.migration = $settings
                $State.vms = @($State.vms | Where-Object { [string]$_.id -ne [string]$rec.id })
                return $null
            }
        }
    }
}
