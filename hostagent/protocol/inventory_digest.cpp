#include "hostagent/protocol/inventory_digest.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace hvo::agent {
namespace {

class Fnv1a {
 public:
  // Each field ends with a NUL, so ("ab","c") and ("a","bc") hash apart.
  void add(const std::string& field) {
    for (const char c : field)
      mix(static_cast<unsigned char>(c));
    mix(0);
  }
  std::string hex() const {
    char text[17];
    std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(hash_));
    return text;
  }

 private:
  void mix(unsigned char byte) {
    hash_ ^= byte;
    hash_ *= 0x100000001b3ULL;
  }
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace

std::string inventory_digest(const Inventory& inventory) {
  std::vector<const VmStatus*> vms;
  vms.reserve(inventory.vms.size());
  for (const auto& vm : inventory.vms)
    vms.push_back(&vm);
  std::sort(vms.begin(), vms.end(),
            [](const VmStatus* a, const VmStatus* b) { return a->uid < b->uid; });
  Fnv1a hash;
  for (const VmStatus* vm : vms) {
    hash.add(vm->uid);
    hash.add(vm->vm_id);
    hash.add(to_string(vm->state));
    hash.add(vm->raw_state);
    for (const auto& address : vm->ip_addresses)
      hash.add(address);
    hash.add("\x1e");  // end of this VM's addresses
  }
  return hash.hex();
}

}  // namespace hvo::agent
