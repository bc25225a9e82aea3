#include "operator/leader_elector.h"

#include <spdlog/spdlog.h>

#include "api/k8s/time.h"

namespace hvo::kube {

using nlohmann::json;

const GroupVersionResource kLeaseResource{"coordination.k8s.io", "v1", "leases", true};

namespace {

int whole_seconds(Duration duration) {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(duration).count());
}

std::string string_at(const json& spec, const char* field) {
  auto it = spec.find(field);
  return it != spec.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t integer_at(const json& spec, const char* field) {
  auto it = spec.find(field);
  return it != spec.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

}  // namespace

LeaderElector::LeaderElector(RestClient& client, LeaderElectionOptions options,
                             metrics::Registry& registry, const Clock& clock)
    : client_(client),
      options_(std::move(options)),
      clock_(clock),
      master_status_(registry
                         .gauge("leader_election_master_status",
                                "Gauge of if the reporting system is master of the relevant "
                                "lease, 0 indicates backup, 1 indicates master. 'name' is the "
                                "string used to identify the lease.",
                                {"name"})
                         .with({options_.lease_name})) {}

LeaderElector::~LeaderElector() {
  stop();
}

Status LeaderElector::start() {
  const std::string where =
      "leader election lease " + options_.lease_namespace + "/" + options_.lease_name;
  if (options_.lease_namespace.empty() || options_.lease_name.empty() ||
      options_.identity.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 where + ": namespace, name and identity are required");
  }
  if (options_.renew_deadline >= options_.lease_duration) {
    return Error(ErrorCode::kInvalidArgument,
                 where + ": renew deadline must be shorter than the lease duration");
  }
  if (options_.retry_period >= options_.renew_deadline) {
    return Error(ErrorCode::kInvalidArgument,
                 where + ": retry period must be shorter than the renew deadline");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!thread_.joinable() && !stop_requested_)
    thread_ = std::thread([this] { run(); });
  return OkStatus();
}

void LeaderElector::stop() {
  request_stop();
  if (thread_.joinable())
    thread_.join();
}

void LeaderElector::request_stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stop_requested_ = true;
  stop_cv_.notify_all();
}

bool LeaderElector::stop_requested() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stop_requested_;
}

bool LeaderElector::is_leader() const {
  std::lock_guard<std::mutex> lock(mu_);
  return leading_;
}

bool LeaderElector::holds_lease() const {
  std::lock_guard<std::mutex> lock(mu_);
  return leading_ && clock_.now() - renewed_at_ < options_.renew_deadline;
}

std::optional<LeaderElector::Term> LeaderElector::last_term() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_term_;
}

std::string LeaderElector::observed_leader() const {
  std::lock_guard<std::mutex> lock(mu_);
  return string_at(observed_spec_, "holderIdentity");
}

bool LeaderElector::pause(Duration delay) {
  std::unique_lock<std::mutex> lock(mu_);
  return !sleep_until_or(clock_, stop_cv_, lock, clock_.now() + delay,
                         [this] { return stop_requested_; });
}

std::string LeaderElector::now_micro() const {
  return k8s::format_rfc3339_micro(
      std::chrono::time_point_cast<std::chrono::nanoseconds>(clock_.wall_now()));
}

json LeaderElector::record_for(const std::string& holder, int64_t transitions,
                               const std::string& acquire_time, int duration_seconds) const {
  return {{"holderIdentity", holder},
          {"leaseDurationSeconds", duration_seconds},
          {"acquireTime", acquire_time},
          {"renewTime", now_micro()},
          {"leaseTransitions", transitions}};
}

