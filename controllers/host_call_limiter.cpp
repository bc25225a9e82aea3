#include "controllers/host_call_limiter.h"

#include <algorithm>
#include <utility>

namespace hvo::controllers {

HostCallLimiter::Permit::Permit(Permit&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)), host_(std::move(other.host_)) {}

HostCallLimiter::Permit& HostCallLimiter::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    release();
    limiter_ = std::exchange(other.limiter_, nullptr);
    host_ = std::move(other.host_);
  }
  return *this;
}

HostCallLimiter::Permit::~Permit() {
  release();
}

void HostCallLimiter::Permit::release() {
  if (limiter_ != nullptr)
    std::exchange(limiter_, nullptr)->release(host_);
}

HostCallLimiter::HostCallLimiter(int limit, AgentClientMetrics* metrics)
    : limit_(std::max(limit, 1)), metrics_(metrics) {}

std::optional<HostCallLimiter::Permit> HostCallLimiter::try_acquire(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  int& calls = in_flight_[host];
  if (calls >= limit_)
    return std::nullopt;
  ++calls;
  // Under the lock, so the gauge never shows an older count after a newer one.
  if (metrics_)
    metrics_->set_in_flight(host, calls);
  return Permit(this, host);
}

void HostCallLimiter::release(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = in_flight_.find(host);
  if (found == in_flight_.end())
    return;  // cannot happen: every permit counted itself in
  const int calls = --found->second;
  if (calls <= 0)
    in_flight_.erase(found);  // idle hosts take no memory
  if (metrics_)
    metrics_->set_in_flight(host, std::max(calls, 0));
}

int HostCallLimiter::in_flight(const std::string& host) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = in_flight_.find(host);
  return found == in_flight_.end() ? 0 : found->second;
}

}  // namespace hvo::controllers
