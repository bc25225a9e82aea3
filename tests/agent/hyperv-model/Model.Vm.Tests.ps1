# Rules of the Hyper-V model about VMs and their power states (docs/hyperv-rules.md, R01-R04,
# R36-R50). Each rule: the allowed case and the refused one.
BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelTestSetup.ps1')
}

Describe 'Parameters and objects' {
    BeforeEach { $root = Reset-TestHost }

    It 'R01 binds the real parameter sets and refuses unknown parameters or mixed sets' {
        $vm = New-TestVm $root
        { Set-VMProcessor -VM $vm -Count 2 -ErrorAction Stop } | Should -Not -Throw
        { Set-VMProcessor -VM $vm -Bogus 1 } | Should -Throw -ErrorId 'NamedParameterNotFound,Set-VMProcessor'
        { Set-VMProcessor -VM $vm -VMName vm1 -Count 2 } | Should -Throw -ErrorId 'AmbiguousParameterSet,Set-VMProcessor'
        { Set-VMDvdDrive -VM $vm -Path $null } | Should -Throw -ErrorId 'AmbiguousParameter,Set-VMDvdDrive'
        { Stop-VM -VM 'vm1' } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,Stop-VM'
    }

    It 'R02 returns the real types: State is a VMState enum, a name in strings and a number in JSON' {
        $vm = New-TestVm $root
        $vm | Should -BeOfType ([Microsoft.HyperV.PowerShell.VirtualMachine])
        [string]$vm.State | Should -Be 'Off'
        (ConvertTo-Json -InputObject @{ s = $vm.State } -Compress) | Should -Be '{"s":3}'
        $vm.Uptime | Should -BeOfType ([TimeSpan])
        (Get-VHD -Path (Join-Path $root 'images/ubuntu.vhdx')).VhdType | Should -Be ([Microsoft.Vhd.PowerShell.VhdType]::Dynamic)
    }

    It 'R03 Get-VM -Id finds a VM and fails with ObjectNotFound for an unknown id' {
        $vm = New-TestVm $root
        (Get-VM -Id $vm.Id).Name | Should -Be 'vm1'
        $err = $null
        try { Get-VM -Id ([Guid]::NewGuid()) -ErrorAction Stop } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception | Should -BeOfType ([Microsoft.HyperV.PowerShell.VirtualizationException])
    }

    It 'R04 allows two VMs with one name; Get-VM -Name returns both' {
        $a = New-TestVm $root 'twin'
        $b = New-TestVm $root 'twin'
        $a.Id | Should -Not -Be $b.Id
        @(Get-VM -Name twin).Count | Should -Be 2
        { Get-VM -Name nosuchvm -ErrorAction Stop } | Should -Throw
    }
}

Describe 'New-VM defaults' {
    BeforeEach { $root = Reset-TestHost }

    It 'R32 adds one "Network Adapter"; generation 1 also a DVD drive on IDE 1:0, generation 2 none; files under <Path>/<Name>' {
        $g2 = New-TestVm $root 'g2' 2
        @(Get-VMNetworkAdapter -VM $g2).Name | Should -Be @('Network Adapter')
        @(Get-VMDvdDrive -VM $g2).Count | Should -Be 0
        $g2.Path | Should -Be (Join-Path (Join-Path $root 'vms') 'g2')
        $g1 = New-VM -Name g1 -NoVHD -Path (Join-Path $root 'vms')
        $g1.Generation | Should -Be 1
        $dvd = @(Get-VMDvdDrive -VM $g1)
        $dvd.Count | Should -Be 1
        "$($dvd[0].ControllerType) $($dvd[0].ControllerNumber):$($dvd[0].ControllerLocation)" | Should -Be 'IDE 1:0'
        { New-VM -Name g3 -Generation 3 -NoVHD } | Should -Throw -ErrorId 'ParameterArgumentValidationError,New-VM'
    }

    It 'R31 needs an existing switch (New-VM -SwitchName, Add-VMNetworkAdapter, Connect-VMNetworkAdapter)' {
        $vm = New-VM -Name s1 -Generation 2 -NoVHD -SwitchName external -Path (Join-Path $root 'vms')
        (Get-VMNetworkAdapter -VM $vm).SwitchName | Should -Be 'external'
        { New-VM -Name s2 -Generation 2 -NoVHD -SwitchName nosuch -ErrorAction Stop } | Should -Throw '*virtual switch*'
        { Add-VMNetworkAdapter -VM $vm -SwitchName nosuch -ErrorAction Stop } | Should -Throw '*virtual switch*'
        $nic = Get-VMNetworkAdapter -VM $vm
        { Connect-VMNetworkAdapter -VMNetworkAdapter $nic -SwitchName internal -ErrorAction Stop } | Should -Not -Throw
        { Connect-VMNetworkAdapter -VMNetworkAdapter $nic -SwitchName nosuch -ErrorAction Stop } | Should -Throw '*virtual switch*'
    }

    It 'R33 generation 2 VMs use only VHDX disks' {
        $vhd = Join-Path $root 'vms/old.vhd'
        $null = New-VHD -Path $vhd -SizeBytes 1GB -Dynamic
        { New-VM -Name g1 -Generation 1 -VHDPath $vhd -Path (Join-Path $root 'vms') -ErrorAction Stop } | Should -Not -Throw
        $null = Remove-VM -Name g1 -Force
        { New-VM -Name g2 -Generation 2 -VHDPath $vhd -Path (Join-Path $root 'vms') -ErrorAction Stop } | Should -Throw '*VHDX*'
    }
}

