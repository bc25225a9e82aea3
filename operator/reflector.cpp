#include "operator/reflector.h"

#include <spdlog/spdlog.h>

#include <future>

namespace hvo::kube {

Reflector::Reflector(RestClient& client, ReflectorOptions options, ReflectorSink& sink,
                     const Clock& clock)
    : client_(client),
      options_(std::move(options)),
      sink_(sink),
      clock_(clock),
      backoff_(options_.backoff_initial, options_.backoff_max, 2.0, 1.0, options_.random) {}

Reflector::~Reflector() {
  stop();
}

void Reflector::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || stop_requested_)
    return;
  thread_ = std::thread([this] { run(); });
}

void Reflector::stop() {
  std::shared_ptr<net::Cancellation> watch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_requested_ = true;
    watch = current_watch_;
    stop_cv_.notify_all();
  }
  if (watch)
    watch->cancel();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
    thread_.join();
}

bool Reflector::stopping() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stop_requested_;
}

std::string Reflector::last_resource_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return resource_version_;
}

bool Reflector::pause(Duration delay) {
  std::unique_lock<std::mutex> lock(mu_);
  return !sleep_until_or(clock_, stop_cv_, lock, clock_.now() + delay,
                         [this] { return stop_requested_; });
}

void Reflector::run() {
  bool need_list = true;
  while (!stopping()) {
    if (need_list) {
      Result<std::string> listed = list_into_sink();
      if (!listed.ok()) {
        const Duration delay = backoff_.next();
        spdlog::warn("list_failed resource={} namespace={} error=\"{}\" retry_in_ms={}", describe(),
                     options_.namespace_name, listed.error().message(),
                     std::chrono::duration_cast<std::chrono::milliseconds>(delay).count());
        if (!pause(delay))
          return;
        continue;
      }
      backoff_.reset();
      need_list = false;
    }

    const WatchOutcome outcome = watch_once();
    switch (outcome) {
      case WatchOutcome::kStopped:
        return;
      case WatchOutcome::kEnded:
        continue;  // the server's timeout: resume from where we were
      case WatchOutcome::kInterrupted:
        // Keep the resourceVersion: once the server is back the watch resumes without a list.
        if (!pause(backoff_.next()))
          return;
        continue;
      case WatchOutcome::kExpired:
      case WatchOutcome::kBroken:
        need_list = true;
        if (!pause(backoff_.next()))
          return;
        continue;
    }
  }
}

Result<std::string> Reflector::list_into_sink() {
  sink_.begin_list();
  std::size_t objects = 0;
  ListOptions list_options;
  list_options.label_selector = options_.label_selector;
  list_options.field_selector = options_.field_selector;
  list_options.limit = options_.page_size;
  std::string snapshot_version;
  int pages = 0;
  const auto fetch = [this](const ListOptions& options) {
    return client_.list(options_.gvr, options_.namespace_name, options);
  };
  Result<json> page = fetch(list_options);
  while (true) {
    if (!page.ok()) {
      if (page.error().code() == ErrorCode::kGone && !list_options.continue_token.empty()) {
        // The continue token expired between pages: start over with one unpaged list, as
        // client-go's pager does.
        spdlog::info("list_continue_expired resource={} pages_read={}", describe(), pages);
        sink_.begin_list();
        objects = 0;
        list_options.continue_token.clear();
        list_options.limit = 0;
        page = fetch(list_options);
        continue;
      }
      return page.error();
    }
    json& body = *page;
    if (pages++ == 0)
      snapshot_version = body["metadata"].value("resourceVersion", "");
    const std::string next = body["metadata"].value("continue", "");
    std::vector<json> items;
    for (json& item : body["items"])
      items.push_back(std::move(item));
    objects += items.size();
    if (next.empty()) {
      // Recorded before the last page: handlers that run inside end_list() (and
      // wait_for_sync()) see it.
      std::lock_guard<std::mutex> lock(mu_);
      resource_version_ = snapshot_version;
    }
    // The next page is asked for while this one is stored: the server's time and ours overlap
    // (a restarted operator lists 10,000 VMs in 20 pages, each ~100 ms on the server and ~60 ms
    // here).
    std::future<Result<json>> following;
    if (!next.empty()) {
      list_options.continue_token = next;
      following = std::async(std::launch::async, fetch, list_options);
    }
    sink_.list_page(std::move(items));
    if (next.empty())
      break;
    page = following.get();
  }
  spdlog::info("list_complete resource={} namespace={} objects={} pages={} resourceVersion={}",
               describe(), options_.namespace_name, objects, pages, snapshot_version);
  sink_.end_list(snapshot_version);
  return snapshot_version;
}

