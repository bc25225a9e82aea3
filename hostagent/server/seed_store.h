// Where the cloud-init seed ISOs live: one file per VM and content, named
// "<uid>-<content hash>.iso". A changed seed gets a new name instead of overwriting the old one,
// which Hyper-V may hold open while it is attached as the VM's DVD.
#pragma once

#include <string>

#include "common/status.h"
#include "hostagent/protocol/vm_spec.h"

namespace hvo::agent {

class SeedStore {
 public:
  explicit SeedStore(std::string dir) : dir_(std::move(dir)) {}

  // Writes the seed for `spec` unless the same content is already there and returns its path;
  // "" when the spec has no cloudInit.
  Result<std::string> write(const VmSpec& spec) const;
  // Deletes the VM's seeds except `keep_path` ("" deletes all). Best effort: a file still held
  // open is left for the next call.
  void remove_except(const std::string& uid, const std::string& keep_path) const;

 private:
  std::string dir_;
};

}  // namespace hvo::agent
