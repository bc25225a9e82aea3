// Shared pieces of the emulator's end-to-end tests: one control plane per test process (each
// test works in a namespace of its own), a small Widget CRD, HTTP helpers, and a background
// watch reader.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/control_plane.h"

namespace hvo::testing {

inline constexpr const char* kWidgets = "/apis/example.io/v1/namespaces/";

class EmulatorTest : public ::testing::Test {
 protected:
  static ControlPlane& plane();

  // A fresh namespace for this test.
  std::string make_namespace();
  net::HttpResponse send(const std::string& method, const std::string& path,
                         const std::string& body = "",
                         const std::string& content_type = "application/json");
  // Sends and parses the JSON answer, expecting `status`.
  nlohmann::json expect(int status, const std::string& method, const std::string& path,
                        const nlohmann::json& body = nullptr,
                        const std::string& content_type = "application/json");
  // POSTs a Widget with spec.size = size (and labels) into ns and returns it.
  nlohmann::json create_widget(const std::string& ns, const std::string& name, int size,
                               const nlohmann::json& labels = nlohmann::json::object());
  static std::string widgets(const std::string& ns) { return kWidgets + ns + "/widgets"; }
};

// Reads a watch stream on a thread of its own; the test takes lines as they arrive.
class WatchReader {
 public:
  WatchReader(ControlPlane& plane, const std::string& path_and_query);
  ~WatchReader();
  // The next event, or nullopt if none came within `wait` (a generous bound, not a timing check).
  std::optional<nlohmann::json> next(std::chrono::milliseconds wait = std::chrono::seconds(20));
  // True once the server has ended the stream (or it failed).
  bool ended(std::chrono::milliseconds wait = std::chrono::seconds(20));

 private:
  std::unique_ptr<net::HttpClient> client_;
  std::shared_ptr<net::Cancellation> cancel_ = std::make_shared<net::Cancellation>();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> lines_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace hvo::testing
