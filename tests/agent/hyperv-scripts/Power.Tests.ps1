# power.ps1 against the Hyper-V rules model: a graceful shutdown bounded by timeoutSeconds that
# falls back to turning the VM off, restart that always ends running, and the other actions.
BeforeAll {
    . (Join-Path $PSScriptRoot 'ScriptTestSetup.ps1')
}

Describe 'power' {
    BeforeEach {
        $root = Reset-ScriptHost
        $vm = New-ConvergedVm $root (New-TestSpec)
        Clear-HvModelCalls
    }

    It 'shuts a cooperative guest down without turning it off' {
        Set-HvModelOption @{ guests = @{ 'team-a.web-1' = @{ shutdownSeconds = 1 } } }
        $result = Invoke-TestScriptOk power @{ vmId = $vm.vmId; action = 'shutdown'; timeoutSeconds = 30 }
        $result.stopped | Should -Be 'Graceful'
        $result.vm.state | Should -Be 'Off'
        @(Get-Calls 'Stop-VM' | Where-Object { $_.parameters.Contains('TurnOff') }).Count | Should -Be 0
    }

    It 'turns off a guest that ignores the shutdown once timeoutSeconds have passed' {
        Set-HvModelOption @{ guests = @{ 'team-a.web-1' = @{ ignoreShutdown = $true } } }
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $result = Invoke-TestScriptOk power @{ vmId = $vm.vmId; action = 'shutdown'; timeoutSeconds = 2 }
        $watch.Stop()
        $result.stopped | Should -Be 'TurnedOff'
        $result.vm.state | Should -Be 'Off'
        # Stop-VM alone would have waited the host's five minutes (the model's shutdownTimeoutSeconds).
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 300
        @(Get-Calls 'Stop-VM' | Where-Object { $_.parameters.Contains('TurnOff') }).Count | Should -Be 1
    }

    It 'turns off at once a guest without the Shutdown integration service' {
        Set-HvModelOption @{ guests = @{ 'team-a.web-1' = @{ noShutdownService = $true } } }
        $result = Invoke-TestScriptOk power @{ vmId = $vm.vmId; action = 'shutdown'; timeoutSeconds = 600 }
        $result.stopped | Should -Be 'TurnedOff'
        $result.vm.state | Should -Be 'Off'
    }

    It 'restarts a guest that ignores the shutdown: turned off, then started' {
        Set-HvModelOption @{ guests = @{ 'team-a.web-1' = @{ ignoreShutdown = $true } } }
        $result = Invoke-TestScriptOk power @{ vmId = $vm.vmId; action = 'restart'; timeoutSeconds = 1 }
        $result.stopped | Should -Be 'TurnedOff'
        $result.vm.state | Should -Be 'Running'
        @(Get-Calls 'Start-VM').Count | Should -Be 1
    }

    It 'restarts a VM that is off by starting it' {
        Stop-VM -VM (Get-VM -Id $vm.vmId) -TurnOff -Force
        (Invoke-TestScriptOk power @{ vmId = $vm.vmId; action = 'restart'; timeoutSeconds = 5 }).vm.state | Should -Be 'Running'
    }

    It 'resumes a paused VM on start, and shuts a paused VM down after resuming it' {
        Suspend-VM -VM (Get-VM -Id $vm.vmId)
        (Invoke-TestScriptOk power @{ vmId = $vm.vmId; action = 'start'; timeoutSeconds = 0 }).vm.state | Should -Be 'Running'
        Suspend-VM -VM (Get-VM -Id $vm.vmId)
        (Invoke-TestScriptOk power @{ vmId = $vm.vmId; action = 'shutdown'; timeoutSeconds = 10 }).vm.state | Should -Be 'Off'
    }

    It 'saves, starts a saved VM, and refuses to shut a saved VM down' {
        (Invoke-TestScriptOk power @{ vmId = $vm.vmId; action = 'save'; timeoutSeconds = 0 }).vm.state | Should -Be 'Saved'
        (Invoke-TestScript power @{ vmId = $vm.vmId; action = 'shutdown'; timeoutSeconds = 5 }).error.code | Should -Be 'Conflict'
        (Invoke-TestScriptOk power @{ vmId = $vm.vmId; action = 'start'; timeoutSeconds = 0 }).vm.state | Should -Be 'Running'
    }

    It 'turns off without asking the guest' {
        (Invoke-TestScriptOk power @{ vmId = $vm.vmId; action = 'turnoff'; timeoutSeconds = 0 }).vm.state | Should -Be 'Off'
    }
}
