#include "hostagent/protocol/vm_spec_validation.h"

#include <cctype>
#include <set>
#include <sstream>
#include <vector>

namespace hvo::agent {
namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// Collects problems as "field: what is wrong" so one response names all of them.
class Problems {
 public:
  void add(const std::string& field, const std::string& problem) {
    items_.push_back(field + " " + problem);
  }
  void check(bool ok, const std::string& field, const std::string& problem) {
    if (!ok)
      add(field, problem);
  }
  void check_range(int64_t value, int64_t low, int64_t high, const std::string& field) {
    check(value >= low && value <= high, field,
          "must be between " + std::to_string(low) + " and " + std::to_string(high) + " (got " +
              std::to_string(value) + ")");
  }
  void check_multiple(int64_t value, int64_t unit, const std::string& field) {
    check(value % unit == 0, field, "must be a multiple of " + std::to_string(unit) + " bytes");
  }
  bool empty() const { return items_.empty(); }
  std::string joined() const {
    std::ostringstream out;
    for (std::size_t i = 0; i < items_.size(); ++i)
      out << (i ? "; " : "") << items_[i];
    return out.str();
  }

 private:
  std::vector<std::string> items_;
};

bool is_secure_boot_template(const std::string& name) {
  return name == "MicrosoftWindows" || name == "MicrosoftUEFICertificateAuthority" ||
         name == "OpenSourceShieldedVM";
}

void check_identity(const VmSpec& spec, Problems& problems) {
  problems.check(is_valid_uid(spec.uid), "uid", "must be 1-64 characters of [A-Za-z0-9-]");
  problems.check(is_dns_subdomain(spec.name), "name", "must be an RFC 1123 subdomain");
  problems.check(is_dns_label(spec.namespace_), "namespace", "must be an RFC 1123 label");
  problems.check(spec.object_generation >= 0, "objectGeneration", "must not be negative");
  problems.check(spec.generation == 1 || spec.generation == 2, "generation", "must be 1 or 2");
}

void check_cpu(const CpuSpec& cpu, const SpecLimits& limits, Problems& problems) {
  problems.check_range(cpu.count, 1, limits.max_cpu_count, "cpu.count");
  problems.check_range(cpu.reserve_percent, 0, 100, "cpu.reservePercent");
  problems.check_range(cpu.limit_percent, 0, 100, "cpu.limitPercent");
  problems.check_range(cpu.weight, 1, 10000, "cpu.weight");
}

void check_memory_size(int64_t bytes, const SpecLimits& limits, const std::string& field,
                       Problems& problems) {
  problems.check_range(bytes, limits.min_memory_bytes, limits.max_memory_bytes, field);
  problems.check_multiple(bytes, limits.memory_alignment_bytes, field);
}

void check_memory(const MemorySpec& memory, const SpecLimits& limits, Problems& problems) {
  check_memory_size(memory.startup_bytes, limits, "memory.startupBytes", problems);
  if (!memory.dynamic)
    return;
  const auto& dynamic = *memory.dynamic;
  check_memory_size(dynamic.minimum_bytes, limits, "memory.dynamic.minimumBytes", problems);
  check_memory_size(dynamic.maximum_bytes, limits, "memory.dynamic.maximumBytes", problems);
  problems.check(dynamic.minimum_bytes <= memory.startup_bytes &&
                     memory.startup_bytes <= dynamic.maximum_bytes,
                 "memory.dynamic", "must satisfy minimumBytes <= startupBytes <= maximumBytes");
  problems.check_range(dynamic.buffer_percent, 5, 2000, "memory.dynamic.bufferPercent");
}

void check_firmware(const VmSpec& spec, Problems& problems) {
  const auto& firmware = spec.firmware;
  if (spec.generation == 1) {
    problems.check(!firmware.secure_boot, "firmware.secureBoot", "needs generation 2");
    problems.check(!firmware.tpm, "firmware.tpm", "needs generation 2");
  }
  problems.check(firmware.secure_boot_template.empty() ||
                     is_secure_boot_template(firmware.secure_boot_template),
                 "firmware.secureBootTemplate",
                 "must be MicrosoftWindows, MicrosoftUEFICertificateAuthority or "
                 "OpenSourceShieldedVM");
}

void check_disks(const VmSpec& spec, const SpecLimits& limits, Problems& problems) {
  problems.check(spec.image.empty() || is_valid_image_name(spec.image), "image",
                 "must be 1-128 characters of [A-Za-z0-9._-] starting with a letter or digit");
  problems.check(spec.disks.size() <= limits.max_disks, "disks",
                 "must have at most " + std::to_string(limits.max_disks) + " entries");
  std::set<std::string> names;
  int image_disks = 0;
  for (std::size_t i = 0; i < spec.disks.size(); ++i) {
    const auto& disk = spec.disks[i];
    const std::string field = "disks[" + std::to_string(i) + "]";
    problems.check(is_dns_label(disk.name), field + ".name", "must be an RFC 1123 label");
    problems.check(names.insert(disk.name).second, field + ".name", "is a duplicate");
    const bool keeps_image_size = disk.source == DiskSource::kImage && disk.size_bytes == 0;
    if (!keeps_image_size) {
      problems.check_range(disk.size_bytes, limits.min_disk_bytes, limits.max_disk_bytes,
                           field + ".sizeBytes");
      problems.check_multiple(disk.size_bytes, limits.disk_alignment_bytes, field + ".sizeBytes");
    }
    if (disk.source == DiskSource::kImage) {
      ++image_disks;
      problems.check(!spec.image.empty(), field + ".source", "is image but spec.image is empty");
    }
  }
  problems.check(image_disks <= 1, "disks", "may hold at most one disk with source image");
}

void check_networks(VmSpec& spec, const SpecLimits& limits, Problems& problems) {
  problems.check(spec.networks.size() <= limits.max_networks, "networks",
                 "must have at most " + std::to_string(limits.max_networks) + " entries");
  std::set<std::string> names;
  std::set<std::string> macs;
  for (std::size_t i = 0; i < spec.networks.size(); ++i) {
    auto& net = spec.networks[i];
    const std::string field = "networks[" + std::to_string(i) + "]";
    problems.check(is_dns_label(net.name), field + ".name", "must be an RFC 1123 label");
    problems.check(names.insert(net.name).second, field + ".name", "is a duplicate");
    problems.check(is_valid_switch_name(net.switch_name), field + ".switch",
                   "must be 1-128 printable characters without quotes or slashes");
    if (net.vlan_id)
      problems.check_range(*net.vlan_id, 1, 4094, field + ".vlanId");
    if (net.mac_address.empty())
      continue;
    const auto mac = normalize_mac(net.mac_address);
    if (!mac) {
      problems.add(field + ".macAddress", "must be a unicast MAC address like 00:15:5D:01:02:03");
      continue;
    }
    net.mac_address = *mac;
    problems.check(macs.insert(*mac).second, field + ".macAddress", "is a duplicate");
  }
}

void check_cloud_init(const VmSpec& spec, const SpecLimits& limits, Problems& problems) {
  if (!spec.cloud_init)
    return;
  const auto& ci = *spec.cloud_init;
  problems.check(ci.user_data.size() <= limits.max_user_data_bytes, "cloudInit.userData",
                 "must be at most " + std::to_string(limits.max_user_data_bytes) + " bytes");
  problems.check(ci.meta_data.size() <= limits.max_meta_data_bytes, "cloudInit.metaData",
                 "must be at most " + std::to_string(limits.max_meta_data_bytes) + " bytes");
  problems.check(ci.network_data.size() <= limits.max_network_data_bytes, "cloudInit.networkData",
                 "must be at most " + std::to_string(limits.max_network_data_bytes) + " bytes");
}

}  // namespace

