// A short fingerprint of what a host's inventory says about its managed VMs' identity, power
// state and addresses, and the applied-spec hash, configuration drift and pending fields: what
// the operator's drift check compares (a VM gone, stopped, readdressed or edited behind its back).
// GET /v1/host carries it, so a host poll fetches and parses the inventory only when it changed;
// uptime, assigned memory and the other fields that move on every read are left out on purpose, or
// it would change on every poll.
#pragma once

#include <string>

#include "hostagent/protocol/vm_status.h"

namespace hvo::agent {

// 16 hex digits of a 64-bit FNV-1a hash over the managed VMs sorted by uid; the same for the
// same VMs in any order. A collision would only delay a drift report until the next change.
std::string inventory_digest(const Inventory& inventory);

}  // namespace hvo::agent
