# worker.ps1 as the agent runs it: its own pwsh process with the model on PSModulePath, requests
# as JSON lines on stdin, replies as JSON lines on stdout, nothing else on stdout even when the
# cmdlets write warnings, and UTF-8 both ways.
BeforeAll {
    . (Join-Path $PSScriptRoot 'ScriptTestSetup.ps1')

    # Starts the worker, writes $Requests (one JSON line each), closes stdin, returns stdout lines.
    function Invoke-Worker {
        param([object[]]$Requests)
        $start = New-Object System.Diagnostics.ProcessStartInfo
        $start.FileName = Get-PwshPath
        foreach ($arg in '-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', (Join-Path $script:ScriptDir 'worker.ps1')) { $start.ArgumentList.Add($arg) }
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.UseShellExecute = $false
        $start.StandardInputEncoding = New-Object System.Text.UTF8Encoding($false)
        $start.StandardOutputEncoding = New-Object System.Text.UTF8Encoding($false)
        $process = [Diagnostics.Process]::Start($start)
        foreach ($request in $Requests) { $process.StandardInput.WriteLine((ConvertTo-Json -InputObject $request -Depth 20 -Compress)) }
        $process.StandardInput.Close()
        $out = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        return @($out -split "`n" | Where-Object { $_.Trim() -ne '' })
    }
}

Describe 'worker' {
    It 'answers each request on one line with its id, keeps stdout free of warnings, and reads UTF-8' {
        $root = Reset-ScriptHost -Options @{ warnings = @{ 'Get-VM' = 'integration services are out of date'; 'New-VM' = 'a warning of New-VM' } }
        $spec = New-TestSpec
        $spec.name = 'wéb-世界'
        $lines = Invoke-Worker @(
            @{ id = '1'; script = 'host-info'; input = @{ vmDir = (Join-Path $root 'vms'); imageDir = (Join-Path $root 'images') } },
            @{ id = '2'; script = 'ensure'; input = @{ phase = 'create'; spec = $spec; vmName = 'team-a.wéb-世界 🚀'; switches = @('lan'); vmDir = (Join-Path $root 'vms'); imageDir = (Join-Path $root 'images') } },
            @{ id = '3'; script = 'no-such-script'; input = @{} },
            @{ id = '4'; script = 'inventory' }
        )
        $lines.Count | Should -Be 4
        $replies = @($lines | ForEach-Object { $_ | ConvertFrom-Json })
        @($replies | ForEach-Object { $_.id }) | Should -Be @('1', '2', '3', '4')
        $replies[0].ok | Should -BeTrue
        $replies[1].ok | Should -BeTrue
        $replies[1].result.vm.name | Should -Be 'team-a.wéb-世界 🚀'
        (Get-VM).Name | Should -Be 'team-a.wéb-世界 🚀'
        $replies[2].ok | Should -BeFalse
        $replies[2].error.code | Should -Be 'Internal'
        $replies[3].ok | Should -BeTrue
        @($replies[3].result.vms).Count | Should -Be 1
    }

    It 'prints only the reply line when a script runs on its own, warnings included' {
        $root = Reset-ScriptHost -Options @{ warnings = @{ 'Get-VM' = 'integration services are out of date' } }
        $json = ConvertTo-Json -InputObject @{ uid = 'u-1' } -Compress
        $out = @($json | & (Get-PwshPath) -NoLogo -NoProfile -NonInteractive -File (Join-Path $script:ScriptDir 'inventory.ps1'))
        $LASTEXITCODE | Should -Be 0
        $out.Count | Should -Be 1
        ($out[0] | ConvertFrom-Json).ok | Should -BeTrue
        @(Get-Calls 'Get-VM').Count | Should -BeGreaterThan 0  # the warning was written, and silenced
    }
}
