#include "controllers/scheduler.h"

#include <algorithm>
#include <map>
#include <utility>

#include "controllers/zone_spread.h"

namespace hvo::controllers {
namespace {

Unfit unfit(std::string singular, std::string plural) {
  return Unfit{std::move(singular), std::move(plural)};
}

Unfit lacks(const std::string& what) {
  return unfit("lacks " + what, "lack " + what);
}

// The filters that depend only on the VM's spec and the host's name and labels.
std::optional<Unfit> static_unfit(const PlacementRequest& request, const HostSnapshot& host) {
  if (!request.pinned_host.empty() && host.name != request.pinned_host) {
    return unfit("is not the pinned host " + request.pinned_host,
                 "are not the pinned host " + request.pinned_host);
  }
  if (!request.host_selector.matches(host.labels)) {
    return unfit("does not match spec.placement.hostSelector",
                 "do not match spec.placement.hostSelector");
  }
  if (!request.tenant_host_selector.matches(host.labels)) {
    return unfit("is not allowed by the tenant's hostSelector",
                 "are not allowed by the tenant's hostSelector");
  }
  return std::nullopt;
}

// The first filter the host fails, if any.
std::optional<Unfit> first_unfit(const PlacementRequest& request, const HostSnapshot& host,
                                 const ZoneSpread& zones) {
  if (!host.ready)
    return unfit("is not Ready", "are not Ready");
  if (!host.reachable)
    return unfit("does not answer its polls", "do not answer their polls");
  if (host.unschedulable)
    return unfit("is unschedulable", "are unschedulable");
  if (host.maintenance)
    return unfit("is in maintenance", "are in maintenance");
  if (auto failed = static_unfit(request, host))
    return failed;
  for (const auto& capability : request.capabilities) {
    if (!host.capabilities.count(capability))
      return lacks("capability " + capability);
  }
  if (!request.image.empty() && !host.images.count(request.image)) {
    return lacks("image " + request.image);
  }
  for (const auto& name : request.switches) {
    if (!host.switches.count(name))
      return lacks("switch " + name);
  }
  if (auto zone_rule = zones.unfit(host))
    return zone_rule;
  if (!request.anti_affinity_group.empty() &&
      host.anti_affinity_groups.count(request.anti_affinity_group)) {
    return unfit("already runs a VM of anti-affinity group " + request.anti_affinity_group,
                 "already run a VM of anti-affinity group " + request.anti_affinity_group);
  }
  const ResourceAmounts& allocatable = host.allocatable;
  if (host.allocated.cpu + request.requested.cpu > allocatable.cpu) {
    return lacks(std::to_string(request.requested.cpu) + " free vCPUs");
  }
  if (host.allocated.memory + request.requested.memory > allocatable.memory) {
    return lacks(format_bytes(request.requested.memory) + " free memory");
  }
  if (host.allocated.storage + request.requested.storage > allocatable.storage) {
    return lacks(format_bytes(request.requested.storage) + " free storage");
  }
  if (host.quota_denial)
    return unfit("would exceed " + *host.quota_denial, "would exceed " + *host.quota_denial);
  return std::nullopt;
}

std::string awaiting_message(const std::vector<std::string>& hosts) {
  std::string names;
  for (const auto& host : hosts)
    names += (names.empty() ? "" : ", ") + host;
  return "waiting for " + names + (hosts.size() == 1 ? " to report its" : " to report their") +
         " capacity before placing";
}

double share(std::int64_t used, std::int64_t total) {
  return total > 0 ? static_cast<double>(used) / static_cast<double>(total) : 1.0;
}

// Mean of CPU and memory utilisation once the VM is placed: BinPack prefers it high, Spread low.
double score(const PlacementRequest& request, const HostSnapshot& host) {
  const double cpu = share(host.allocated.cpu + request.requested.cpu, host.allocatable.cpu);
  const double memory =
      share(host.allocated.memory + request.requested.memory, host.allocatable.memory);
  const double utilisation = (cpu + memory) / 2.0;
  return request.strategy == PlacementStrategy::kBinPack ? utilisation : 1.0 - utilisation;
}

const char* to_string(PlacementStrategy strategy) {
  return strategy == PlacementStrategy::kBinPack ? "BinPack" : "Spread";
}

// "0/3 hosts fit: 2 lack 8Gi free memory, 1 lacks image rocky-10": reasons by count, most first,
// then in filter order for equal counts.
std::string no_fit_message(const std::vector<HostVerdict>& verdicts) {
  struct Group {
    Unfit reason;
    int count = 0;
    std::size_t first_seen = 0;
  };
  std::map<std::string, Group> groups;
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    const Unfit& reason = *verdicts[i].unfit;
    auto [it, inserted] = groups.try_emplace(reason.singular, Group{reason, 0, i});
    it->second.count++;
  }
  std::vector<Group> ordered;
  for (auto& [key, group] : groups)
    ordered.push_back(group);
  std::stable_sort(ordered.begin(), ordered.end(), [](const Group& a, const Group& b) {
    return a.count != b.count ? a.count > b.count : a.first_seen < b.first_seen;
  });
  std::string message =
      "0/" + std::to_string(verdicts.size()) + (verdicts.size() == 1 ? " host fits" : " hosts fit");
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    message += i == 0 ? ": " : ", ";
    message += std::to_string(ordered[i].count) + " " +
               (ordered[i].count == 1 ? ordered[i].reason.singular : ordered[i].reason.plural);
  }
  return message;
}

}  // namespace