Describe 'Power states' {
    BeforeEach { $root = Reset-TestHost }

    It 'R38 Start-VM starts Off and Saved VMs, warns for a running one, refuses a paused one' {
        $vm = New-TestVm $root
        Start-VM -VM $vm -ErrorAction Stop
        [string](Get-TestVm $vm).State | Should -Be 'Running'
        $warnings = $null
        Start-VM -VM $vm -WarningVariable warnings -WarningAction SilentlyContinue
        "$warnings" | Should -BeLike '*already in the specified state*'
        Save-VM -VM $vm
        Start-VM -VM $vm -ErrorAction Stop
        [string](Get-TestVm $vm).State | Should -Be 'Running'
        Suspend-VM -VM $vm
        { Start-VM -VM $vm -ErrorAction Stop } | Should -Throw '*Resume-VM*'
        Resume-VM -VM $vm
        [string](Get-TestVm $vm).State | Should -Be 'Running'
    }

    It 'R39 Start-VM fails when an attached disk file is missing' {
        $vm = New-TestVm $root
        $disk = Join-Path $root 'vms/vm1/os.vhdx'
        $null = New-VHD -Path $disk -ParentPath (Join-Path $root 'images/ubuntu.vhdx') -Differencing
        Add-VMHardDiskDrive -VM $vm -Path $disk
        { Start-VM -VM $vm -ErrorAction Stop; Stop-VM -VM $vm -TurnOff } | Should -Not -Throw
        Remove-Item -LiteralPath $disk
        { Start-VM -VM $vm -ErrorAction Stop } | Should -Throw '*not found*'
    }

    It 'R40 Start-VM fails when the host lacks memory for the startup amount' {
        $null = Reset-TestHost -HostInfo @{ memoryCapacityBytes = 3GB }
        $a = New-TestVm $root 'a'
        $b = New-TestVm $root 'b'
        { Start-VM -VM $a -ErrorAction Stop } | Should -Not -Throw
        { Start-VM -VM $b -ErrorAction Stop } | Should -Throw '*not enough memory*'
    }

    It 'R41 Stop-VM without -TurnOff waits for the guest to shut down; -TurnOff is immediate' {
        Set-HvModelOption @{ shutdownSeconds = 1 }
        $vm = New-TestVm $root
        Start-VM -VM $vm
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Stop-VM -VM $vm -Force -ErrorAction Stop
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1
        [string](Get-TestVm $vm).State | Should -Be 'Off'
        Start-VM -VM $vm
        Stop-VM -VM $vm -TurnOff -ErrorAction Stop
        [string](Get-TestVm $vm).State | Should -Be 'Off'
    }

    It 'R42 Stop-VM without -TurnOff fails when the guest lacks the Shutdown integration service' {
        Set-HvModelOption @{ guests = @{ vm1 = @{ noShutdownService = $true } } }
        $vm = New-TestVm $root
        Start-VM -VM $vm
        { Stop-VM -VM $vm -Force -ErrorAction Stop } | Should -Throw '*Shutdown integration service*'
        [string](Get-TestVm $vm).State | Should -Be 'Running'
        { Stop-VM -VM $vm -TurnOff -ErrorAction Stop } | Should -Not -Throw
    }

    It 'R43 Stop-VM fails after the timeout when the guest ignores the shutdown; the VM keeps running' {
        Set-HvModelOption @{ shutdownTimeoutSeconds = 1; guests = @{ vm1 = @{ ignoreShutdown = $true } } }
        $vm = New-TestVm $root
        Start-VM -VM $vm
        $err = $null
        try { Stop-VM -VM $vm -Force -ErrorAction Stop } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        [string](Get-TestVm $vm).State | Should -Be 'Running'
    }

    It 'R44 Stop-VM from Saved is refused; from Paused only -TurnOff and -Save; -Save saves a running VM' {
        $vm = New-TestVm $root
        Start-VM -VM $vm
        Stop-VM -VM $vm -Save
        [string](Get-TestVm $vm).State | Should -Be 'Saved'
        { Stop-VM -VM $vm -TurnOff -ErrorAction Stop } | Should -Throw '*Saved*'
        Start-VM -VM $vm
        Suspend-VM -VM $vm
        { Stop-VM -VM $vm -Force -ErrorAction Stop } | Should -Throw '*Paused*'
        { Stop-VM -VM $vm -TurnOff -ErrorAction Stop } | Should -Not -Throw
        [string](Get-TestVm $vm).State | Should -Be 'Off'
    }

    It 'R45 Stop-VM on a locked guest asks unless -Force (a prompt fails under -NonInteractive)' {
        Set-HvModelOption @{ guests = @{ vm1 = @{ locked = $true } } }
        $vm = New-TestVm $root
        Start-VM -VM $vm
        { Stop-VM -VM $vm -ErrorAction Stop } | Should -Throw
        [string](Get-TestVm $vm).State | Should -Be 'Running'
        { Stop-VM -VM $vm -Force -ErrorAction Stop } | Should -Not -Throw
    }

    It 'R46 Save-VM needs Running or Paused; Suspend-VM needs Running; Resume-VM needs Paused' {
        $vm = New-TestVm $root
        { Save-VM -VM $vm -ErrorAction Stop } | Should -Throw
        { Suspend-VM -VM $vm -ErrorAction Stop } | Should -Throw
        { Resume-VM -VM $vm -ErrorAction Stop } | Should -Throw
        Start-VM -VM $vm
        { Suspend-VM -VM $vm -ErrorAction Stop } | Should -Not -Throw
        { Save-VM -VM $vm -ErrorAction Stop } | Should -Not -Throw
        [string](Get-TestVm $vm).State | Should -Be 'Saved'
    }

    It 'R47 Remove-VM keeps the disks and asks for confirmation without -Force' {
        $vm = New-TestVm $root
        $disk = Join-Path $root 'vms/vm1/data.vhdx'
        $null = New-VHD -Path $disk -SizeBytes 1GB -Dynamic
        Add-VMHardDiskDrive -VM $vm -Path $disk
        { Remove-VM -VM $vm -ErrorAction Stop } | Should -Throw
        @(Get-VM).Count | Should -Be 1
        Remove-VM -VM $vm -Force -ErrorAction Stop
        @(Get-VM).Count | Should -Be 0
        Test-Path -LiteralPath $disk | Should -BeTrue
        (Get-VHD -Path $disk).Size | Should -Be 1GB
    }
}

