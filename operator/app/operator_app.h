// The operator process: client configuration → REST client → informers for the four kinds →
// one controller per kind → metrics and health endpoints → leader election. run() blocks until
// stop() (SIGTERM) or until leadership is lost, then shuts down in reverse: controllers stop
// taking keys and finish the reconciles in flight, the Lease is released (empty holder) so a
// standby takes over at once, informers and endpoints close.
#pragma once

#include <memory>

#include "common/status.h"
#include "operator/app/options.h"

namespace hvo::operator_app {

class OperatorApp {
 public:
  // Connects nothing yet: fails only on unusable configuration (kubeconfig, TLS files,
  // addresses), naming what.
  static Result<std::unique_ptr<OperatorApp>> create(const OperatorOptions& options);
  virtual ~OperatorApp() = default;

  // Starts everything and blocks until stop() or lost leadership; returns the exit code.
  virtual int run() = 0;
  // Asks run() to return; safe from any thread, idempotent.
  virtual void stop() = 0;
};

}  // namespace hvo::operator_app
