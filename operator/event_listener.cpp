#include "operator/event_listener.h"

#include <spdlog/spdlog.h>

namespace hvo::kube {

namespace {
// A backlog this large means a handler is far behind the watch: worth one line in the log each
// time it doubles.
constexpr std::size_t kBacklogWarning = 1000;
}  // namespace

EventListener::EventListener(EventHandlers handlers, std::string name)
    : handlers_(std::move(handlers)), name_(std::move(name)) {
  thread_ = std::thread([this] { run(); });
}

EventListener::~EventListener() {
  stop();
}

void EventListener::add(Notification notification) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_)
    return;
  buffer_.push_back(std::move(notification));
  ++added_;
  const std::size_t backlog = buffer_.size();
  if (backlog >= kBacklogWarning && (backlog & (backlog - 1)) == 0) {
    spdlog::warn("informer_handler_backlog resource={} pending={}", name_, backlog);
  }
  cv_.notify_all();
}

void EventListener::mark_initial_state() {
  std::lock_guard<std::mutex> lock(mu_);
  if (initial_marked_)
    return;
  initial_marked_ = true;
  initial_ = added_;
  cv_.notify_all();
}

bool EventListener::synced() const {
  std::lock_guard<std::mutex> lock(mu_);
  return initial_marked_ && delivered_ >= initial_;
}

bool EventListener::wait_for_sync() const {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return (initial_marked_ && delivered_ >= initial_) || stopped_; });
  return initial_marked_ && delivered_ >= initial_;
}

std::size_t EventListener::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buffer_.size();
}

void EventListener::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    buffer_.clear();
    cv_.notify_all();
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
    thread_.join();
}

void EventListener::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopped_ || !buffer_.empty(); });
    if (stopped_)
      return;
    Notification next = std::move(buffer_.front());
    buffer_.pop_front();
    lock.unlock();
    deliver(next);
    lock.lock();
    ++delivered_;
    cv_.notify_all();
  }
}

void EventListener::deliver(const Notification& notification) {
  switch (notification.type) {
    case Notification::Type::kAdd:
      if (handlers_.on_add)
        handlers_.on_add(*notification.object);
      break;
    case Notification::Type::kUpdate:
      if (handlers_.on_update)
        handlers_.on_update(*notification.old_object, *notification.object);
      break;
    case Notification::Type::kDelete:
      if (handlers_.on_delete)
        handlers_.on_delete(*notification.object);
      break;
  }
}

}  // namespace hvo::kube