bool is_valid_uid(std::string_view uid) {
  if (uid.empty() || uid.size() > 64)
    return false;
  for (char c : uid) {
    if (!is_alnum(c) && c != '-')
      return false;
  }
  return true;
}

bool is_dns_label(std::string_view text) {
  if (text.empty() || text.size() > 63)
    return false;
  if (!is_lower_alnum(text.front()) || !is_lower_alnum(text.back()))
    return false;
  for (char c : text) {
    if (!is_lower_alnum(c) && c != '-')
      return false;
  }
  return true;
}

bool is_dns_subdomain(std::string_view text) {
  if (text.empty() || text.size() > 253)
    return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = text.find('.', start);
    const auto label = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!is_dns_label(label))
      return false;
    if (dot == std::string_view::npos)
      return true;
    start = dot + 1;
  }
}

bool is_valid_image_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || !is_alnum(name.front()))
    return false;
  if (name.find("..") != std::string_view::npos)
    return false;
  for (char c : name) {
    if (!is_alnum(c) && c != '.' && c != '_' && c != '-')
      return false;
  }
  return true;
}

bool is_valid_switch_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == ' ' || name.back() == ' ') {
    return false;
  }
  for (char c : name) {
    const bool printable = c >= 0x20 && c < 0x7f;
    if (!printable || c == '"' || c == '\'' || c == '\\' || c == '/' || c == '`' || c == '$') {
      return false;
    }
  }
  return true;
}

std::optional<std::string> normalize_mac(std::string_view mac) {
  std::string hex;
  bool after_hex = false;
  for (char c : mac) {
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      hex.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      after_hex = true;
    } else if ((c == ':' || c == '-') && after_hex && hex.size() % 2 == 0) {
      after_hex = false;  // one separator between octets, never two in a row
    } else {
      return std::nullopt;
    }
  }
  if (hex.size() != 12)
    return std::nullopt;
  const int first_octet = std::stoi(hex.substr(0, 2), nullptr, 16);
  if (first_octet & 1)
    return std::nullopt;  // multicast bit
  return hex;
}

AgentResult<VmSpec> validate_vm_spec(VmSpec spec, const SpecLimits& limits) {
  Problems problems;
  check_identity(spec, problems);
  check_cpu(spec.cpu, limits, problems);
  check_memory(spec.memory, limits, problems);
  // Hyper-V cannot run a VM that exposes virtualization extensions with dynamic memory (the
  // nested hypervisor's memory cannot be ballooned); New-VM accepts it, Start-VM fails.
  problems.check(!(spec.cpu.expose_virtualization_extensions && spec.memory.dynamic),
                 "cpu.exposeVirtualizationExtensions",
                 "cannot be combined with memory.dynamic (nested virtualization needs static "
                 "memory)");
  check_firmware(spec, problems);
  check_disks(spec, limits, problems);
  check_networks(spec, limits, problems);
  check_cloud_init(spec, limits, problems);
  if (!problems.empty()) {
    return make_error(AgentErrorCode::kInvalidSpec, "VM spec is invalid: " + problems.joined());
  }
  return spec;
}

}  // namespace hvo::agent
