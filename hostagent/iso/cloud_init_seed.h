// The cloud-init NoCloud seed for a VM: an ISO labelled "cidata" holding user-data, meta-data
// and, when given, network-config. Both drivers attach it as the VM's DVD.
#pragma once

#include <ctime>
#include <string>

#include "common/status.h"
#include "hostagent/iso/iso9660_writer.h"
#include "hostagent/protocol/vm_spec.h"

namespace hvo::agent {

inline constexpr const char* kCloudInitVolumeId = "cidata";

// The meta-data cloud-init gets when the spec brings none: the VM's uid as instance-id (stable,
// so cloud-init runs once per VM) and its Kubernetes name as hostname.
std::string default_meta_data(const VmSpec& spec);

// The files of the seed for a spec that has cloudInit.
IsoImageSpec cloud_init_seed(const VmSpec& spec, std::time_t recorded_at);

// Builds the seed ISO and writes it atomically to `path`.
Status write_cloud_init_seed(const VmSpec& spec, const std::string& path, std::time_t recorded_at);

}  // namespace hvo::agent