Describe 'Requested behaviours and preferences' {
    BeforeEach { $root = Reset-TestHost }

    It 'R48 writes requested WARNING lines through the caller''s warning preference' {
        Set-HvModelOption @{ warnings = @{ 'New-VM' = 'configuration version is old' } }
        $warnings = $null
        $null = New-VM -Name w1 -NoVHD -Path (Join-Path $root 'vms') -WarningVariable warnings -WarningAction SilentlyContinue
        "$warnings" | Should -Be 'configuration version is old'
        $script = {
            $WarningPreference = 'SilentlyContinue'
            New-VM -Name w2 -NoVHD -Path $args[0]
        }
        $out = & $script (Join-Path $root 'vms') 3>&1
        @($out | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Count | Should -Be 0
        $script = {
            $WarningPreference = 'Continue'
            New-VM -Name w3 -NoVHD -Path $args[0]
        }
        $out = & $script (Join-Path $root 'vms') 3>&1
        @($out | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Count | Should -Be 1
    }

    It 'R49 makes one cmdlet fail for one VM on request, the others unaffected' {
        Set-HvModelOption @{ failures = @(@{ cmdlet = 'Get-VMMemory'; vmName = 'bad'; message = 'WMI provider failure' }) }
        $good = New-TestVm $root 'good'
        $bad = New-TestVm $root 'bad'
        { Get-VMMemory -VM $good -ErrorAction Stop } | Should -Not -Throw
        { Get-VMMemory -VM $bad -ErrorAction Stop } | Should -Throw 'WMI provider failure'
    }

    It 'R50 errors are non-terminating unless the caller''s $ErrorActionPreference or -ErrorAction says Stop' {
        $script = {
            $ErrorActionPreference = 'Continue'
            Get-VM -Id ([Guid]::NewGuid()) 2>$null
            'went on'
        }
        & $script | Should -Be 'went on'
        $script = {
            $ErrorActionPreference = 'Stop'
            Get-VM -Id ([Guid]::NewGuid())
            'went on'
        }
        { & $script } | Should -Throw
    }

    It 'R51 Get-CimInstance Win32_OperatingSystem reports free memory in KB' {
        $os = Get-CimInstance -ClassName Win32_OperatingSystem
        [int64]$os.FreePhysicalMemory * 1024 | Should -Be 51539607552
        $os.Caption | Should -BeLike 'Microsoft Windows Server*'
        $os.BuildNumber | Should -Be '20348'
        (Get-CimInstance -ClassName Win32_Processor).Manufacturer | Should -Be 'GenuineIntel'  # S1
        { Get-CimInstance -ClassName Win32_BIOS } | Should -Throw
    }

    It 'R52 logs every call with the VM state, refused calls included' {
        $vm = New-TestVm $root
        Start-VM -VM $vm
        Clear-HvModelCalls
        { Set-VMProcessor -VM $vm -Count 4 -ErrorAction Stop } | Should -Throw
        $calls = @(Get-HvModelCalls -Cmdlet Set-VMProcessor)
        $calls.Count | Should -Be 1
        $calls[0].vmState | Should -Be 'Running'
        $calls[0].ok | Should -BeFalse
        $calls[0].parameters.Count | Should -Be 4
    }
}
