#include "hostagent/driver/convergence.h"

#include <algorithm>
#include <set>

namespace hvo::agent {
namespace {

std::string nic_field(const std::string& nic, const char* suffix = "") {
  return "networks[" + nic + "]" + suffix;
}
std::string disk_field(const std::string& disk, const char* suffix = "") {
  return "disks[" + disk + "]" + suffix;
}

template <typename Item>
const Item* find_named(const std::vector<Item>& items, const std::string& name) {
  auto it =
      std::find_if(items.begin(), items.end(), [&](const Item& item) { return item.name == name; });
  return it == items.end() ? nullptr : &*it;
}

// How far a VM's state lets its configuration change.
enum class Phase { kOff, kRunning, kFrozen };

Phase phase_of(VmState state) {
  if (state == VmState::kOff)
    return Phase::kOff;
  return state == VmState::kRunning ? Phase::kRunning : Phase::kFrozen;
}

// Sorts each difference into "now", "after power-off" or "never".
class Planner {
 public:
  explicit Planner(Phase phase) : phase_(phase) {}

  void live(bool differs, const std::string& field) {
    if (differs)
      (phase_ == Phase::kFrozen ? plan_.restart_required : plan_.apply_now).push_back(field);
  }
  void needs_off(bool differs, const std::string& field) {
    if (differs)
      (phase_ == Phase::kOff ? plan_.apply_now : plan_.restart_required).push_back(field);
  }
  void never(bool differs, const std::string& field) {
    if (differs)
      plan_.unsupported.push_back(field);
  }
  ConvergencePlan take() { return std::move(plan_); }

