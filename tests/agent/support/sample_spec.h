// A valid desired VM for tests to start from and change one field at a time.
#pragma once

#include <string>

#include "hostagent/protocol/vm_spec.h"
#include "hostagent/protocol/vm_spec_validation.h"

namespace hvo::agent::testing {

inline VmSpec sample_spec(const std::string& uid = "0f1e2d3c-4b5a-6978-8a9b-acbdcedf0011",
                          const std::string& name = "web-1") {
  VmSpec spec;
  spec.uid = uid;
  spec.name = name;
  spec.namespace_ = "team-a";
  spec.object_generation = 3;
  spec.generation = 2;
  spec.cpu.count = 2;
  spec.memory.startup_bytes = 2 * kGiB;
  spec.firmware.secure_boot = true;
  spec.firmware.secure_boot_template = "MicrosoftUEFICertificateAuthority";
  spec.image = "ubuntu-24.04";
  spec.disks = {{"os", 0, DiskSource::kImage}, {"data", 10 * kGiB, DiskSource::kBlank}};
  spec.networks = {{"nic0", "lan", 40, ""}};
  spec.cloud_init = CloudInitSpec{"#cloud-config\nhostname: web-1\n", "", ""};
  spec.power = PowerIntent::kRunning;
  return spec;
}

}  // namespace hvo::agent::testing
