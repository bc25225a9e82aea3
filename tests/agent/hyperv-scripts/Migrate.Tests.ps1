# migrate.ps1 against the Hyper-V rules model: Move-VM with the single-destination parameter set
# (-IncludeStorage -DestinationStoragePath), the seed ISO ejected first, and the host settings a
# move needs refused as Move-VM refuses them (docs/hyperv-rules.md L1-L8).
BeforeAll {
    . (Join-Path $PSScriptRoot 'ScriptTestSetup.ps1')

    function Set-Migration {
        param([hashtable]$Settings)
        $state = Get-HvModelState
        $state.host.migration = $Settings
        Save-HvModelState -State $state
    }

    function Get-Moves {
        return , @((Get-HvModelState).host.migration.moved)
    }

    function New-Settings {
        param([bool]$Enabled = $true, [string]$DestVersion = 'Gen9', [string[]]$DestSwitches = @('lan', 'wan'))
        return @{
            enabled = $Enabled; networks = @('10.0.10.0/24'); processorVersion = 'Gen9'
            destinations = @{ 'HV02' = @{ enabled = $true; processorManufacturer = 'GenuineIntel'; processorVersion = $DestVersion; switches = $DestSwitches } }
        }
    }
}

Describe 'migrate' {
    BeforeEach {
        $root = Reset-ScriptHost
        $vm = New-ConvergedVm $root (New-TestSpec)
        Set-Migration (New-Settings)
        Clear-HvModelCalls
    }

    It 'moves a running VM with its storage to the destination path and leaves this host' {
        $result = Invoke-TestScriptOk migrate @{ vmId = $vm.vmId; destinationHost = 'HV02'; destinationPath = 'D:\VMs\u-1'; includeStorage = $true }
        $result.destinationHost | Should -Be 'HV02'
        $result.vmId | Should -Be $vm.vmId
        $moves = Get-Moves
        $moves.Count | Should -Be 1
        $moves[0].vmId | Should -Be $vm.vmId
        $moves[0].state | Should -Be 'Running'
        $moves[0].includeStorage | Should -BeTrue
        $moves[0].destinationStoragePath | Should -Be 'D:\VMs\u-1'
        @(Get-VM | Where-Object { [string]$_.Id -eq $vm.vmId }).Count | Should -Be 0
    }

    It 'ejects the cloud-init seed before the move (a local ISO does not move)' {
        Invoke-TestScriptOk migrate @{ vmId = $vm.vmId; destinationHost = 'HV02'; destinationPath = ''; includeStorage = $true } | Out-Null
        $calls = @(Get-HvModelCalls)
        $eject = [array]::FindIndex($calls, [Predicate[object]] { param($c) $c.cmdlet -eq 'Set-VMDvdDrive' -and $c.ok })
        $move = [array]::FindIndex($calls, [Predicate[object]] { param($c) $c.cmdlet -eq 'Move-VM' -and $c.ok })
        $eject | Should -BeGreaterOrEqual 0
        $move | Should -BeGreaterThan $eject
        (Get-Moves)[0].destinationStoragePath | Should -BeNullOrEmpty
    }

    It 'refuses to move local disks without includeStorage, and the VM stays' {
        $reply = Invoke-TestScript migrate @{ vmId = $vm.vmId; destinationHost = 'HV02'; destinationPath = ''; includeStorage = $false }
        $reply.ok | Should -BeFalse
        $reply.error.message | Should -BeLike '*local storage*'
        @(Get-VM | Where-Object { [string]$_.Id -eq $vm.vmId }).Count | Should -Be 1
    }

    It 'says so when live migration is not enabled on this host, without calling Move-VM' {
        Set-Migration (New-Settings -Enabled $false)
        $reply = Invoke-TestScript migrate @{ vmId = $vm.vmId; destinationHost = 'HV02'; destinationPath = ''; includeStorage = $true }
        $reply.ok | Should -BeFalse
        $reply.error.code | Should -Be 'Conflict'
        $reply.error.message | Should -BeLike '*Enable-VMMigration*'
        @(Get-Calls 'Move-VM').Count | Should -Be 0
    }

    It 'fails on an unknown destination and keeps the VM' {
        $reply = Invoke-TestScript migrate @{ vmId = $vm.vmId; destinationHost = 'HV09'; destinationPath = ''; includeStorage = $true }
        $reply.ok | Should -BeFalse
        $reply.error.message | Should -BeLike '*could not be reached*'
        @(Get-VM | Where-Object { [string]$_.Id -eq $vm.vmId }).Count | Should -Be 1
    }

    It 'needs processor compatibility for another processor version, which ensure sets while off' {
        Set-Migration (New-Settings -DestVersion 'Gen11')
        $reply = Invoke-TestScript migrate @{ vmId = $vm.vmId; destinationHost = 'HV02'; destinationPath = ''; includeStorage = $true }
        $reply.ok | Should -BeFalse
        $reply.error.message | Should -BeLike '*CompatibilityForMigrationEnabled*'

        $spec = New-TestSpec
        $spec.cpu.compatibilityForMigration = $true
        $running = Invoke-TestScript ensure @{ phase = 'apply'; vmId = $vm.vmId; spec = $spec; fields = @('cpu.compatibilityForMigration'); seedIso = ''; power = 'Unchanged'; vmDir = (Join-Path $root 'vms'); imageDir = (Join-Path $root 'images') }
        $running.ok | Should -BeFalse  # Set-VMProcessor refuses it while the VM runs
        Stop-VM -VM (Get-VM -Id $vm.vmId) -TurnOff -Force
        $applied = Invoke-Apply $root $spec $vm.vmId -Fields @('cpu.compatibilityForMigration') -Power 'Running'
        $applied.vm.compatibilityForMigration | Should -BeTrue
        (Invoke-TestScriptOk migrate @{ vmId = $vm.vmId; destinationHost = 'HV02'; destinationPath = ''; includeStorage = $true }).vmId | Should -Be $vm.vmId
    }

    It 'refuses a destination without the VM''s switch' {
        Set-Migration (New-Settings -DestSwitches @('wan'))
        $reply = Invoke-TestScript migrate @{ vmId = $vm.vmId; destinationHost = 'HV02'; destinationPath = ''; includeStorage = $true }
        $reply.ok | Should -BeFalse
        $reply.error.message | Should -BeLike '*virtual switch named "lan"*'
    }

    It 'refuses a destination that is not a host name before touching Hyper-V' {
        $reply = Invoke-TestScript migrate @{ vmId = $vm.vmId; destinationHost = 'HV02; Remove-VM *'; destinationPath = ''; includeStorage = $true }
        $reply.ok | Should -BeFalse
        $reply.error.code | Should -Be 'InvalidSpec'
        @(Get-Calls 'Move-VM').Count | Should -Be 0
    }
}

Describe 'host-info migration fields' {
    It 'reports live migration and its networks when enabled, nothing when not' {
        $root = Reset-ScriptHost
        $off = Invoke-TestScriptOk host-info @{ vmDir = (Join-Path $root 'vms'); imageDir = (Join-Path $root 'images') }
        $off.migrationEnabled | Should -BeFalse
        @($off.migrationNetworks).Count | Should -Be 0
        Set-Migration (New-Settings)
        $on = Invoke-TestScriptOk host-info @{ vmDir = (Join-Path $root 'vms'); imageDir = (Join-Path $root 'images') }
        $on.migrationEnabled | Should -BeTrue
        @($on.migrationNetworks) | Should -Be @('10.0.10.0/24')
        $on.maximumMigrations | Should -Be 2
    }
}
