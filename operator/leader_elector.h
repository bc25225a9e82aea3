// Leader election on a coordination.k8s.io/v1 Lease with client-go's algorithm:
// - a candidate GETs the Lease (creating it when missing) and remembers, on its LOCAL clock, when
//   it last saw the record change; while another holder's record changed less than
//   lease_duration ago, it waits (clocks of different machines are never compared);
// - otherwise it writes itself as holder with the resourceVersion it read, so of two candidates
//   only one succeeds (the other gets 409); taking over bumps leaseTransitions and acquireTime,
//   renewing keeps them;
// - the leader renews every retry_period; when it has not renewed for renew_deadline it stops
//   leading at once (on_stopped_leading) and goes back to being a candidate;
// - stop() while leading calls on_stopped_leading first (so reconciling has stopped) and then
//   releases the Lease (empty holder, 1 s duration) so a successor takes over without waiting.
//   A stop asked for while campaigning is honoured before each attempt, and a Lease won by an
//   attempt that was already on the wire when the stop came is released without leading: a
//   stopping process never starts reconciling, not even for a few milliseconds.
// leader_election_master_status{name} is 1 while this process leads.
#pragma once

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/metrics/registry.h"
#include "operator/backoff.h"
#include "operator/clock.h"
#include "operator/rest_client.h"

namespace hvo::kube {

struct LeaderElectionOptions {
  std::string lease_namespace;
  std::string lease_name;
  std::string identity;  // unique per process: pod name + random suffix
  Duration lease_duration = std::chrono::seconds(15);
  Duration renew_deadline = std::chrono::seconds(10);
  Duration retry_period = std::chrono::seconds(2);
  bool release_on_stop = true;
  std::function<void()> on_started_leading;
  std::function<void()> on_stopped_leading;
  std::function<void(const std::string& identity)> on_new_leader;
  RandomSource random = default_random();
};

// The Lease resource.
extern const GroupVersionResource kLeaseResource;

class LeaderElector {
 public:
  LeaderElector(RestClient& client, LeaderElectionOptions options, metrics::Registry& registry,
                const Clock& clock = real_clock());
  ~LeaderElector();
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Checks the options (renew_deadline < lease_duration, retry_period < renew_deadline, names
  // set); starts campaigning on a thread of its own.
  Status start();
  // Stops campaigning or leading (see above) and waits for the elector's thread. Idempotent.
  void stop();
  // The same without waiting: safe from the elector's own callbacks (on_stopped_leading), so a
  // process that exits after losing its lease does not campaign again meanwhile.
  void request_stop();

  bool is_leader() const;
  // True while this process leads and its last successful acquire or renew began less than
  // renew_deadline ago on the local monotonic clock. A leader that was frozen (a paused VM or
  // process) can run for a while before its elector thread notices the lost Lease, and another
  // replica may hold it by then: every write and agent call asks this first (the write fence).
  bool holds_lease() const;
  // The term this process last led under, the fencing token of its agent calls: the Lease's
  // leaseTransitions as this process last acquired or renewed it, and its identity. client-go's
  // rule (kept here) adds one to leaseTransitions whenever the holder changes (including after a
  // release), so every later leader's term is higher. Kept after this process stops leading, so
  // a request it still sends late carries its old term and is refused where a later one was
  // seen; nullopt only before it first led.
  struct Term {
    int64_t transitions = 0;
    std::string holder;
  };
  std::optional<Term> last_term() const;
  // The holder last observed in the Lease ("" when none).
  std::string observed_leader() const;

  // One attempt to acquire or renew; true when this process holds the Lease afterwards.
  bool try_acquire_or_renew();

 private:
  void run();
  void lead();
  void release();
  bool pause(Duration delay);
  bool stop_requested() const;
  nlohmann::json record_for(const std::string& holder, int64_t transitions,
                            const std::string& acquire_time, int duration_seconds) const;
  std::string now_micro() const;

  RestClient& client_;
  LeaderElectionOptions options_;
  const Clock& clock_;
  metrics::Gauge& master_status_;

  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stop_requested_ = false;
  bool leading_ = false;
  nlohmann::json observed_spec_;  // the Lease spec as last read or written
  SteadyTime observed_time_{};    // local time when observed_spec_ last changed
  SteadyTime renewed_at_{};       // when the last successful acquire or renew began
  std::string observed_resource_version_;
  std::optional<Term> last_term_;
  std::thread thread_;
};

}  // namespace hvo::kube
