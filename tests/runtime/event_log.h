// Records informer handler calls as "add ns/a", "update ns/a", "delete ns/b" and lets a test wait
// for a number of them (bounded, so a broken informer fails the test instead of hanging it).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "operator/informer.h"
#include "operator/rest_client.h"

namespace hvo::kube::testing {

class EventLog {
 public:
  EventHandlers handlers() {
    EventHandlers h;
    h.on_add = [this](const json& object) { record("add " + object_key(object)); };
    h.on_update = [this](const json& old_object, const json& object) {
      record((old_object == object ? "resync " : "update ") + object_key(object));
    };
    h.on_delete = [this](const json& object) { record("delete " + object_key(object)); };
    return h;
  }

  // Waits until at least `count` entries exist (at most 20 s) and returns all of them.
  std::vector<std::string> wait_for(std::size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(20), [&] { return entries_.size() >= count; });
    return entries_;
  }
  std::vector<std::string> entries() {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_;
  }

 private:
  void record(std::string entry) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_back(std::move(entry));
    cv_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> entries_;
};

}  // namespace hvo::kube::testing
