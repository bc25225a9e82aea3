// The highest leader-Lease epoch this agent has seen (hostagent/protocol/lease_epoch.h), kept in
// the data folder so an agent started again still refuses a former leader. Thread-safe: the
// server's threads call observe() concurrently; a raise is written to disk (atomically) before
// observe() returns, so no request is answered on an epoch a crash could forget.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.h"
#include "hostagent/protocol/lease_epoch.h"

namespace hvo::agent {

class LeaseEpochStore {
 public:
  // Reads `path` when it exists (kInternal naming it when it cannot be read or parsed: a
  // corrupt file must not silently reset the fence); a missing file means no epoch seen yet.
  static Result<std::unique_ptr<LeaseEpochStore>> open(std::string path);

  struct Verdict {
    // The highest epoch known after this call (nullopt: none seen yet, the request had none).
    std::optional<LeaseEpoch> highest;
    // True when the request's epoch is lower than one seen before.
    bool stale = false;
    // Set when a raise could not be written to disk: kept in memory, the caller logs it.
    std::optional<Error> persist_error;
  };
  // Compares a request's epoch with the highest seen, raising (and persisting) it when higher.
  Verdict observe(const LeaseEpoch& presented);
  std::optional<LeaseEpoch> highest() const;

 private:
  LeaseEpochStore(std::string path, std::optional<LeaseEpoch> highest)
      : path_(std::move(path)), highest_(std::move(highest)) {}

  const std::string path_;
  mutable std::mutex mu_;
  std::optional<LeaseEpoch> highest_;
};

}  // namespace hvo::agent