Reflector::WatchOutcome Reflector::watch_once() {
  auto cancel = std::make_shared<net::Cancellation>();
  WatchOptions watch_options;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_requested_)
      return WatchOutcome::kStopped;
    current_watch_ = cancel;
    watch_options.resource_version = resource_version_;
  }
  watch_options.label_selector = options_.label_selector;
  watch_options.field_selector = options_.field_selector;
  watch_options.allow_bookmarks = true;
  watch_options.timeout_seconds =
      static_cast<int>(options_.min_watch_timeout_seconds * (1.0 + options_.random()));

  const SteadyTime started = clock_.now();
  bool expired = false;
  bool broken = false;
  int events = 0;
  Status status = client_.watch(
      options_.gvr, options_.namespace_name, watch_options,
      [&](WatchEvent event) {
        if (event.type == WatchEventType::kError) {
          const ApiError error = decode_status_object(event.object.dump());
          expired = error.code() == ErrorCode::kGone;
          broken = !expired;
          spdlog::info("watch_error resource={} resourceVersion={} reason={} message=\"{}\"",
                       describe(), watch_options.resource_version, to_string(error.reason),
                       error.message);
          return false;
        }
        const std::string version = resource_version_of(event.object);
        if (!version.empty()) {
          std::lock_guard<std::mutex> lock(mu_);
          resource_version_ = version;
        }
        if (event.type != WatchEventType::kBookmark) {
          ++events;
          sink_.apply(event.type, std::move(event.object));
        }
        std::lock_guard<std::mutex> lock(mu_);
        return !stop_requested_;
      },
      cancel);
  {
    std::lock_guard<std::mutex> lock(mu_);
    current_watch_.reset();
    if (stop_requested_)
      return WatchOutcome::kStopped;
  }

  if (expired)
    return WatchOutcome::kExpired;
  if (broken)
    return WatchOutcome::kBroken;
  if (!status.ok()) {
    const ErrorCode code = status.error().code();
    spdlog::warn("watch_failed resource={} resourceVersion={} events={} code={} error=\"{}\"",
                 describe(), watch_options.resource_version, events, to_string(code),
                 status.error().message());
    if (code == ErrorCode::kGone)
      return WatchOutcome::kExpired;
    // Events arrive in order, so after a lost connection (the server restarting, a proxy
    // timing out) the watch resumes from the last version seen. Anything else (a malformed
    // stream, a refusal) is not understood: list again.
    const bool interrupted = code == ErrorCode::kUnavailable || code == ErrorCode::kTimeout ||
                             code == ErrorCode::kResourceExhausted;
    return interrupted ? WatchOutcome::kInterrupted : WatchOutcome::kBroken;
  }
  if (events == 0 && clock_.now() - started < std::chrono::seconds(1)) {
    // A server that closes every watch at once would otherwise be hammered.
    spdlog::warn("watch_very_short resource={} resourceVersion={}", describe(),
                 watch_options.resource_version);
    return WatchOutcome::kInterrupted;
  }
  spdlog::debug("watch_ended resource={} resourceVersion={} events={}", describe(),
                last_resource_version(), events);
  return WatchOutcome::kEnded;
}

}  // namespace hvo::kube
