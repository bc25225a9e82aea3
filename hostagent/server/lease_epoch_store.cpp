#include "hostagent/server/lease_epoch_store.h"

#include <nlohmann/json.hpp>

#include "hostagent/util/atomic_file.h"

namespace hvo::agent {

Result<std::unique_ptr<LeaseEpochStore>> LeaseEpochStore::open(std::string path) {
  auto text = read_file(path);
  if (!text.ok()) {
    if (text.error().code() == ErrorCode::kNotFound)
      return std::unique_ptr<LeaseEpochStore>(new LeaseEpochStore(std::move(path), std::nullopt));
    return text.error();
  }
  try {
    const auto json = nlohmann::json::parse(*text);
    LeaseEpoch seen;
    seen.epoch = json.at("epoch").get<int64_t>();
    seen.holder = json.value("holder", "");
    if (seen.epoch < 0)
      throw std::out_of_range("negative epoch");
    return std::unique_ptr<LeaseEpochStore>(new LeaseEpochStore(std::move(path), seen));
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternal,
                 "lease epoch file " + path + " is unreadable (" + e.what() +
                     "); remove it only if no former operator leader can still call this agent");
  }
}

LeaseEpochStore::Verdict LeaseEpochStore::observe(const LeaseEpoch& presented) {
  std::lock_guard<std::mutex> lock(mu_);
  Verdict verdict;
  if (highest_ && presented.epoch < highest_->epoch) {
    verdict.highest = highest_;
    verdict.stale = true;
    return verdict;
  }
  if (!highest_ || presented.epoch > highest_->epoch) {
    // Written under the lock: two raises cannot land on disk out of order.
    const nlohmann::json record = {{"epoch", presented.epoch}, {"holder", presented.holder}};
    if (Status written = write_file_atomically(path_, record.dump() + "\n"); !written.ok())
      verdict.persist_error = written.error();
    highest_ = presented;
  }
  verdict.highest = highest_;
  return verdict;
}

std::optional<LeaseEpoch> LeaseEpochStore::highest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return highest_;
}

}  // namespace hvo::agent
