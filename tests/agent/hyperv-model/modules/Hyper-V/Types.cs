// Stand-ins for the Hyper-V module's object types, under their real names, so scripts see the
// same types a Windows host gives them: enums print as names in strings ("Running") and as
// integers in ConvertTo-Json, and parameters typed VirtualMachine[] refuse anything else.
// Only the members the model fills are defined. Enum values follow Hyper-V's (Msvm) numbering.
using System;

namespace Microsoft.HyperV.PowerShell
{
    public enum VMState
    {
        Other = 1, Running = 2, Off = 3, Stopping = 4, Saved = 6, Paused = 9, Starting = 10,
        Reset = 11, Saving = 32773, Pausing = 32776, Resuming = 32777, FastSaved = 32779,
        FastSaving = 32780
    }

    public enum OnOffState { On = 0, Off = 1 }
    public enum ControllerType { IDE = 0, SCSI = 1 }
    public enum VMSwitchType { Private = 0, Internal = 1, External = 2 }
    public enum VMNetworkAdapterVlanMode { Untagged = 0, Access = 1, Trunk = 2, Private = 3 }
    public enum DvdMediaType { None = 0, ISO = 1, PassThrough = 2 }
    public enum StartAction { Nothing = 2, StartIfRunning = 3, Start = 4 }
    public enum StopAction { TurnOff = 2, Save = 3, ShutDown = 4 }
    public enum CheckpointType { Disabled = 2, Production = 3, ProductionOnly = 4, Standard = 5 }
    public enum BootDevice { Floppy = 0, CD = 1, IDE = 2, LegacyNetworkAdapter = 3, NetworkAdapter = 4, VHD = 5 }

    // Thrown (inside an ErrorRecord) by the model's cmdlets, like the real module's failures.
    public class VirtualizationException : Exception
    {
        public VirtualizationException(string message) : base(message) { }
    }

    public class VirtualMachineBase
    {
        public Guid Id { get; set; }
        public string Name { get; set; }
        public string ComputerName { get; set; }
    }

    public class VirtualMachine : VirtualMachineBase
    {
        public Guid VMId { get { return Id; } }
        public string VMName { get { return Name; } }
        public VMState State { get; set; }
        public int Generation { get; set; }
        public string Version { get; set; }
        public string Notes { get; set; }
        public string Path { get; set; }
        public string ConfigurationLocation { get; set; }
        public long ProcessorCount { get; set; }
        public int CPUUsage { get; set; }
        public long MemoryAssigned { get; set; }
        public long MemoryDemand { get; set; }
        public long MemoryStartup { get; set; }
        public long MemoryMinimum { get; set; }
        public long MemoryMaximum { get; set; }
        public bool DynamicMemoryEnabled { get; set; }
        public TimeSpan Uptime { get; set; }
        public string Status { get; set; }
        public StartAction AutomaticStartAction { get; set; }
        public StopAction AutomaticStopAction { get; set; }
        public CheckpointType CheckpointType { get; set; }
        public bool ResourceMeteringEnabled { get; set; }
        public override string ToString() { return "VirtualMachine (Name = '" + Name + "') [Id = '" + Id + "']"; }
    }

    // Anything Set-VMFirmware -FirstBootDevice / -BootOrder accepts.
    public class VMComponentObject
    {
        public string Name { get; set; }
        public string VMName { get; set; }
        public Guid VMId { get; set; }
        public string ComputerName { get; set; }
    }

    public class VMDevice : VMComponentObject
    {
        public string Id { get; set; }
    }

    public class Drive : VMDevice
    {
        public ControllerType ControllerType { get; set; }
        public int ControllerNumber { get; set; }
        public int ControllerLocation { get; set; }
        public string Path { get; set; }
    }

    public class HardDiskDrive : Drive
    {
        public uint? DiskNumber { get; set; }
    }

    public class DvdDrive : Drive
    {
        public DvdMediaType DvdMediaType { get; set; }
    }

    public class VMNetworkAdapterBase : VMDevice
    {
        public string SwitchName { get; set; }
        public string MacAddress { get; set; }
        public bool DynamicMacAddressEnabled { get; set; }
        public bool IsLegacy { get; set; }
        public bool Connected { get; set; }
        public string[] IPAddresses { get; set; }
    }

    public class VMNetworkAdapter : VMNetworkAdapterBase { }

