// Placement's view of the hosts, kept between placements. Every placement weighs every host, so
// what a host's object says (labels, capabilities, images, switches, allocatable) is converted
// once per version of the object and only the parts that move with each VM (what the ledger
// says is allocated there, anti-affinity, quota) are filled in per placement: with 200 hosts,
// rebuilding the snapshots from scratch was a fifth of the operator's CPU in a 10,000-VM rollout.
#pragma once

#include <memory>
#include <vector>

#include "api/v1alpha1/hyperv_host_types.h"
#include "controllers/scheduler.h"

namespace hvo::controllers {

class HostSnapshots {
 public:
  using HostPtr = std::shared_ptr<const api::HyperVHost>;

  // One snapshot per host of `hosts` (same order), with the host's own facts up to date and the
  // per-placement fields (allocated, anti_affinity_groups, awaiting_first_report,
  // quota_denial) left as the previous caller set them: the caller sets them all. Not
  // thread-safe: the reconciler calls it under its placement lock, and the reference is valid
  // until the next call.
  std::vector<HostSnapshot>& update(const std::vector<HostPtr>& hosts);

  // Snapshots rebuilt from a host object since construction (tests prove the reuse).
  std::size_t rebuilt() const { return rebuilt_; }

 private:
  std::vector<HostPtr> sources_;  // what snapshots_[i] was built from
  std::vector<HostSnapshot> snapshots_;
  std::size_t rebuilt_ = 0;
};

}  // namespace hvo::controllers
