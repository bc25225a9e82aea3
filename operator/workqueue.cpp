#include "operator/workqueue.h"

#include <algorithm>

namespace hvo::kube {
namespace {

// How often the in-progress gauges are refreshed (client-go's updateUnfinishedWorkLoop period).
constexpr std::chrono::milliseconds kProgressPeriod{500};

double seconds_between(SteadyTime from, SteadyTime to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

WorkQueue::WorkQueue(const std::string& name, metrics::Registry& registry, const Clock& clock,
                     const WorkQueueRateLimiter::Options& limits, Duration min_interval)
    : name_(name),
      clock_(clock),
      limiter_(limits, clock),
      metrics_(registry, name),
      min_interval_(std::max(min_interval, Duration::zero())) {
  delay_thread_ = std::thread([this] { run_delays(); });
}

WorkQueue::~WorkQueue() {
  shutdown();
  delay_thread_.join();
}

void WorkQueue::add(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  add_coalesced_locked(key, clock_.now());
}

std::optional<SteadyTime> WorkQueue::interval_end_locked(const std::string& key) const {
  if (min_interval_ <= Duration::zero())
    return std::nullopt;
  const auto finished = last_finished_.find(key);
  if (finished == last_finished_.end())
    return std::nullopt;
  return finished->second + min_interval_;
}

void WorkQueue::add_coalesced_locked(const std::string& key, SteadyTime now) {
  if (shutting_down_)
    return;
  if (min_interval_ > Duration::zero() && processing_.count(key) > 0) {
    // Its interval starts when the worker is done with it.
    after_done_.emplace(key, now);
    return;
  }
  const auto interval_end = interval_end_locked(key);
  if (interval_end && now < *interval_end) {
    // Finished too recently: it waits for the interval's end (the earlier deadline wins if it
    // is already delayed). A key already dirty is taken after this add anyway.
    if (dirty_.count(key) == 0)
      delay_locked(key, *interval_end);
    return;
  }
  add_locked(key, now);
}

void WorkQueue::add_locked(const std::string& key, SteadyTime now) {
  if (shutting_down_ || dirty_.count(key) > 0)
    return;
  metrics_.adds.inc();
  metrics_.depth.inc();
  dirty_.insert(key);
  queued_at_.emplace(key, now);
  // A key being processed is queued again by done(), so that no two workers hold it.
  if (processing_.count(key) > 0)
    return;
  queue_.push_back(key);
  ready_cv_.notify_one();
}

void WorkQueue::add_after(const std::string& key, Duration delay) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_)
    return;
  const SteadyTime now = clock_.now();
  if (delay <= Duration::zero()) {
    add_coalesced_locked(key, now);
    return;
  }
  delay_locked(key, now + delay);
}

void WorkQueue::delay_locked(const std::string& key, SteadyTime ready_at) {
  auto existing = delayed_.find(key);
  if (existing != delayed_.end()) {
    // A key already waiting keeps the earlier of its two deadlines.
    if (existing->second <= ready_at)
      return;
    delay_order_.erase({existing->second, key});
    existing->second = ready_at;
  } else {
    delayed_.emplace(key, ready_at);
  }
  delay_order_.insert({ready_at, key});
  delay_cv_.notify_one();
}

void WorkQueue::add_rate_limited(const std::string& key) {
  const Duration delay = limiter_.when(key);
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_)
    return;
  metrics_.retries.inc();
  // A failed pass (a status write's 409) retries after milliseconds of backoff; the interval
  // still holds, or one Quota took its write, the 409 and the retry within a second.
  const SteadyTime now = clock_.now();
  SteadyTime ready_at = now + delay;
  if (min_interval_ > Duration::zero() && processing_.count(key) > 0) {
    auto [waiting, inserted] = after_done_.emplace(key, ready_at);
    if (!inserted)
      waiting->second = std::max(waiting->second, ready_at);
    return;
  }
  if (const auto interval_end = interval_end_locked(key))
    ready_at = std::max(ready_at, *interval_end);
  if (ready_at <= now)
    add_coalesced_locked(key, now);
  else
    delay_locked(key, ready_at);
}

void WorkQueue::forget(const std::string& key) {
  limiter_.forget(key);
}

