// The operations in flight on host agents, by VM uid, followed by one background poller so that
// no VM worker ever waits on an agent (issue 11). A worker whose ensure, power or remove came
// back 202 hands the operation to track() and returns; the poller asks GET /v1/operations/{id}
// soon, then less and less often, and when the answer is final it records the outcome and
// calls wake(vm_key) once, so the VM's next pass reads the outcome with find() or take().
//
// Final answers: the operation finished (Succeeded or Failed: kFinished, with the Operation);
// the agent no longer knows the id (404: it restarted; kForgotten, the VM's next ensure is
// idempotent and recovers); or the polls failed `max_poll_failures` times in a row
// (kUnreachable, with the last error). An entry stays until forget() or take() drops it or a
// newer track() of the same uid replaces it.
//
// Thread-safe. One poller thread; no lock is held across an agent call or the wake callback.
// A slow agent (a call that times out) delays the other hosts' polls by that call: the poller
// is for operations the agents already accepted, which answer GETs in milliseconds.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "controllers/agent_client.h"

namespace hvo::controllers {

struct AgentOperationsOptions {
  std::chrono::milliseconds first_poll{50};           // after track()
  std::chrono::milliseconds max_poll_interval{1000};  // the interval doubles up to this
  int max_poll_failures = 5;  // failed polls in a row (not 404) before kUnreachable
};

class AgentOperations {
 public:
  enum class State {
    kRunning,      // accepted by the agent, being polled
    kFinished,     // Succeeded or Failed: `operation` holds the agent's final answer
    kForgotten,    // the agent answered 404 for the id (restarted): `error` holds that answer
    kUnreachable,  // max_poll_failures polls failed in a row: `error` holds the last one
  };

  struct Entry {
    std::string vm_key;  // "namespace/name", what wake() is called with
    std::string uid;
    std::string host;
    std::string id;  // the agent's operation id
    agent::OperationKind kind = agent::OperationKind::kEnsure;
    State state = State::kRunning;
    agent::Operation operation;       // as tracked, then as last polled; final when kFinished
    std::optional<AgentError> error;  // the last failed poll: kForgotten, kUnreachable (or a
                                      // retried failure while kRunning)
    int polls = 0;                    // GETs answered or failed so far
  };

  using Wake = std::function<void(const std::string& vm_key)>;

  explicit AgentOperations(Wake wake, AgentOperationsOptions options = {});
  ~AgentOperations();  // stop()
  AgentOperations(const AgentOperations&) = delete;
  AgentOperations& operator=(const AgentOperations&) = delete;

  // Records an operation the agent answered 202 for; it replaces any entry of the same uid (the
  // agent runs one VM's work in order, so the newest operation is the one that matters). An
  // operation that is already finished is recorded as kFinished without polling or waking: the
  // caller has its outcome in hand. `client` is kept for the polls.
  void track(const std::string& vm_key, const std::string& uid, const std::string& host,
             std::shared_ptr<AgentClient> client, const agent::Operation& operation);

  // The entry of `uid`, as it is now; nullopt when none is tracked.
  std::optional<Entry> find(const std::string& uid) const;
  // Drops the entry of `uid` (the VM is gone, or its pass has used the outcome).
  void forget(const std::string& uid);
  // The entry of `uid` when it is final (not kRunning), dropping it; nullopt when none is
  // tracked or it is still running (then it stays).
  std::optional<Entry> take(const std::string& uid);
  // Entries tracked, final or not.
  std::size_t size() const;

  // Starts the poller thread (idempotent). Entries tracked before start() are polled then.
  void start();
  // Stops the poller promptly: it finishes the agent call in progress, if any, and polls no more.
  // Entries stay; start() resumes them. Idempotent.
  void stop();

 private:
  using Clock = std::chrono::steady_clock;

  struct Tracked {
    Entry entry;
    std::shared_ptr<AgentClient> client;
    uint64_t generation = 0;  // tells a poll's answer from a newer track() of the same uid
    Clock::time_point due = Clock::time_point::max();  // max: not in due_
    std::chrono::milliseconds interval{0};
    int failures = 0;  // in a row
  };

  void run();
  // Applies a poll's answer to `tracked`; true when the entry became final (wake its VM).
  bool apply_locked(Tracked& tracked, const AgentCallResult<agent::Operation>& answer);
  void schedule_locked(Tracked& tracked, Clock::time_point due);
  void unschedule_locked(const std::string& uid);

  const Wake wake_;
  const AgentOperationsOptions options_;

  mutable std::mutex mu_;
  std::condition_variable changed_;  // a new due time, or stop
  bool stopping_ = false;
  uint64_t next_generation_ = 1;
  std::map<std::string, Tracked> tracked_;                   // by uid
  std::set<std::pair<Clock::time_point, std::string>> due_;  // running entries, soonest first
  std::thread poller_;
  std::mutex lifecycle_mu_;  // serializes start() and stop()
};

const char* to_string(AgentOperations::State state);

}  // namespace hvo::controllers
