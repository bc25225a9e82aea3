// The fencing token the operator sends with every agent call while it holds the leader Lease:
// the Lease's spec.leaseTransitions (its epoch: client-go's elector adds one on every change of
// holder) and the holder's identity. An agent keeps the highest epoch it has seen and refuses a
// call that changes the host when it carries a lower one (StaleLeaseEpoch, 409): a former leader
// that was frozen with a request in flight cannot change a host after its successor spoke to it.
// A request without the header is served as before (a single replica without leader election).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hvo::agent {

inline constexpr const char* kLeaseEpochHeader = "X-Hvo-Lease-Epoch";
inline constexpr const char* kLeaseHolderHeader = "X-Hvo-Lease-Holder";

struct LeaseEpoch {
  int64_t epoch = 0;
  std::string holder;
};

// The header's value: decimal digits only (at most 18, so no overflow), nothing else; nullopt
// for anything else (the agent answers InvalidSpec).
inline std::optional<int64_t> parse_lease_epoch(std::string_view text) {
  if (text.empty() || text.size() > 18)
    return std::nullopt;
  int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace hvo::agent
