// WATCH: a chunked stream of events, starting with synthetic ADDED events for the current state
// (resourceVersion unset or "0", or sendInitialEvents), then live changes from the resource's
// shared watcher; 410 as an ERROR event when the requested history is gone.
#include <spdlog/spdlog.h>

#include "tools/apiserver-lite/rest/api_error.h"
#include "tools/apiserver-lite/rest/list_options.h"
#include "tools/apiserver-lite/rest/object_filter.h"
#include "tools/apiserver-lite/rest/query_params.h"
#include "tools/apiserver-lite/rest/resource_handler.h"
#include "tools/apiserver-lite/storage/key_layout.h"
#include "tools/apiserver-lite/watch/watch_session.h"

namespace hvo::apiserver {

using nlohmann::json;

void ResourceHandler::watch(const ResourceRequest& request, net::Responder& responder) {
  const auto format = negotiate_format(request.http);
  const auto& type = request.type;
  const auto options = parse_list_options(request.http);
  auto filter = make_object_filter(type, request.path.ns, options);
  if (!filter)
    filter = [](const json&) { return true; };
  const int64_t requested = parse_resource_version(options.resource_version, "resourceVersion");
  const bool initial_events = options.send_initial_events || requested == 0;

  // The current state is read before the stream starts, so a failure is still a plain error.
  std::vector<json> initial;
  int64_t after_revision = requested;
  if (initial_events) {
    auto page = store_.list(type, request.path.ns, "", 0, 0, filter);
    if (!page.ok())
      throw from_storage_error(page.error(), type, "");
    initial = std::move(page->items);
    after_revision = page->revision;
  }

  WatchSessionOptions session_options;
  session_options.type = request.type_ptr;
  session_options.filter = filter;
  session_options.after_revision = after_revision;
  session_options.bookmarks = options.allow_bookmarks;
  session_options.bookmark_interval = options_.bookmark_interval;
  const auto timeout = options.timeout_seconds ? std::chrono::seconds(*options.timeout_seconds)
                                               : options_.default_watch_timeout;
  session_options.deadline = std::chrono::steady_clock::now() + timeout;
  session_options.as_table = format == ResponseFormat::kTable;
  session_options.include_object =
      parse_include_object(QueryParams(request.http).text("includeObject"));

  net::Headers headers;
  headers["Content-Type"] =
      format == ResponseFormat::kTable ? kTableContentType : "application/json";
  auto stream = responder.stream(200, headers);
  auto session = std::make_shared<WatchSession>(stream, session_options);
  for (const auto& object : initial) {
    if (!session->send_added(object))
      return;
  }
  if (options.send_initial_events && options.allow_bookmarks) {
    session->send_bookmark(after_revision, /*initial_events_end=*/true);
  }
  Status subscribed = hub_.subscribe(collection_prefix(type, ""), session, after_revision);
  if (!subscribed.ok()) {
    spdlog::info("watch_expired resource={} resourceVersion={} reason={}",
                 type.qualified_resource(), after_revision, subscribed.error().message());
    session->expire(subscribed.error().message());
  }
}

}  // namespace hvo::apiserver
