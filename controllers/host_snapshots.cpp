#include "controllers/host_snapshots.h"

#include "controllers/api_conversions.h"

namespace hvo::controllers {

std::vector<HostSnapshot>& HostSnapshots::update(const std::vector<HostPtr>& hosts) {
  // Hosts come sorted by name and are seldom added or removed, so comparing position by
  // position finds the changed ones; an addition only rebuilds the hosts after it.
  sources_.resize(hosts.size());
  snapshots_.resize(hosts.size());
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    if (sources_[i] == hosts[i])
      continue;  // DecodedHosts hands out the same object until the host changes
    snapshots_[i] = host_snapshot(*hosts[i], {}, {});
    sources_[i] = hosts[i];
    ++rebuilt_;
  }
  return snapshots_;
}

}  // namespace hvo::controllers
