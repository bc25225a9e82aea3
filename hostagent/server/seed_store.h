// Where the cloud-init seed ISOs live: one file per VM and generation, "<uid>-<generation>.iso".
// The name says whose seed it is and nothing about what it holds (a content hash in the name
// would let anyone who can list the folder confirm a guess of a VM's user data). A changed seed
// gets the next generation instead of overwriting the current file, which Hyper-V may hold open
// while it is attached as the VM's DVD; an unchanged seed keeps its name, so ensuring the same
// spec again changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "hostagent/protocol/vm_spec.h"

namespace hvo::agent {

class SeedStore {
 public:
  explicit SeedStore(std::string dir) : dir_(std::move(dir)) {}

  // Writes the seed for `spec` unless the VM's current seed already holds the same bytes, and
  // returns the current seed's path; "" when the spec has no cloudInit.
  Result<std::string> write(const VmSpec& spec) const;
  // Deletes the VM's seeds except `keep_path` ("" deletes all), including leftovers of an
  // interrupted write and seeds named by an earlier version (<uid>-<16 hex digits>.iso).
  // Best effort: a file still held open is left for the next call.
  void remove_except(const std::string& uid, const std::string& keep_path) const;

 private:
  struct Current {
    uint64_t generation;
    std::string path;
  };
  // The VM's seed with the highest generation, if any.
  std::optional<Current> current(const std::string& uid) const;

  std::string dir_;
};

}  // namespace hvo::agent
