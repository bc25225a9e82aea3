// Runs the agent's mutating work (ensure, power, delete) as operations: work for one VM runs
// strictly one after another in submission order, work for different VMs runs in parallel on a
// fixed number of workers (the global driver concurrency limit), and a bounded queue turns
// overload into Busy instead of unbounded memory. Finished operations stay readable by id until
// `retention` newer ones have finished.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hostagent/protocol/agent_result.h"
#include "hostagent/protocol/operation.h"

namespace hvo::agent {

class OperationRunner {
 public:
  struct Limits {
    std::size_t workers = 4;
    std::size_t max_queued = 256;  // submitted but not yet running, over all VMs
    std::size_t retention = 1000;
  };
  // Fills the outcome of the operation: ensure_result or vm on success, error on failure.
  using Work = std::function<void(Operation& outcome)>;
  using NowFn = std::function<int64_t()>;  // wall-clock milliseconds for the timestamps

  explicit OperationRunner(Limits limits, NowFn now = nullptr);
  ~OperationRunner();  // finishes running work, fails queued work with Internal, joins
  OperationRunner(const OperationRunner&) = delete;
  OperationRunner& operator=(const OperationRunner&) = delete;

  // Queues work for `uid`; Busy when the queue is full.
  AgentResult<Operation> submit(OperationKind kind, const std::string& uid, Work work);
  // The operation as it is now; nullopt for an unknown (or expired) id.
  std::optional<Operation> get(const std::string& id) const;
  // Waits until the operation finished or `timeout` passed, and returns it as it is then.
  std::optional<Operation> wait(const std::string& id, std::chrono::milliseconds timeout) const;
  // Records how far a running operation got (0..100); ignored once it finished.
  void set_progress(const std::string& id, int64_t percent);
  // Operations queued or running.
  std::size_t in_flight() const;

 private:
  struct Task {
    std::string id;
    Work work;
  };

  void worker_loop();
  void finish_locked(const std::string& id, Operation outcome);

  const Limits limits_;
  const NowFn now_;
  const std::string id_prefix_;
  mutable std::mutex mu_;
  mutable std::condition_variable work_ready_;
  mutable std::condition_variable finished_;
  bool stopping_ = false;
  uint64_t next_id_ = 1;
  std::size_t queued_ = 0;
  std::size_t running_ = 0;
  std::map<std::string, std::deque<Task>> pending_;  // by uid, in submission order
  std::deque<std::string> ready_;                    // uids with pending work and none running
  std::set<std::string> active_;                     // uids in ready_ or running
  std::map<std::string, Operation> operations_;      // by id
  std::deque<std::string> finished_order_;           // ids, oldest first, for retention
  std::vector<std::thread> workers_;
};

}  // namespace hvo::agent