    public class VMNetworkAdapterVlanSetting
    {
        public VMNetworkAdapterVlanMode OperationMode { get; set; }
        public int AccessVlanId { get; set; }
        public int NativeVlanId { get; set; }
        public string AllowedVlanIdListString { get; set; }
        public VMNetworkAdapterBase ParentAdapter { get; set; }
        public string VMName { get; set; }
    }

    public class VMProcessor : VMComponentObject
    {
        public long Count { get; set; }
        public long Reserve { get; set; }
        public long Maximum { get; set; }
        public int RelativeWeight { get; set; }
        public bool ExposeVirtualizationExtensions { get; set; }
        public bool CompatibilityForMigrationEnabled { get; set; }
    }

    public class VMMemory : VMComponentObject
    {
        public long Startup { get; set; }
        public long Minimum { get; set; }
        public long Maximum { get; set; }
        public int Buffer { get; set; }
        public int Priority { get; set; }
        public bool DynamicMemoryEnabled { get; set; }
    }

    public class VMFirmware : VMComponentObject
    {
        public OnOffState SecureBoot { get; set; }
        public string SecureBootTemplate { get; set; }
        public Guid? SecureBootTemplateId { get; set; }
        public VMComponentObject[] BootOrder { get; set; }
    }

    public class VMSecurity
    {
        public bool TpmEnabled { get; set; }
        public bool KsdEnabled { get; set; }
        public bool Shielded { get; set; }
        public bool EncryptStateAndVmMigrationTraffic { get; set; }
        public bool VirtualizationBasedSecurityOptOut { get; set; }
        public string VMName { get; set; }
        public Guid VMId { get; set; }
    }

    public class VMSwitch
    {
        public Guid Id { get; set; }
        public string Name { get; set; }
        public VMSwitchType SwitchType { get; set; }
        public string ComputerName { get; set; }
    }

    // Measure-VM's report (OUTPUTS: VMMeteringReportForVirtualMachine): processor in MHz,
    // memory, disk and traffic in megabytes, averages over MeteringDuration.
    public enum VMNetworkAdapterAclDirection { Inbound = 1, Outbound = 2, Both = 3 }

    public class VMNetworkAdapterPortAclMeteringReport
    {
        public VMNetworkAdapterAclDirection Direction { get; set; }
        public string LocalAddress { get; set; }
        public string RemoteAddress { get; set; }
        public ulong TotalTraffic { get; set; }
    }

    public class VMMeteringReportForVirtualMachine
    {
        public string ComputerName { get; set; }
        public Guid VMId { get; set; }
        public string VMName { get; set; }
        public TimeSpan? MeteringDuration { get; set; }
        public ulong? AverageProcessorUsage { get; set; }
        public ulong? AverageMemoryUsage { get; set; }
        public ulong? MaximumMemoryUsage { get; set; }
        public ulong? MinimumMemoryUsage { get; set; }
        public ulong? TotalDiskAllocation { get; set; }
        public ulong? AggregatedDiskDataRead { get; set; }
        public ulong? AggregatedDiskDataWritten { get; set; }
        public VMNetworkAdapterPortAclMeteringReport[] NetworkMeteredTrafficReport { get; set; }
    }

    public class VMHost
    {
        public string ComputerName { get; set; }
        public string Name { get { return ComputerName; } }
        public int LogicalProcessorCount { get; set; }
        public long MemoryCapacity { get; set; }
        public string VirtualMachinePath { get; set; }
        public string VirtualHardDiskPath { get; set; }
        public int MaximumStorageMigrations { get; set; }
        public int MaximumVirtualMachineMigrations { get; set; }
        public bool VirtualMachineMigrationEnabled { get; set; }
        public bool UseAnyNetworkForMigration { get; set; }
    }
}

namespace Microsoft.Vhd.PowerShell
{
    public enum VhdFormat { Unknown = 0, VHD = 2, VHDX = 3, VHDSet = 4 }
    public enum VhdType { Unknown = 0, Fixed = 2, Dynamic = 3, Differencing = 4 }

    public class VirtualHardDisk
    {
        public string ComputerName { get; set; }
        public string Path { get; set; }
        public VhdFormat VhdFormat { get; set; }
        public VhdType VhdType { get; set; }
        public ulong FileSize { get; set; }
        public ulong Size { get; set; }
        public ulong MinimumSize { get; set; }
        public string ParentPath { get; set; }
        public string DiskIdentifier { get; set; }
        public bool Attached { get; set; }
        public uint BlockSize { get; set; }
        public uint LogicalSectorSize { get; set; }
        public uint PhysicalSectorSize { get; set; }
    }
}
