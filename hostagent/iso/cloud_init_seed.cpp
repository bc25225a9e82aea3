#include "hostagent/iso/cloud_init_seed.h"

#include "hostagent/util/atomic_file.h"

namespace hvo::agent {

std::string default_meta_data(const VmSpec& spec) {
  return "instance-id: " + spec.uid + "\nlocal-hostname: " + spec.name + "\n";
}

IsoImageSpec cloud_init_seed(const VmSpec& spec, std::time_t recorded_at) {
  IsoImageSpec iso;
  iso.volume_id = kCloudInitVolumeId;
  iso.recorded_at = recorded_at;
  const CloudInitSpec ci = spec.cloud_init.value_or(CloudInitSpec{});
  iso.files.push_back({"meta-data", ci.meta_data.empty() ? default_meta_data(spec) : ci.meta_data});
  // NoCloud needs a user-data file even when it is empty.
  iso.files.push_back({"user-data", ci.user_data});
  if (!ci.network_data.empty())
    iso.files.push_back({"network-config", ci.network_data});
  return iso;
}

Status write_cloud_init_seed(const VmSpec& spec, const std::string& path, std::time_t recorded_at) {
  auto image = build_iso9660(cloud_init_seed(spec, recorded_at));
  if (!image.ok())
    return image.error().with_context("cloud-init seed for vm " + spec.uid);
  return write_file_atomically(path, image.value());
}

}  // namespace hvo::agent
