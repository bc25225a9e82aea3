// Internal to common/net (includes pplx): blocks the calling thread until a pplx task finishes,
// a deadline passes, or another thread interrupts the wait. pplx::task::wait() has no deadline
// and cannot be interrupted, which send() timeouts and stream_lines() cancellation both need.
#pragma once

#include <pplx/pplxtasks.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace hvo::net::detail {

using Clock = std::chrono::steady_clock;

class TaskWaiter {
 public:
  enum class Outcome { kReady, kDeadline, kInterrupted };

  TaskWaiter() : state_(std::make_shared<State>()) {}

  // Waits for `task`. `keep_alive` is held until the task finishes even if this wait gives up
  // first (for example the buffer a pending read writes into). The task's exception, if any, is
  // observed here so pplx never reports it as unobserved; task.get() rethrows it to the caller.
  template <typename T, typename KeepAlive = std::nullptr_t>
  Outcome wait(const pplx::task<T>& task, std::optional<Clock::time_point> deadline,
               KeepAlive keep_alive = nullptr) {
    std::uint64_t ticket;
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      ticket = ++state_->issued;
    }
    task.then([state = state_, ticket, keep_alive](pplx::task<T> finished) {
      try {
        finished.wait();
      } catch (...) {
        // Observed; the waiting thread rethrows it through get().
      }
      std::lock_guard<std::mutex> lock(state->mu);
      if (ticket > state->completed)
        state->completed = ticket;
      state->changed.notify_all();
    });
    std::unique_lock<std::mutex> lock(state_->mu);
    auto done = [&] { return state_->completed >= ticket || state_->interrupted; };
    if (deadline) {
      if (!state_->changed.wait_until(lock, *deadline, done))
        return Outcome::kDeadline;
    } else {
      state_->changed.wait(lock, done);
    }
    return state_->completed >= ticket ? Outcome::kReady : Outcome::kInterrupted;
  }

  // Makes the current and every later wait() return kInterrupted (unless already finished).
  // Safe from any thread, also after this TaskWaiter is gone (via the callback it hands out).
  void interrupt() { interrupt_state(state_); }
  std::function<void()> interrupter() const {
    return [weak = std::weak_ptr<State>(state_)] {
      if (auto state = weak.lock())
        interrupt_state(state);
    };
  }

 private:
  struct State {
    std::mutex mu;
    std::condition_variable changed;
    std::uint64_t issued = 0;
    std::uint64_t completed = 0;
    bool interrupted = false;
  };

  static void interrupt_state(const std::shared_ptr<State>& state) {
    std::lock_guard<std::mutex> lock(state->mu);
    state->interrupted = true;
    state->changed.notify_all();
  }

  std::shared_ptr<State> state_;
};

}  // namespace hvo::net::detail