 private:
  Phase phase_;
  ConvergencePlan plan_;
};

void plan_memory(const MemorySpec& want, const MemorySpec& have, Planner& planner) {
  planner.needs_off(want.startup_bytes != have.startup_bytes, field::kMemoryStartup);
  const bool toggles = want.dynamic.has_value() != have.dynamic.has_value();
  planner.needs_off(toggles, field::kMemoryDynamic);
  if (toggles || !want.dynamic)
    return;  // turning dynamic memory on sets its limits in the same call
  // A running VM's dynamic minimum may only go down and its maximum only up (Hyper-V never
  // takes back memory the guest holds); the buffer changes either way.
  const auto& w = *want.dynamic;
  const auto& h = *have.dynamic;
  if (w.minimum_bytes < h.minimum_bytes)
    planner.live(true, field::kMemoryMinimum);
  else
    planner.needs_off(w.minimum_bytes > h.minimum_bytes, field::kMemoryMinimum);
  if (w.maximum_bytes > h.maximum_bytes)
    planner.live(true, field::kMemoryMaximum);
  else
    planner.needs_off(w.maximum_bytes < h.maximum_bytes, field::kMemoryMaximum);
  planner.live(w.buffer_percent != h.buffer_percent, field::kMemoryBuffer);
}

void plan_firmware(const VmSpec& want, const FirmwareSpec& have, Planner& planner) {
  const std::string template_wanted = effective_secure_boot_template(want);
  const bool secure_boot_differs =
      want.firmware.secure_boot != have.secure_boot ||
      (!template_wanted.empty() && template_wanted != have.secure_boot_template);
  planner.needs_off(secure_boot_differs, field::kSecureBoot);
  planner.needs_off(want.firmware.tpm != have.tpm, field::kTpm);
}

// Generation 2 VMs take NICs and SCSI disks hot; generation 1 needs the VM off.
void plan_networks(const VmSpec& want, const VmSpec& have, Planner& planner) {
  const bool hot_plug = want.generation == 2;
  for (const auto& nic : want.networks) {
    const auto* current = find_named(have.networks, nic.name);
    if (current == nullptr) {
      hot_plug ? planner.live(true, nic_field(nic.name))
               : planner.needs_off(true, nic_field(nic.name));
      continue;
    }
    planner.live(nic.switch_name != current->switch_name, nic_field(nic.name, ".switch"));
    planner.live(nic.vlan_id != current->vlan_id, nic_field(nic.name, ".vlanId"));
    planner.needs_off(nic.mac_address != current->mac_address, nic_field(nic.name, ".macAddress"));
  }
  for (const auto& nic : have.networks) {
    if (find_named(want.networks, nic.name) != nullptr)
      continue;
    hot_plug ? planner.live(true, nic_field(nic.name))
             : planner.needs_off(true, nic_field(nic.name));
  }
}

void plan_disks(const VmSpec& want, const VmSpec& have, Planner& planner) {
  const bool hot_plug = want.generation == 2;
  for (const auto& disk : want.disks) {
    const auto* current = find_named(have.disks, disk.name);
    if (current == nullptr) {
      hot_plug ? planner.live(true, disk_field(disk.name))
               : planner.needs_off(true, disk_field(disk.name));
      continue;
    }
    planner.never(disk.source != current->source, disk_field(disk.name, ".source"));
    // 0 on an image disk means "the image's size": nothing to converge.
    if (disk.size_bytes == 0 || disk.size_bytes == current->size_bytes)
      continue;
    // VHDX grows online behind a SCSI controller; shrinking is never done (data loss).
    if (disk.size_bytes < current->size_bytes) {
      planner.never(true, disk_field(disk.name, ".sizeBytes"));
    } else {
      hot_plug ? planner.live(true, disk_field(disk.name, ".sizeBytes"))
               : planner.needs_off(true, disk_field(disk.name, ".sizeBytes"));
    }
  }
  for (const auto& disk : have.disks) {
    if (find_named(want.disks, disk.name) != nullptr)
      continue;
    hot_plug ? planner.live(true, disk_field(disk.name))
             : planner.needs_off(true, disk_field(disk.name));
  }
}

// "networks[nic0].vlanId" → {"nic0", ".vlanId"}; false when `field` is not of `prefix`.
bool split_device_field(const std::string& field, const std::string& prefix, std::string& device,
                        std::string& rest) {
  if (field.rfind(prefix + "[", 0) != 0)
    return false;
  const auto close = field.find(']');
  if (close == std::string::npos)
    return false;
  device = field.substr(prefix.size() + 1, close - prefix.size() - 1);
  rest = field.substr(close + 1);
  return true;
}

template <typename Item>
void apply_device_field(std::vector<Item>& current, const std::vector<Item>& desired,
                        const std::string& name, const std::string& rest,
                        void (*copy_member)(Item&, const Item&, const std::string&)) {
  const auto* want = find_named(desired, name);
  auto it = std::find_if(current.begin(), current.end(),
                         [&](const Item& item) { return item.name == name; });
  if (rest.empty()) {  // the device itself: add or remove
    if (it != current.end())
      current.erase(it);
    if (want != nullptr)
      current.push_back(*want);
    return;
  }
  if (it != current.end() && want != nullptr)
    copy_member(*it, *want, rest);
}

void copy_nic_member(NetworkSpec& nic, const NetworkSpec& want, const std::string& member) {
  if (member == ".switch")
    nic.switch_name = want.switch_name;
  if (member == ".vlanId")
    nic.vlan_id = want.vlan_id;
  if (member == ".macAddress")
    nic.mac_address = want.mac_address;
}

void copy_disk_member(DiskSpec& disk, const DiskSpec& want, const std::string& member) {
  if (member == ".sizeBytes")
    disk.size_bytes = want.size_bytes;
}

}  // namespace

std::string effective_secure_boot_template(const VmSpec& spec) {
  if (!spec.firmware.secure_boot)
    return "";
  if (!spec.firmware.secure_boot_template.empty())
    return spec.firmware.secure_boot_template;
  return spec.cloud_init ? "MicrosoftUEFICertificateAuthority" : "";
}

ConvergencePlan plan_convergence(const VmSpec& desired, const VmSpec& current, VmState state) {
  Planner planner(phase_of(state));
  const CpuSpec& want = desired.cpu;
  const CpuSpec& have = current.cpu;
  planner.never(desired.generation != current.generation, field::kGeneration);
  planner.never(desired.image != current.image, field::kImage);
  planner.needs_off(want.count != have.count, field::kCpuCount);
  planner.live(want.reserve_percent != have.reserve_percent, field::kCpuReserve);
  planner.live(want.limit_percent != have.limit_percent, field::kCpuLimit);
  planner.live(want.weight != have.weight, field::kCpuWeight);
  planner.needs_off(want.expose_virtualization_extensions != have.expose_virtualization_extensions,
                    field::kCpuNested);
  planner.needs_off(want.compatibility_for_migration != have.compatibility_for_migration,
                    field::kCpuCompatibility);
  plan_memory(desired.memory, current.memory, planner);
  if (desired.generation == 2 && current.generation == 2)
    plan_firmware(desired, current.firmware, planner);
  plan_networks(desired, current, planner);
  plan_disks(desired, current, planner);
  return planner.take();
}

VmSpec apply_fields(const VmSpec& current, const VmSpec& desired,
                    const std::vector<std::string>& fields) {
  VmSpec next = current;
  for (const auto& f : fields) {
    std::string device;
    std::string rest;
    if (f == field::kCpuCount)
      next.cpu.count = desired.cpu.count;
    if (f == field::kCpuReserve)
      next.cpu.reserve_percent = desired.cpu.reserve_percent;
    if (f == field::kCpuLimit)
      next.cpu.limit_percent = desired.cpu.limit_percent;
    if (f == field::kCpuWeight)
      next.cpu.weight = desired.cpu.weight;
    if (f == field::kCpuNested) {
      next.cpu.expose_virtualization_extensions = desired.cpu.expose_virtualization_extensions;
    }
    if (f == field::kCpuCompatibility)
      next.cpu.compatibility_for_migration = desired.cpu.compatibility_for_migration;
    if (f == field::kMemoryStartup)
      next.memory.startup_bytes = desired.memory.startup_bytes;
    if (f == field::kMemoryDynamic)
      next.memory.dynamic = desired.memory.dynamic;
    if (next.memory.dynamic && desired.memory.dynamic) {
      if (f == field::kMemoryMinimum)
        next.memory.dynamic->minimum_bytes = desired.memory.dynamic->minimum_bytes;
      if (f == field::kMemoryMaximum)
        next.memory.dynamic->maximum_bytes = desired.memory.dynamic->maximum_bytes;
      if (f == field::kMemoryBuffer)
        next.memory.dynamic->buffer_percent = desired.memory.dynamic->buffer_percent;
    }
    if (f == field::kSecureBoot) {
      next.firmware.secure_boot = desired.firmware.secure_boot;
      const std::string wanted = effective_secure_boot_template(desired);
      if (!wanted.empty())
        next.firmware.secure_boot_template = wanted;
    }
    if (f == field::kTpm)
      next.firmware.tpm = desired.firmware.tpm;
    if (split_device_field(f, "networks", device, rest)) {
      apply_device_field(next.networks, desired.networks, device, rest, &copy_nic_member);
    }
    if (split_device_field(f, "disks", device, rest)) {
      apply_device_field(next.disks, desired.disks, device, rest, &copy_disk_member);
    }
  }
  return next;
}

}  // namespace hvo::agent
