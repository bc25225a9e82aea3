#include "hostagent/sim/sim_fabric.h"

#include <filesystem>
#include <system_error>

#include "hostagent/util/atomic_file.h"

namespace hvo::agent {

namespace fs = std::filesystem;

namespace {

constexpr const char* kOffer = ".vm";
constexpr const char* kClaimed = ".claimed";
constexpr const char* kAck = ".ack";
constexpr const char* kRefused = ".refused";

std::string strip(const std::string& file, const std::string& suffix) {
  return file.substr(0, file.size() - suffix.size());
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() > suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

SimFabric::SimFabric(std::string dir, std::string host_name)
    : dir_(std::move(dir)), host_name_(std::move(host_name)) {}

std::string SimFabric::incoming(const std::string& host) const {
  return dir_ + "/hosts/" + host + "/incoming";
}

Status SimFabric::register_host() {
  std::error_code ec;
  fs::create_directories(incoming(host_name_), ec);
  if (ec) {
    return Error(ErrorCode::kInternal, "cannot register sim host " + host_name_ + " in fabric " +
                                           dir_ + ": " + ec.message());
  }
  return {};
}

bool SimFabric::has_host(const std::string& name) const {
  std::error_code ec;
  return !name.empty() && name.find('/') == std::string::npos && name != "." && name != ".." &&
         fs::is_directory(incoming(name), ec);
}

Status SimFabric::offer(const std::string& destination, const std::string& uid,
                        const std::string& record) {
  // Stale answers of an earlier move of the same VM must not be read as this one's.
  forget(destination, uid);
  return write_file_atomically(incoming(destination) + "/" + uid + kOffer, record);
}

SimFabric::OfferState SimFabric::poll(const std::string& destination, const std::string& uid,
                                      std::string& reason) const {
  const std::string base = incoming(destination) + "/" + uid;
  std::error_code ec;
  if (fs::exists(base + kAck, ec))
    return OfferState::kTaken;
  if (fs::exists(base + kRefused, ec)) {
    auto text = read_file(base + kRefused);
    reason = text.ok() ? text.value() : "refused";
    return OfferState::kRefused;
  }
  return OfferState::kWaiting;
}

bool SimFabric::withdraw(const std::string& destination, const std::string& uid) {
  const std::string base = incoming(destination) + "/" + uid;
  std::error_code ec;
  fs::rename(base + kOffer, base + ".withdrawn", ec);
  if (ec)
    return false;
  fs::remove(base + ".withdrawn", ec);
  return true;
}

void SimFabric::forget(const std::string& destination, const std::string& uid) {
  const std::string base = incoming(destination) + "/" + uid;
  std::error_code ec;
  fs::remove(base + kAck, ec);
  fs::remove(base + kRefused, ec);
}

std::vector<SimFabric::Incoming> SimFabric::claim() {
  std::vector<Incoming> out;
  std::error_code ec;
  const std::string folder = incoming(host_name_);
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string file = entry.path().filename().string();
    if (!ends_with(file, kOffer))
      continue;
    const std::string uid = strip(file, kOffer);
    const std::string claimed = folder + "/" + uid + kClaimed;
    std::error_code rename_ec;
    fs::rename(entry.path(), claimed, rename_ec);
    if (rename_ec)
      continue;  // withdrawn meanwhile
    auto record = read_file(claimed);
    if (!record.ok()) {
      (void)refuse(uid, "cannot read the offered vm: " + record.error().message());
      continue;
    }
    out.push_back({uid, record.value()});
  }
  return out;
}

Status SimFabric::acknowledge(const std::string& uid) {
  const std::string base = incoming(host_name_) + "/" + uid;
  auto status = write_file_atomically(base + kAck, "taken");
  std::error_code ec;
  fs::remove(base + kClaimed, ec);
  return status;
}

Status SimFabric::refuse(const std::string& uid, const std::string& reason) {
  const std::string base = incoming(host_name_) + "/" + uid;
  auto status = write_file_atomically(base + kRefused, reason);
  std::error_code ec;
  fs::remove(base + kClaimed, ec);
  return status;
}

}  // namespace hvo::agent
