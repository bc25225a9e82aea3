// GET of one object and LIST of a collection (paged, filtered, as objects or a Table).
#include "tools/apiserver-lite/rest/api_error.h"
#include "tools/apiserver-lite/rest/list_options.h"
#include "tools/apiserver-lite/rest/object_filter.h"
#include "tools/apiserver-lite/rest/query_params.h"
#include "tools/apiserver-lite/rest/resource_handler.h"
#include "tools/apiserver-lite/storage/key_layout.h"
#include "tools/apiserver-lite/table/table_converter.h"

namespace hvo::apiserver {

using nlohmann::json;

net::HttpResponse ResourceHandler::get(const ResourceRequest& request) {
  const auto format = negotiate_format(request.http);
  const auto& type = request.type;
  auto stored = store_.get(type, request.path.ns, request.path.name);
  if (!stored.ok())
    throw from_storage_error(stored.error(), type, request.path.name);
  if (format == ResponseFormat::kTable) {
    const json metadata = {{"resourceVersion", stored->object["metadata"]["resourceVersion"]}};
    const auto include = parse_include_object(QueryParams(request.http).text("includeObject"));
    return json_response(
        200, to_table(type, {stored->object}, metadata, include, std::chrono::system_clock::now()),
        {}, kTableContentType);
  }
  return json_response(200, stored->object);
}

net::HttpResponse ResourceHandler::list(const ResourceRequest& request) {
  const auto format = negotiate_format(request.http);
  const auto& type = request.type;
  const auto options = parse_list_options(request.http);
  const auto filter = make_object_filter(type, request.path.ns, options);
  const std::string prefix = collection_prefix(type, request.path.ns);
  int64_t revision = 0;
  std::string start_key;
  if (!options.continue_token.empty()) {
    const auto token = decode_continue(options.continue_token, prefix);
    revision = token.revision;
    start_key = token.start_key;
  }
  auto page = store_.list(type, request.path.ns, start_key, options.limit, revision, filter);
  if (!page.ok()) {
    if (page.error().code() == ErrorCode::kGone) {
      // As the etcd3 store: the snapshot is compacted, but the client may go on from the same
      // key at the latest revision (a token with rv -1), knowing the result is inconsistent.
      throw gone(
          "The provided continue parameter is too old to display a consistent list "
          "result. You can start a new list without the continue parameter, or use the "
          "continue token in this response to retrieve the remainder of the results. "
          "Continuing with the provided token results in an inconsistent list - objects that "
          "were created, modified, or deleted between the time the first chunk was returned "
          "and now may show up in the list.")
          .with_continue(encode_continue({-1, start_key}, prefix));
    }
    throw from_storage_error(page.error(), type, "");
  }
  json metadata = {{"resourceVersion", std::to_string(page->revision)}};
  if (!page->next_key.empty()) {
    metadata["continue"] = encode_continue({page->revision, page->next_key}, prefix);
    if (page->remaining)
      metadata["remainingItemCount"] = *page->remaining;
  }
  if (format == ResponseFormat::kTable) {
    const auto include = parse_include_object(QueryParams(request.http).text("includeObject"));
    return json_response(
        200, to_table(type, page->items, metadata, include, std::chrono::system_clock::now()), {},
        kTableContentType);
  }
  json body = {{"kind", type.list_kind},
               {"apiVersion", type.api_version()},
               {"metadata", metadata},
               {"items", std::move(page->items)}};
  return json_response(200, body);
}

}  // namespace hvo::apiserver
