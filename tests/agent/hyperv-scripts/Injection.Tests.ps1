# The injection corpus as data through the real scripts: names, paths and text with quotes,
# $(...), backticks, ; & |, newlines and unicode reach the cmdlets as exact values and run
# nothing. Each entry would create a canary file if any script evaluated it.
BeforeAll {
    . (Join-Path $PSScriptRoot 'ScriptTestSetup.ps1')

    function Get-Corpus {
        param([string]$Canary)
        return @(
            "x'; New-Item -ItemType File -Path '$Canary'; '",
            "x`"; New-Item -ItemType File -Path `"$Canary`"; `"",
            "`$(New-Item -ItemType File -Path '$Canary')",
            "``New-Item -ItemType File -Path '$Canary'``; calc.exe",
            "a;b & c | New-Item -ItemType File -Path '$Canary' && e",
            "line1`nNew-Item -ItemType File -Path '$Canary'`r`nline3",
            "Ünïcødé 世界 🚀 $([char]0x202E)",
            "@{evil=1}; <# comment #> `${env:PATH} `$(New-Item -ItemType File -Path '$Canary')"
        )
    }
}

Describe 'injection corpus' {
    It 'stays inert data in every field the scripts take from a request' {
        $root = Reset-ScriptHost
        $canary = Join-Path $root 'canary'
        $i = 0
        foreach ($evil in (Get-Corpus $canary)) {
            $i++
            $uid = 'u-' + $i
            $spec = New-TestSpec $uid
            # The VM's name and NIC name carry the text; Hyper-V takes any name.
            $spec.networks[0].name = $evil
            $created = Invoke-TestScriptOk ensure @{ phase = 'create'; spec = $spec; vmName = $evil; switches = @('lan'); vmDir = (Join-Path $root 'vms'); imageDir = (Join-Path $root 'images') }
            $vm = Get-VM -Id $created.vm.vmId
            $vm.Name | Should -BeExactly $evil
            (Get-VMNetworkAdapter -VM $vm).Name | Should -BeExactly $evil
            # Unknown image, unknown switch, missing seed file: refused, quoting the text exactly.
            $bad = New-TestSpec ('v-' + $i)
            $bad.image = $evil
            (Invoke-TestScript ensure @{ phase = 'create'; spec = $bad; vmName = 'x'; switches = @(); vmDir = (Join-Path $root 'vms'); imageDir = (Join-Path $root 'images') }).error.message | Should -BeLike ('*' + [WildcardPattern]::Escape($evil) + '*')
            (Invoke-TestScript ensure @{ phase = 'create'; spec = (New-TestSpec ('w-' + $i)); vmName = 'x'; switches = @($evil); vmDir = (Join-Path $root 'vms'); imageDir = (Join-Path $root 'images') }).error.code | Should -Be 'SwitchNotFound'
            (Invoke-TestScript ensure @{ phase = 'apply'; vmId = $created.vm.vmId; spec = $spec; fields = @(); seedIso = (Join-Path $root $evil); power = 'Unchanged'; vmDir = (Join-Path $root 'vms'); imageDir = (Join-Path $root 'images') }).ok | Should -BeFalse
            # Looked up as exact strings, never as patterns.
            @((Invoke-TestScriptOk inventory @{ uid = $evil }).vms).Count | Should -Be 0
            (Invoke-TestScript remove @{ uid = $evil; vmDir = (Join-Path $root 'vms') }).error.code | Should -Be 'InvalidSpec'
            Test-Path -LiteralPath $canary | Should -BeFalse -Because $evil
        }
        @(Get-VM).Count | Should -Be $i
        (Invoke-TestScriptOk inventory @{}).vms.Count | Should -Be $i
    }
}
