# Shared by the model's Pester tests: a fresh host per test in $TestDrive.
Import-Module (Join-Path $PSScriptRoot 'HvModel.psm1') -Force

function Reset-TestHost {
    param([hashtable]$Options = @{}, [hashtable]$HostInfo = @{})
    $root = Join-Path $TestDrive ([Guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $root 'vms')
    Initialize-HvModel -StatePath (Join-Path $root 'state.json') -Switches external, @{ name = 'internal'; switchType = 'Internal' } `
        -ImageDir (Join-Path $root 'images') -Images @{ ubuntu = 10GB } -HostInfo $HostInfo -Options $Options
    Import-Module Hyper-V -Force
    [IO.File]::WriteAllText((Join-Path $root 'seed.iso'), 'iso')
    return $root
}

function New-TestVm {
    param([string]$Root, [string]$Name = 'vm1', [int16]$Generation = 2)
    return New-VM -Name $Name -Generation $Generation -MemoryStartupBytes 2GB -NoVHD -Path (Join-Path $Root 'vms') -ErrorAction Stop
}

function Get-TestVm {
    param($Vm)
    return Get-VM -Id $Vm.Id -ErrorAction Stop
}
