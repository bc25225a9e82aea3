#include "controllers/host_status.h"

#include <algorithm>
#include <cmath>

#include "controllers/api_conversions.h"
#include "controllers/conditions.h"

namespace hvo::controllers {
namespace {

namespace type = condition_type;

std::int64_t scaled(std::int64_t amount, double ratio) {
  return static_cast<std::int64_t>(std::floor(static_cast<double>(amount) * ratio));
}

// What the agent reported, copied into the status.
void record_observation(const agent::HostInfo& info, const api::HyperVHostSpec& spec,
                        api::HyperVHostStatus& status) {
  status.agent_version = info.agent_version;
  status.os = info.os;
  status.capacity = to_api(
      ResourceAmounts{info.capacity.cpu, info.capacity.memory_bytes, info.capacity.storage_bytes});
  status.allocatable = to_api(host_allocatable(info.capacity, spec));
  status.capabilities = info.capabilities;
  std::sort(status.capabilities.begin(), status.capabilities.end());
  status.switches.clear();
  for (const auto& virtual_switch : info.switches)
    status.switches.push_back({virtual_switch.name, api::parse_switch_type(virtual_switch.type)});
  status.images.clear();
  for (const auto& image : info.images) {
    status.images.push_back(
        {image.name, k8s::Quantity::from_int(image.size_bytes, k8s::Quantity::Format::kBinarySI)});
  }
  status.vm_count = info.vm_count;
  status.unmanaged_vm_count = info.unmanaged_vm_count;
}

// lastHeartbeatTime moves only when write_interval has passed since the recorded one
// (restart_refresh_age() on the first poll since the operator started).
void record_heartbeat(const k8s::Time& now, std::chrono::seconds refresh_age,
                      api::HyperVHostStatus& status) {
  if (!status.last_heartbeat_time ||
      now.time_point() - status.last_heartbeat_time->time_point() >= refresh_age)
    status.last_heartbeat_time = now;
}

bool differs(const api::HyperVHostStatus& a, const api::HyperVHostStatus& b) {
  k8s::Json left;
  k8s::Json right;
  api::encode(left, a);
  api::encode(right, b);
  return left != right;
}

api::HostSummary summary(const ResourceAmounts& allocated,
                         const std::optional<api::ResourceAmounts>& allocatable) {
  const ResourceAmounts limit = allocatable ? to_amounts(*allocatable) : ResourceAmounts{};
  return api::HostSummary{std::to_string(allocated.cpu) + "/" + std::to_string(limit.cpu),
                          format_bytes(allocated.memory) + "/" + format_bytes(limit.memory)};
}

std::string seconds_text(std::chrono::seconds seconds) {
  return std::to_string(seconds.count()) + "s";
}

}  // namespace

std::chrono::seconds restart_refresh_age(const HeartbeatSettings& settings) {
  return std::max(settings.write_interval, settings.timeout * 3 / 4);
}

ResourceAmounts host_allocatable(const agent::HostResources& capacity,
                                 const api::HyperVHostSpec& spec) {
  std::int64_t reserved_cpu = 0;
  std::int64_t reserved_memory = 0;
  if (spec.reserved) {
    reserved_cpu = spec.reserved->cpu.value_or(0);
    reserved_memory = spec.reserved->memory ? spec.reserved->memory->value() : 0;
  }
  ResourceAmounts allocatable;
  allocatable.cpu =
      scaled(std::max<std::int64_t>(0, capacity.cpu - reserved_cpu), spec.overcommit.cpu_ratio);
  allocatable.memory = scaled(std::max<std::int64_t>(0, capacity.memory_bytes - reserved_memory),
                              spec.overcommit.memory_ratio);
  allocatable.storage = capacity.storage_bytes;
  return allocatable;
}

HostStatusUpdate next_host_status(const api::HyperVHost& host, const HostPoll& poll,
                                  const HeartbeatSettings& settings) {
  const std::int64_t generation = host.metadata.generation;
  HostStatusUpdate update;
  api::HyperVHostStatus& status = update.status;
  status = host.status;
  status.observed_generation = generation;
  status.allocated = to_api(poll.allocated);

  std::vector<k8s::Condition> conditions;
  if (poll.info) {
    record_observation(*poll.info, host.spec, status);
    record_heartbeat(
        poll.now, poll.first_since_start ? restart_refresh_age(settings) : settings.write_interval,
        status);
    conditions.push_back(make_condition(type::kReachable, true, "AgentResponding",
                                        "The agent at " + host.spec.address + " answers.",
                                        generation));
    conditions.push_back(
        make_condition(type::kReady, true, "HostReady", "The host takes VMs.", generation));
    update.ready = true;
  } else {
    conditions.push_back(make_condition(type::kReachable, false, poll.failure_reason,
                                        poll.failure_message, generation));
    const bool within_timeout =
        poll.last_contact &&
        poll.now.time_point() - poll.last_contact->time_point() < settings.timeout;
    const bool was_ready = k8s::is_true(host.status.conditions, type::kReady);
    if (within_timeout && was_ready) {
      update.ready = true;  // a missed poll or two is not an outage
    } else if (poll.last_contact && !within_timeout) {
      conditions.push_back(make_condition(type::kReady, false, "HeartbeatTimeout",
                                          "No answer from the agent for more than " +
                                              seconds_text(settings.timeout) + ": " +
                                              poll.failure_message,
                                          generation));
    } else {
      conditions.push_back(make_condition(type::kReady, false, poll.failure_reason,
                                          poll.failure_message, generation));
    }
  }
  status.summary = summary(poll.allocated, status.allocatable);
  apply_conditions(status.conditions, conditions, poll.now);

  update.changed = differs(host.status, status);
  // Written anyway: the heartbeat rides along as it would without the restart.
  if (update.changed && poll.info && poll.first_since_start)
    record_heartbeat(poll.now, settings.write_interval, status);
  return update;
}

}  // namespace hvo::controllers
