#include "controllers/zone_spread.h"

namespace hvo::controllers {
namespace {

double share(std::int64_t used, std::int64_t total) {
  return total > 0 ? static_cast<double>(used) / static_cast<double>(total) : 1.0;
}

}  // namespace

ZoneSpread::ZoneSpread(const PlacementRequest& request, const std::vector<HostSnapshot>& hosts)
    : request_(request) {
  const bool zone_group = request.anti_affinity_topology == AntiAffinityTopology::kZone &&
                          !request.anti_affinity_group.empty();
  const bool spread = request.strategy == PlacementStrategy::kSpread;
  if (!zone_group && !spread)
    return;
  for (const auto& host : hosts) {
    if (host.zone.empty() || host.awaiting_first_report)
      continue;
    Zone& zone = zones_[host.zone];
    zone.namespace_vms += host.namespace_vms;
    zone.allocated += host.allocated;
    zone.allocatable += host.allocatable;
    if (zone_group && host.anti_affinity_groups.count(request.anti_affinity_group))
      zone.runs_group = true;
  }
}

std::optional<Unfit> ZoneSpread::unfit(const HostSnapshot& host) const {
  if (request_.anti_affinity_topology != AntiAffinityTopology::kZone || host.zone.empty())
    return std::nullopt;
  const auto found = zones_.find(host.zone);
  if (found == zones_.end() || !found->second.runs_group)
    return std::nullopt;
  const std::string rule =
      "anti-affinity group " + request_.anti_affinity_group + " (antiAffinityTopology Zone)";
  return Unfit{"is in a zone that already runs a VM of " + rule,
               "are in zones that already run a VM of " + rule};
}

double ZoneSpread::utilisation(const Zone& zone) const {
  return (share(zone.allocated.cpu, zone.allocatable.cpu) +
          share(zone.allocated.memory, zone.allocatable.memory)) /
         2.0;
}

std::optional<bool> ZoneSpread::better(const HostSnapshot& a, const HostSnapshot& b) const {
  if (request_.strategy != PlacementStrategy::kSpread || a.zone == b.zone)
    return std::nullopt;
  if (a.zone.empty() || b.zone.empty())
    return !a.zone.empty();  // zoned hosts first
  const Zone& za = zones_.at(a.zone);
  const Zone& zb = zones_.at(b.zone);
  if (za.namespace_vms != zb.namespace_vms)
    return za.namespace_vms < zb.namespace_vms;
  const double ua = utilisation(za);
  const double ub = utilisation(zb);
  if (ua != ub)
    return ua < ub;
  return std::nullopt;
}

}  // namespace hvo::controllers
