// The zone rules of placement (HyperVHost spec.zone), worked out once per placement from the
// host snapshots so that each host's verdict is a lookup:
//   - antiAffinityTopology Zone: no two VMs of a group in one zone;
//   - Spread: the zone with the fewest VMs of the VM's namespace first, then the zone with the
//     lower utilisation, then the host's own score.
// A host without a zone is handled the way Kubernetes' PodTopologySpread handles a node without
// the topology label: it takes no part in the zone counts and ranks after every zoned host that
// fits (kube-scheduler gives such nodes the lowest normalised score). For zone anti-affinity it
// is a zone of its own, which is the host rule that always holds.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "controllers/scheduler.h"

namespace hvo::controllers {

class ZoneSpread {
 public:
  // O(hosts): one pass over the snapshots. Hosts awaiting their first report count nowhere.
  ZoneSpread(const PlacementRequest& request, const std::vector<HostSnapshot>& hosts);

  // Set when the request keeps its group apart by zone and `host`'s zone already runs a member.
  std::optional<Unfit> unfit(const HostSnapshot& host) const;

  // Whether `a` is a better Spread choice than `b` by the zone rules alone; nullopt when they
  // tie there (same zone, both without one, or strategy BinPack) and the host score decides.
  std::optional<bool> better(const HostSnapshot& a, const HostSnapshot& b) const;

 private:
  struct Zone {
    std::int64_t namespace_vms = 0;
    ResourceAmounts allocated;
    ResourceAmounts allocatable;
    bool runs_group = false;
  };
  double utilisation(const Zone& zone) const;

  const PlacementRequest& request_;
  std::map<std::string, Zone> zones_;
};

}  // namespace hvo::controllers
