#include "hostagent/server/operation_runner.h"

#include <algorithm>
#include <random>

#include "hostagent/util/wall_clock.h"

namespace hvo::agent {
namespace {

// A per-process prefix keeps ids from two agent runs apart (a client polling an id from before a
// restart gets NotFound, never another operation).
std::string random_prefix() {
  std::random_device device;
  static const char kHex[] = "0123456789abcdef";
  std::string prefix;
  for (int i = 0; i < 8; ++i)
    prefix.push_back(kHex[device() % 16]);
  return prefix;
}

}  // namespace

OperationRunner::OperationRunner(Limits limits, NowFn now)
    : limits_(limits), now_(now ? std::move(now) : wall_clock_ms), id_prefix_(random_prefix()) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, limits_.workers); ++i) {
    workers_.emplace_back([this] { worker_loop(); });
  }
}

OperationRunner::~OperationRunner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (auto& [uid, tasks] : pending_) {
      for (auto& task : tasks) {
        Operation outcome;
        outcome.error = make_error(AgentErrorCode::kInternal, "agent stopped before running it");
        finish_locked(task.id, std::move(outcome));
      }
    }
    pending_.clear();
    ready_.clear();
  }
  work_ready_.notify_all();
  for (auto& worker : workers_)
    worker.join();
}

AgentResult<Operation> OperationRunner::submit(OperationKind kind, const std::string& uid,
                                               Work work) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_)
    return make_error(AgentErrorCode::kBusy, "agent is stopping");
  if (queued_ >= limits_.max_queued) {
    return make_error(AgentErrorCode::kBusy,
                      "agent has " + std::to_string(queued_) + " operations queued; retry later");
  }
  Operation op;
  op.id = id_prefix_ + "-" + std::to_string(next_id_++);
  op.kind = kind;
  op.uid = uid;
  op.state = OperationState::kPending;
  op.created_at_unix_ms = now_();
  operations_[op.id] = op;
  pending_[uid].push_back(Task{op.id, std::move(work)});
  ++queued_;
  // A VM already waiting or running picks the new task up after its current one.
  if (active_.insert(uid).second) {
    ready_.push_back(uid);
    work_ready_.notify_one();
  }
  return op;
}

void OperationRunner::set_progress(const std::string& id, int64_t percent) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = operations_.find(id);
  if (found == operations_.end() || found->second.finished())
    return;
  found->second.progress_percent = std::clamp<int64_t>(percent, 0, 100);
}

void OperationRunner::worker_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_ready_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
    if (stopping_)
      return;
    const std::string uid = ready_.front();
    ready_.pop_front();
    auto& tasks = pending_[uid];
    Task task = std::move(tasks.front());
    tasks.pop_front();
    --queued_;
    ++running_;
    operations_[task.id].state = OperationState::kRunning;
    Operation outcome = operations_[task.id];

    lock.unlock();
    task.work(outcome);
    lock.lock();

    --running_;
    finish_locked(task.id, std::move(outcome));
    if (!pending_[uid].empty() && !stopping_) {
      ready_.push_back(uid);
      work_ready_.notify_one();
    } else {
      pending_.erase(uid);
      active_.erase(uid);
    }
  }
}

void OperationRunner::finish_locked(const std::string& id, Operation outcome) {
  auto found = operations_.find(id);
  if (found == operations_.end())
    return;
  Operation& op = found->second;
  op.state = outcome.error ? OperationState::kFailed : OperationState::kSucceeded;
  op.finished_at_unix_ms = now_();
  op.ensure_result = std::move(outcome.ensure_result);
  op.vm = std::move(outcome.vm);
  op.error = std::move(outcome.error);
  op.migrate_result = std::move(outcome.migrate_result);
  if (op.state == OperationState::kSucceeded && op.kind == OperationKind::kMigrate)
    op.progress_percent = 100;
  finished_order_.push_back(id);
  while (finished_order_.size() > limits_.retention) {
    operations_.erase(finished_order_.front());
    finished_order_.pop_front();
  }
  finished_.notify_all();
}

std::optional<Operation> OperationRunner::get(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = operations_.find(id);
  if (found == operations_.end())
    return std::nullopt;
  return found->second;
}

std::optional<Operation> OperationRunner::wait(const std::string& id,
                                               std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto found = operations_.find(id);
    if (found == operations_.end())
      return std::nullopt;
    if (found->second.finished())
      return found->second;
    if (finished_.wait_until(lock, deadline) == std::cv_status::timeout) {
      found = operations_.find(id);
      if (found == operations_.end())
        return std::nullopt;
      return found->second;
    }
  }
}

std::size_t OperationRunner::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_ + running_;
}

}  // namespace hvo::agent