int WorkQueue::num_requeues(const std::string& key) const {
  return limiter_.num_requeues(key);
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock<std::mutex> lock(mu_);
  ready_cv_.wait(lock, [this] { return !queue_.empty() || shutting_down_; });
  if (queue_.empty())
    return std::nullopt;

  std::string key = std::move(queue_.front());
  queue_.pop_front();
  const SteadyTime now = clock_.now();
  metrics_.depth.dec();
  auto queued = queued_at_.find(key);
  if (queued != queued_at_.end()) {
    metrics_.queue_duration.observe(seconds_between(queued->second, now));
    queued_at_.erase(queued);
  }
  processing_[key] = now;
  dirty_.erase(key);
  return key;
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto processing = processing_.find(key);
  if (processing == processing_.end())
    return;
  const SteadyTime now = clock_.now();
  metrics_.work_duration.observe(seconds_between(processing->second, now));
  processing_.erase(processing);
  if (min_interval_ > Duration::zero()) {
    last_finished_[key] = now;
    const auto waiting = after_done_.find(key);
    if (waiting != after_done_.end()) {
      if (!shutting_down_)
        delay_locked(key, std::max(waiting->second, now + min_interval_));
      after_done_.erase(waiting);
    }
  }
  if (dirty_.count(key) > 0) {
    queue_.push_back(key);
    ready_cv_.notify_one();
  }
  if (processing_.empty())
    drained_cv_.notify_all();
}

void WorkQueue::shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_)
    return;
  shutting_down_ = true;
  delayed_.clear();
  delay_order_.clear();
  last_finished_.clear();
  after_done_.clear();
  ready_cv_.notify_all();
  delay_cv_.notify_all();
}

void WorkQueue::shutdown_with_drain() {
  shutdown();
  std::unique_lock<std::mutex> lock(mu_);
  drained_cv_.wait(lock, [this] { return processing_.empty(); });
}

bool WorkQueue::shutting_down() const {
  std::lock_guard<std::mutex> lock(mu_);
  return shutting_down_;
}

std::size_t WorkQueue::len() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

std::size_t WorkQueue::delayed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return delayed_.size();
}

std::size_t WorkQueue::in_progress() const {
  std::lock_guard<std::mutex> lock(mu_);
  return processing_.size();
}

void WorkQueue::promote_ready_locked(SteadyTime now) {
  while (!delay_order_.empty() && delay_order_.begin()->first <= now) {
    const std::string key = delay_order_.begin()->second;
    delay_order_.erase(delay_order_.begin());
    delayed_.erase(key);
    // A delay shorter than the min interval (a reconciler's requeue_after, a retry) still
    // waits for it: every pass of a key starts at least the interval after the last one ended.
    add_coalesced_locked(key, now);
  }
}

void WorkQueue::forget_old_finishes_locked(SteadyTime now) {
  for (auto it = last_finished_.begin(); it != last_finished_.end();) {
    it = now >= it->second + min_interval_ ? last_finished_.erase(it) : std::next(it);
  }
}

void WorkQueue::publish_progress_locked(SteadyTime now) {
  double unfinished = 0;
  double longest = 0;
  for (const auto& [key, started] : processing_) {
    const double age = seconds_between(started, now);
    unfinished += age;
    longest = std::max(longest, age);
  }
  metrics_.unfinished_work.set(unfinished);
  metrics_.longest_running.set(longest);
}

// The delay thread moves delayed keys onto the queue when they come due and refreshes the
// in-progress gauges.
void WorkQueue::run_delays() {
  std::unique_lock<std::mutex> lock(mu_);
  SteadyTime next_progress = clock_.now();
  while (!shutting_down_) {
    const SteadyTime now = clock_.now();
    promote_ready_locked(now);
    if (now >= next_progress) {
      publish_progress_locked(now);
      forget_old_finishes_locked(now);
      next_progress = now + kProgressPeriod;
    }
    SteadyTime wake = next_progress;
    if (!delay_order_.empty())
      wake = std::min(wake, delay_order_.begin()->first);
    clock_.wait_until(delay_cv_, lock, wake);
  }
}

}  // namespace hvo::kube
