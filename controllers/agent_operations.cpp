#include "controllers/agent_operations.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace hvo::controllers {

const char* to_string(AgentOperations::State state) {
  switch (state) {
    case AgentOperations::State::kRunning:
      return "Running";
    case AgentOperations::State::kFinished:
      return "Finished";
    case AgentOperations::State::kForgotten:
      return "Forgotten";
    case AgentOperations::State::kUnreachable:
      return "Unreachable";
  }
  return "Unknown";
}

AgentOperations::AgentOperations(Wake wake, AgentOperationsOptions options)
    : wake_(std::move(wake)), options_(options) {}

AgentOperations::~AgentOperations() {
  stop();
}

void AgentOperations::track(const std::string& vm_key, const std::string& uid,
                            const std::string& host, std::shared_ptr<AgentClient> client,
                            const agent::Operation& operation) {
  std::lock_guard<std::mutex> lock(mu_);
  unschedule_locked(uid);
  Tracked& tracked = tracked_[uid];
  tracked = Tracked{};
  tracked.entry.vm_key = vm_key;
  tracked.entry.uid = uid;
  tracked.entry.host = host;
  tracked.entry.id = operation.id;
  tracked.entry.kind = operation.kind;
  tracked.entry.operation = operation;
  tracked.client = std::move(client);
  tracked.generation = next_generation_++;
  tracked.interval = options_.first_poll;
  if (operation.finished()) {
    tracked.entry.state = State::kFinished;
    return;
  }
  spdlog::debug("agent_operation_tracked uid={} host={} operation={} kind={}", uid, host,
                operation.id, agent::to_string(operation.kind));
  schedule_locked(tracked, Clock::now() + options_.first_poll);
}

std::optional<AgentOperations::Entry> AgentOperations::find(const std::string& uid) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = tracked_.find(uid);
  if (found == tracked_.end())
    return std::nullopt;
  return found->second.entry;
}

void AgentOperations::forget(const std::string& uid) {
  std::lock_guard<std::mutex> lock(mu_);
  unschedule_locked(uid);
  tracked_.erase(uid);
}

std::optional<AgentOperations::Entry> AgentOperations::take(const std::string& uid) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = tracked_.find(uid);
  if (found == tracked_.end() || found->second.entry.state == State::kRunning)
    return std::nullopt;
  Entry entry = std::move(found->second.entry);
  tracked_.erase(found);  // final entries are never scheduled
  return entry;
}

std::size_t AgentOperations::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tracked_.size();
}

void AgentOperations::start() {
  std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
  if (poller_.joinable())
    return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = false;
  }
  poller_ = std::thread([this] { run(); });
}

void AgentOperations::stop() {
  std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
  if (!poller_.joinable())
    return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  poller_.join();
}

void AgentOperations::schedule_locked(Tracked& tracked, Clock::time_point due) {
  tracked.due = due;
  due_.emplace(due, tracked.entry.uid);
  changed_.notify_all();  // the poller may be sleeping towards a later time
}

void AgentOperations::unschedule_locked(const std::string& uid) {
  const auto found = tracked_.find(uid);
  if (found == tracked_.end() || found->second.due == Clock::time_point::max())
    return;
  due_.erase({found->second.due, uid});
  found->second.due = Clock::time_point::max();
}

void AgentOperations::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (due_.empty()) {
      changed_.wait(lock);
      continue;
    }
    const auto [when, uid] = *due_.begin();
    if (Clock::now() < when) {
      changed_.wait_until(lock, when);
      continue;
    }
    due_.erase(due_.begin());
    auto found = tracked_.find(uid);
    if (found == tracked_.end())
      continue;
    found->second.due = Clock::time_point::max();  // not scheduled while its poll is out
    const uint64_t generation = found->second.generation;
    const std::shared_ptr<AgentClient> client = found->second.client;
    const std::string id = found->second.entry.id;

    lock.unlock();
    const auto answer = client->get_operation(id);
    lock.lock();

    found = tracked_.find(uid);
    if (found == tracked_.end() || found->second.generation != generation)
      continue;  // forgotten or replaced by a newer operation while the poll was out
    if (!apply_locked(found->second, answer))
      continue;
    const std::string vm_key = found->second.entry.vm_key;
    lock.unlock();
    if (wake_)
      wake_(vm_key);
    lock.lock();
  }
}

bool AgentOperations::apply_locked(Tracked& tracked,
                                   const AgentCallResult<agent::Operation>& answer) {
  Entry& entry = tracked.entry;
  ++entry.polls;
  if (answer.ok()) {
    tracked.failures = 0;
    entry.operation = answer.value();
    if (entry.operation.finished()) {
      entry.state = State::kFinished;
      entry.error.reset();
      spdlog::info("agent_operation_finished uid={} host={} operation={} kind={} state={} polls={}",
                   entry.uid, entry.host, entry.id, agent::to_string(entry.kind),
                   agent::to_string(entry.operation.state), entry.polls);
      return true;
    }
  } else {
    entry.error = answer.error();
    if (answer.error().is(agent::AgentErrorCode::kNotFound)) {
      entry.state = State::kForgotten;
      spdlog::warn("agent_operation_forgotten uid={} host={} operation={} kind={} reason={}",
                   entry.uid, entry.host, entry.id, agent::to_string(entry.kind),
                   answer.error().message);
      return true;
    }
    if (++tracked.failures >= options_.max_poll_failures) {
      entry.state = State::kUnreachable;
      spdlog::warn(
          "agent_operation_unreachable uid={} host={} operation={} kind={} failures={} "
          "error={}",
          entry.uid, entry.host, entry.id, agent::to_string(entry.kind), tracked.failures,
          answer.error().message);
      return true;
    }
  }
  const std::chrono::milliseconds doubled =
      std::max(tracked.interval * 2, std::chrono::milliseconds(1));
  tracked.interval = std::min(doubled, options_.max_poll_interval);
  schedule_locked(tracked, Clock::now() + tracked.interval);
  return false;
}

}  // namespace hvo::controllers