PlacementDecision schedule(const PlacementRequest& request,
                           const std::vector<HostSnapshot>& hosts) {
  PlacementDecision decision;
  if (hosts.empty()) {
    decision.message = "0/0 hosts fit: no HyperVHost is registered";
    return decision;
  }
  if (!request.pinned_host.empty()) {
    const bool known = std::any_of(hosts.begin(), hosts.end(), [&](const HostSnapshot& host) {
      return host.name == request.pinned_host;
    });
    if (!known) {
      decision.message = "pinned host " + request.pinned_host +
                         " (spec.placement.host) is not a registered HyperVHost";
      for (const auto& host : hosts) {
        decision.verdicts.push_back({host.name,
                                     unfit("is not the pinned host " + request.pinned_host,
                                           "are not the pinned host " + request.pinned_host),
                                     0});
      }
      return decision;
    }
  }

  const ZoneSpread zones(request, hosts);
  decision.verdicts.reserve(hosts.size());
  for (const auto& host : hosts) {
    if (host.awaiting_first_report) {
      auto failed = static_unfit(request, host);
      if (!failed) {
        decision.awaiting.push_back(host.name);
        failed = unfit("has not reported yet", "have not reported yet");
      }
      decision.verdicts.push_back({host.name, std::move(failed), 0});
      continue;
    }
    HostVerdict verdict{host.name, first_unfit(request, host, zones), 0};
    if (!verdict.unfit)
      verdict.score = score(request, host);
    decision.verdicts.push_back(std::move(verdict));
  }
  if (!decision.awaiting.empty()) {
    decision.message = awaiting_message(decision.awaiting);
    return decision;
  }
  // Verdicts are in host order, so index i is hosts[i].
  std::optional<std::size_t> best_index;
  const auto better = [&](std::size_t i, std::size_t b) {
    if (auto by_zone = zones.better(hosts[i], hosts[b]))
      return *by_zone;
    const HostVerdict& verdict = decision.verdicts[i];
    const HostVerdict& current = decision.verdicts[b];
    return verdict.score > current.score ||
           (verdict.score == current.score && verdict.host < current.host);
  };
  for (std::size_t i = 0; i < decision.verdicts.size(); ++i) {
    if (!decision.verdicts[i].unfit && (!best_index || better(i, *best_index)))
      best_index = i;
  }
  const HostVerdict* best = best_index ? &decision.verdicts[*best_index] : nullptr;
  if (!best) {
    decision.message = no_fit_message(decision.verdicts);
    return decision;
  }
  decision.host = best->host;
  const std::string& zone = hosts[*best_index].zone;
  decision.message = "placed on " + best->host + (zone.empty() ? "" : " in zone " + zone) + " (" +
                     to_string(request.strategy) + ")";
  return decision;
}

}  // namespace hvo::controllers
