// The running agent: everything a config file describes, built and wired in order (driver,
// metrics, seeds, operations, token, API, HTTPS listener with mutual TLS), and torn down in the
// reverse order. main() and the end-to-end tests both start the agent through this class.
#pragma once

#include <cstdint>
#include <memory>

#include "common/status.h"
#include "hostagent/config/agent_config.h"

namespace hvo::agent {

class AgentApp {
 public:
  // Fails with the reason and the config key or file at fault; nothing keeps running then.
  static Result<std::unique_ptr<AgentApp>> start(const AgentConfig& config);
  ~AgentApp();

  uint16_t port() const;
  // Stops accepting requests, lets running operations finish. Idempotent.
  void stop();

 private:
  struct Parts;
  explicit AgentApp(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace hvo::agent
