// The reflector keeps a sink in step with one collection on the API server, like client-go's:
// 1. LIST in pages; the first page's resourceVersion is the snapshot's;
// 2. hand the snapshot to the sink page by page as it arrives (client-go hands it over whole;
//    pages keep a list of thousands from being held parsed at once), then say it is complete
//    (the sink removes what was not listed);
// 3. WATCH from that resourceVersion with bookmarks, handing each event to the sink and
//    remembering the newest resourceVersion;
// 4. a watch that ends cleanly is resumed from the remembered version at once; one that cannot
//    be opened or loses its connection is resumed from it after a backoff; an expired version
//    (410) or a stream we cannot understand leads back to 1 after a backoff. Backoffs are jittered
//    and start over after a successful list.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/net/http_client.h"
#include "operator/backoff.h"
#include "operator/clock.h"
#include "operator/rest_client.h"

namespace hvo::kube {

class ReflectorSink {
 public:
  virtual ~ReflectorSink() = default;
  // A LIST: begin_list(), each page's items to list_page(), then end_list() once the last page
  // is in: everything not listed since begin_list() is gone. A list given up midway (an error)
  // gets no end_list(); the next one begins again.
  virtual void begin_list() = 0;
  virtual void list_page(std::vector<nlohmann::json> items) = 0;
  virtual void end_list(const std::string& resource_version) = 0;
  // One ADDED, MODIFIED or DELETED event.
  virtual void apply(WatchEventType type, nlohmann::json object) = 0;
};

struct ReflectorOptions {
  GroupVersionResource gvr;
  std::string namespace_name;  // empty: all namespaces
  std::string label_selector;
  std::string field_selector;
  int64_t page_size = 500;
  Duration backoff_initial = std::chrono::milliseconds(800);  // client-go's reflector backoff
  Duration backoff_max = std::chrono::seconds(30);
  // Each watch asks the server to end it after a random time in [min, 2*min), so that not every
  // reflector reconnects at once (client-go: 5 minutes).
  int min_watch_timeout_seconds = 300;
  RandomSource random = default_random();
};

class Reflector {
 public:
  Reflector(RestClient& client, ReflectorOptions options, ReflectorSink& sink,
            const Clock& clock = real_clock());
  ~Reflector();
  Reflector(const Reflector&) = delete;
  Reflector& operator=(const Reflector&) = delete;

  void start();
  // Ends the current watch at once and joins the thread. Idempotent.
  void stop();
  // The newest resourceVersion seen (from a list, an event or a bookmark).
  std::string last_resource_version() const;

 private:
  enum class WatchOutcome { kEnded, kExpired, kInterrupted, kBroken, kStopped };

  void run();
  Result<std::string> list_into_sink();
  WatchOutcome watch_once();
  // Sleeps on the clock; false when stop() came first.
  bool pause(Duration delay);
  bool stopping() const;
  std::string describe() const { return options_.gvr.display(); }

  RestClient& client_;
  ReflectorOptions options_;
  ReflectorSink& sink_;
  const Clock& clock_;
  JitteredBackoff backoff_;

  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stop_requested_ = false;
  std::shared_ptr<net::Cancellation> current_watch_;
  std::string resource_version_;
  std::thread thread_;
};

}  // namespace hvo::kube
