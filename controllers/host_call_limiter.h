// At most `limit` calls in flight to one host agent at a time, so a burst of VMs on one host
// cannot pile up in the agent's queue (its 429 Busy) or hold every VM worker. A caller that gets
// no permit does not wait: it requeues its VM after a short delay and the worker moves on.
//
//   auto permit = limiter.try_acquire(host);
//   if (!permit) return ReconcileResult::after(short_delay);
//   agent->ensure(spec);  // the permit is released when it goes out of scope
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "controllers/agent_client_metrics.h"

namespace hvo::controllers {

class HostCallLimiter {
 public:
  inline static constexpr int kDefaultLimit = 8;

  // One call's slot on one host; releases it when destroyed. Movable, not copyable. The limiter
  // must outlive its permits.
  class Permit {
   public:
    Permit(Permit&& other) noexcept;
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit();

    const std::string& host() const { return host_; }

   private:
    friend class HostCallLimiter;
    Permit(HostCallLimiter* limiter, std::string host)
        : limiter_(limiter), host_(std::move(host)) {}
    void release();

    HostCallLimiter* limiter_;  // null once released or moved from
    std::string host_;
  };

  // `limit` is at least 1 (a smaller value is raised to 1). `metrics`, when given, gets the
  // hyperv_agent_calls_in_flight{host} gauge and must outlive the limiter.
  explicit HostCallLimiter(int limit = kDefaultLimit, AgentClientMetrics* metrics = nullptr);
  HostCallLimiter(const HostCallLimiter&) = delete;
  HostCallLimiter& operator=(const HostCallLimiter&) = delete;

  // A permit, or nullopt at once when `host` already has `limit` calls in flight. Never blocks.
  std::optional<Permit> try_acquire(const std::string& host);

  int in_flight(const std::string& host) const;
  int limit() const { return limit_; }

 private:
  void release(const std::string& host);

  const int limit_;
  AgentClientMetrics* const metrics_;
  mutable std::mutex mu_;
  std::map<std::string, int> in_flight_;  // hosts with calls in flight only
};

}  // namespace hvo::controllers