bool LeaderElector::try_acquire_or_renew() {
  const SteadyTime now = clock_.now();
  Result<json> lease = client_.get(kLeaseResource, options_.lease_namespace, options_.lease_name);
  if (!lease.ok() && lease.error().code() == ErrorCode::kNotFound) {
    const json spec =
        record_for(options_.identity, 0, now_micro(), whole_seconds(options_.lease_duration));
    const json object = {
        {"apiVersion", "coordination.k8s.io/v1"},
        {"kind", "Lease"},
        {"metadata", {{"name", options_.lease_name}, {"namespace", options_.lease_namespace}}},
        {"spec", spec}};
    Result<json> created = client_.create(kLeaseResource, options_.lease_namespace, object);
    if (!created.ok()) {
      spdlog::info("leader_lease_create_failed lease={}/{} error=\"{}\"", options_.lease_namespace,
                   options_.lease_name, created.error().message());
      return false;
    }
    std::lock_guard<std::mutex> lock(mu_);
    observed_spec_ = spec;
    observed_time_ = now;
    renewed_at_ = now;
    observed_resource_version_ = resource_version_of(*created);
    last_term_ = Term{0, options_.identity};
    return true;
  }
  if (!lease.ok()) {
    spdlog::warn("leader_lease_read_failed lease={}/{} error=\"{}\"", options_.lease_namespace,
                 options_.lease_name, lease.error().message());
    return false;
  }

  const json current = lease->value("spec", json::object());
  const std::string holder = string_at(current, "holderIdentity");
  std::string previous_holder;
  {
    std::lock_guard<std::mutex> lock(mu_);
    previous_holder = string_at(observed_spec_, "holderIdentity");
    if (current != observed_spec_) {
      observed_spec_ = current;
      observed_time_ = now;
    }
    observed_resource_version_ = resource_version_of(*lease);
    // Another holder whose record still moves (or moved recently) on our clock keeps the lease.
    if (!holder.empty() && holder != options_.identity &&
        observed_time_ + options_.lease_duration > now) {
      if (holder != previous_holder && options_.on_new_leader)
        options_.on_new_leader(holder);
      return false;
    }
  }

  const bool renewing = holder == options_.identity;
  const json spec =
      renewing
          ? record_for(options_.identity, integer_at(current, "leaseTransitions"),
                       string_at(current, "acquireTime"), whole_seconds(options_.lease_duration))
          : record_for(options_.identity, integer_at(current, "leaseTransitions") + 1, now_micro(),
                       whole_seconds(options_.lease_duration));
  json updated = *lease;
  updated["spec"] = spec;
  Result<json> written = client_.update(kLeaseResource, updated);
  if (!written.ok()) {
    spdlog::info("leader_lease_update_failed lease={}/{} code={} error=\"{}\"",
                 options_.lease_namespace, options_.lease_name, to_string(written.error().code()),
                 written.error().message());
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  observed_spec_ = spec;
  observed_time_ = now;
  renewed_at_ = now;
  observed_resource_version_ = resource_version_of(*written);
  last_term_ = Term{integer_at(spec, "leaseTransitions"), options_.identity};
  if (!renewing && options_.on_new_leader)
    options_.on_new_leader(options_.identity);
  return true;
}

void LeaderElector::run() {
  while (true) {
    // Campaign: retry_period stretched by up to 20 %, like client-go's JitterUntil(…, 1.2).
    // A stop is looked for before every attempt, the first one included.
    while (true) {
      if (stop_requested())
        return;
      if (try_acquire_or_renew())
        break;
      const Duration wait = Duration(static_cast<Duration::rep>(
          static_cast<double>(options_.retry_period.count()) * (1.0 + 0.2 * options_.random())));
      if (!pause(wait))
        return;
    }
    if (stop_requested()) {
      // Won by an attempt that was under way when the stop came: give it back unused.
      spdlog::info("leader_acquired_while_stopping lease={}/{} identity={}",
                   options_.lease_namespace, options_.lease_name, options_.identity);
      if (options_.release_on_stop)
        release();
      return;
    }
    lead();
    if (stop_requested())
      return;
  }
}

void LeaderElector::lead() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    leading_ = true;
  }
  master_status_.set(1);
  spdlog::info("leader_elected lease={}/{} identity={}", options_.lease_namespace,
               options_.lease_name, options_.identity);
  if (options_.on_started_leading)
    options_.on_started_leading();

  SteadyTime last_renew = clock_.now();
  bool stopping = false;
  while (true) {
    if (!pause(options_.retry_period)) {
      stopping = true;
      break;
    }
    if (try_acquire_or_renew()) {
      last_renew = clock_.now();
      continue;
    }
    if (clock_.now() - last_renew >= options_.renew_deadline)
      break;
  }

  {
    std::lock_guard<std::mutex> lock(mu_);
    leading_ = false;
  }
  master_status_.set(0);
  spdlog::info("leader_lost lease={}/{} identity={} reason={}", options_.lease_namespace,
               options_.lease_name, options_.identity,
               stopping ? "shutdown" : "renew_deadline_exceeded");
  // Stop reconciling before anyone else can take over.
  if (options_.on_stopped_leading)
    options_.on_stopped_leading();
  if (stopping && options_.release_on_stop)
    release();
}

void LeaderElector::release() {
  Result<json> lease = client_.get(kLeaseResource, options_.lease_namespace, options_.lease_name);
  if (!lease.ok())
    return;
  const json current = lease->value("spec", json::object());
  if (string_at(current, "holderIdentity") != options_.identity)
    return;
  json released = *lease;
  released["spec"] = record_for("", integer_at(current, "leaseTransitions"), now_micro(), 1);
  Result<json> written = client_.update(kLeaseResource, released);
  if (!written.ok()) {
    spdlog::warn("leader_release_failed lease={}/{} error=\"{}\"", options_.lease_namespace,
                 options_.lease_name, written.error().message());
    return;
  }
  spdlog::info("leader_released lease={}/{} identity={}", options_.lease_namespace,
               options_.lease_name, options_.identity);
}

}  // namespace hvo::kube
