#include "tests/runtime/fake_api_server.h"

#include <sstream>

namespace hvo::kube::testing {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::istringstream in(path);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (!part.empty())
      parts.push_back(part);
  }
  return parts;
}

net::HttpResponse json_response(int code, const json& body) {
  net::HttpResponse response;
  response.status = code;
  response.headers["Content-Type"] = "application/json";
  response.body = body.dump();
  return response;
}

json status_json(int code, const std::string& reason, const std::string& message) {
  return {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
          {"status", "Failure"}, {"message", message}, {"reason", reason},
          {"code", code}};
}

// "a=1,b=2" equality selectors only: enough for the runtime's tests.
bool labels_match(const json& object, const std::string& selector) {
  std::istringstream in(selector);
  std::string term;
  while (std::getline(in, term, ',')) {
    const auto eq = term.find('=');
    if (eq == std::string::npos)
      continue;
    const std::string key = term.substr(0, eq);
    const std::string value = term.substr(eq + 1);
    const json labels = object["metadata"].value("labels", json::object());
    if (!labels.contains(key) || labels[key] != value)
      return false;
  }
  return true;
}

std::string rv_of(const json& object) {
  return object["metadata"].value("resourceVersion", std::string());
}

}  // namespace

net::HttpResponse status_response(int code, const std::string& reason, const std::string& message) {
  return json_response(code, status_json(code, reason, message));
}

// GCC 12 at -O2 reports a copy of the variant inside Result as maybe-uninitialized here; it is a
// known false positive of its variant analysis (the value is always constructed).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
FakeApiServer::Fault answer_with(net::HttpResponse response) {
  return [response](const net::HttpRequest&) {
    return std::make_optional(Result<net::HttpResponse>(response));
  };
}
#pragma GCC diagnostic pop

FakeApiServer::Fault fail_with(Error error) {
  return [error](const net::HttpRequest&) {
    return std::make_optional(Result<net::HttpResponse>(error));
  };
}

FakeApiServer::Fault pass_through(std::function<void()> side_effect) {
  return [side_effect](const net::HttpRequest&) -> std::optional<Result<net::HttpResponse>> {
    side_effect();
    return std::nullopt;
  };
}

std::optional<FakeApiServer::Route> FakeApiServer::route_of(const std::string& path) {
  const auto parts = split_path(path);
  Route route;
  std::size_t next = 0;
  if (parts.size() >= 2 && parts[0] == "api") {
    route.prefix = "/api/" + parts[1];
    next = 2;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    route.prefix = "/apis/" + parts[1] + "/" + parts[2];
    next = 3;
  } else {
    return std::nullopt;
  }
  const std::vector<std::string> rest(parts.begin() + next, parts.end());
  std::size_t at = 0;
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    route.namespace_name = rest[1];
    at = 2;
  }
  if (at >= rest.size())
    return std::nullopt;
  route.resource = rest[at];
  if (at + 1 < rest.size())
    route.name = rest[at + 1];
  if (at + 2 < rest.size())
    route.subresource = rest[at + 2];
  route.collection = route.prefix +
                     (route.namespace_name.empty() ? "" : "/namespaces/" + route.namespace_name) +
                     "/" + route.resource;
  return route;
}

bool FakeApiServer::matches(const Route& watch, const Event& event) const {
  if (event.type == "BOOKMARK")
    return true;
  const auto route = route_of(event.collection + "/x");
  if (!route || route->prefix != watch.prefix || route->resource != watch.resource)
    return false;
  return watch.namespace_name.empty() || watch.namespace_name == event.namespace_name;
}

std::optional<Result<net::HttpResponse>> FakeApiServer::check_faults_and_auth(
    const net::HttpRequest& request) {
  Fault fault;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    if (!faults_.empty()) {
      fault = std::move(faults_.front());
      faults_.pop_front();
    }
    if (!token_.empty() && request.header("Authorization") != "Bearer " + token_) {
      if (fault)
        faults_.push_front(std::move(fault));
      return Result<net::HttpResponse>(status_response(401, "Unauthorized", "Unauthorized"));
    }
  }
  if (fault) {
    auto answer = fault(request);
    if (answer)
      return answer;
  }
  return std::nullopt;
}

Result<net::HttpResponse> FakeApiServer::send(const net::HttpRequest& request) {
  if (auto answer = check_faults_and_auth(request))
    return *answer;
  const auto route = route_of(request.path);
  if (!route)
    return status_response(404, "NotFound", "no route for " + request.path);
  std::lock_guard<std::mutex> lock(mu_);
  return handle(request, *route);
}

net::HttpResponse FakeApiServer::handle(const net::HttpRequest& request, const Route& route) {
  if (request.method == "GET" && route.name.empty())
    return list_locked(request, route);
  if (request.method == "GET") {
    auto it = objects_.find(route.collection + "/" + route.name);
    if (it == objects_.end()) {
      return status_response(404, "NotFound", route.resource + " \"" + route.name + "\" not found");
    }
    return json_response(200, it->second);
  }
  return write_locked(request, route);
}

net::HttpResponse FakeApiServer::list_locked(const net::HttpRequest& request, const Route& route) {
  std::vector<json> matching;
  for (const auto& [path, object] : objects_) {
    const auto object_route = route_of(path);
    if (!object_route || object_route->prefix != route.prefix ||
        object_route->resource != route.resource) {
      continue;
    }
    if (!route.namespace_name.empty() && object_route->namespace_name != route.namespace_name) {
      continue;
    }
    if (!labels_match(object, request.query_param("labelSelector")))
      continue;
    matching.push_back(object);
  }
  const std::size_t offset = std::stoul(request.query_param("continue", "0"));
  const std::size_t limit = std::stoul(request.query_param("limit", "0"));
  const std::size_t end = limit == 0 ? matching.size() : std::min(matching.size(), offset + limit);
  json list = {{"kind", "List"},
               {"apiVersion", "v1"},
               {"metadata", {{"resourceVersion", std::to_string(rv_)}}},
               {"items", json::array()}};
  for (std::size_t i = offset; i < end; ++i)
    list["items"].push_back(matching[i]);
  if (end < matching.size())
    list["metadata"]["continue"] = std::to_string(end);
  return json_response(200, list);
}

net::HttpResponse FakeApiServer::write_locked(const net::HttpRequest& request, const Route& route) {
  const json body = json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
  if (body.is_discarded())
    return status_response(400, "BadRequest", "body is not JSON");

  if (request.method == "POST") {
    const std::string name = body["metadata"].value("name", std::string());
    const std::string path = route.collection + "/" + name;
    if (objects_.count(path) > 0) {
      return status_response(409, "AlreadyExists",
                             route.resource + " \"" + name + "\" already exists");
    }
    json object = body;
    if (!route.namespace_name.empty())
      object["metadata"]["namespace"] = route.namespace_name;
    object["metadata"]["uid"] = "uid-" + name;
    return json_response(201, store_locked(path, object, "ADDED"));
  }

  const std::string path = route.collection + "/" + route.name;
  auto existing = objects_.find(path);
  const std::string content_type = request.header("Content-Type");
  const bool apply = request.method == "PATCH" && content_type == "application/apply-patch+yaml";
  if (apply && request.query_param("fieldManager").empty())
    return status_response(422, "Invalid", "fieldManager: Required for apply patch");
  if (apply && existing == objects_.end()) {
    // Server-side apply creates what does not exist yet.
    json object = body;
    object["metadata"]["uid"] = "uid-" + route.name;
    return json_response(201, store_locked(path, object, "ADDED"));
  }
  if (existing == objects_.end()) {
    return status_response(404, "NotFound", route.resource + " \"" + route.name + "\" not found");
  }
  const std::string stored_rv = rv_of(existing->second);
  const std::string sent_rv =
      body.contains("metadata") ? body["metadata"].value("resourceVersion", std::string()) : "";
  const json conflict = status_json(
      409, "Conflict",
      "Operation cannot be fulfilled on " + route.resource + " \"" + route.name +
          "\": the object has been modified; please apply your changes to the latest version "
          "and try again");

  if (request.method == "PUT") {
    if (sent_rv.empty())
      return status_response(422, "Invalid", "metadata.resourceVersion: Required");
    if (sent_rv != stored_rv)
      return json_response(409, conflict);
    json object = existing->second;
    if (route.subresource == "status") {
      object["status"] = body.value("status", json::object());
    } else {
      const json kept_status = object.value("status", json());
      object = body;
      if (!kept_status.is_null())
        object["status"] = kept_status;
    }
    return json_response(200, store_locked(path, object, "MODIFIED"));
  }
  if (request.method == "PATCH") {
    if (!sent_rv.empty() && sent_rv != stored_rv)
      return json_response(409, conflict);
    json object = existing->second;
    if (content_type == "application/json-patch+json") {
      // RFC 6902 operations; a failed "test" or a bad path is the server's 422.
      try {
        object = object.patch(body);
      } catch (const json::exception& e) {
        return status_response(422, "Invalid", std::string("json patch: ") + e.what());
      }
    } else {
      // Merge patch, and apply approximated as a merge (field ownership is not modelled).
      object.merge_patch(body);
    }
    return json_response(200, store_locked(path, object, "MODIFIED"));
  }
  if (request.method == "DELETE") {
    const std::string precondition =
        body.contains("preconditions") ? body["preconditions"].value("resourceVersion", "") : "";
    if (!precondition.empty() && precondition != stored_rv)
      return json_response(409, conflict);
    json object = existing->second;
    remove_locked(path);
    return json_response(200, object);
  }
  return status_response(405, "MethodNotAllowed", request.method + " is not allowed");
}

json FakeApiServer::store_locked(const std::string& path, json object, const std::string& type) {
  ++rv_;
  object["metadata"]["resourceVersion"] = std::to_string(rv_);
  objects_[path] = object;
  const auto route = route_of(path);
  log_.push_back({rv_, type, route->collection, route->namespace_name, object});
  changed_.notify_all();
  return object;
}

void FakeApiServer::remove_locked(const std::string& path) {
  auto it = objects_.find(path);
  if (it == objects_.end())
    return;
  ++rv_;
  json object = it->second;
  object["metadata"]["resourceVersion"] = std::to_string(rv_);
  objects_.erase(it);
  const auto route = route_of(path);
  log_.push_back({rv_, "DELETED", route->collection, route->namespace_name, object});
  changed_.notify_all();
}

json FakeApiServer::put_object(const std::string& path, json object) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool exists = objects_.count(path) > 0;
  return store_locked(path, std::move(object), exists ? "MODIFIED" : "ADDED");
}

void FakeApiServer::delete_object(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  remove_locked(path);
}

std::optional<json> FakeApiServer::object(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(path);
  if (it == objects_.end())
    return std::nullopt;
  return it->second;
}

void FakeApiServer::compact() {
  std::lock_guard<std::mutex> lock(mu_);
  compacted_ = rv_;
}

void FakeApiServer::end_watches() {
  std::lock_guard<std::mutex> lock(mu_);
  ++watch_generation_;
  changed_.notify_all();
}

void FakeApiServer::bookmark() {
  std::lock_guard<std::mutex> lock(mu_);
  log_.push_back(
      {rv_,
       "BOOKMARK",
       "",
       "",
       {{"kind", "Bookmark"}, {"metadata", {{"resourceVersion", std::to_string(rv_)}}}}});
  changed_.notify_all();
}

void FakeApiServer::require_token(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  token_ = token;
}

void FakeApiServer::add_fault(Fault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(std::move(fault));
}

std::vector<net::HttpRequest> FakeApiServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

int64_t FakeApiServer::resource_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rv_;
}

int FakeApiServer::open_watches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_watches_;
}

Result<net::HttpResponse> FakeApiServer::stream_lines(
    const net::HttpRequest& request, const std::function<bool(std::string_view)>& on_line,
    std::shared_ptr<net::Cancellation> cancel, std::chrono::milliseconds /*idle_timeout*/) {
  if (auto answer = check_faults_and_auth(request))
    return *answer;
  const auto route = route_of(request.path);
  if (!route)
    return status_response(404, "NotFound", "no route for " + request.path);
  cancel->on_cancel([this] {
    std::lock_guard<std::mutex> lock(mu_);
    changed_.notify_all();
  });

  std::unique_lock<std::mutex> lock(mu_);
  const std::string since_text = request.query_param("resourceVersion");
  std::vector<std::string> pending;
  std::size_t position = log_.size();
  if (since_text.empty() || since_text == "0") {
    for (const auto& [path, object] : objects_) {
      Event synthetic{0, "ADDED", route_of(path)->collection, route_of(path)->namespace_name,
                      object};
      if (matches(*route, synthetic)) {
        pending.push_back(json({{"type", "ADDED"}, {"object", object}}).dump());
      }
    }
  } else {
    const int64_t since = std::stoll(since_text);
    if (since < compacted_) {
      lock.unlock();
      on_line(json({{"type", "ERROR"},
                    {"object", status_json(410, "Expired",
                                           "too old resource version: " + since_text + " (" +
                                               std::to_string(compacted_) + ")")}})
                  .dump());
      return net::HttpResponse{};
    }
    position = 0;
    while (position < log_.size() && log_[position].rv <= since)
      ++position;
  }

  const int generation = watch_generation_;
  ++open_watches_;
  bool keep_going = true;
  while (keep_going) {
    for (; position < log_.size(); ++position) {
      if (matches(*route, log_[position])) {
        pending.push_back(
            json({{"type", log_[position].type}, {"object", log_[position].object}}).dump());
      }
    }
    // Lines go out without the lock, so a handler may call back into the server.
    lock.unlock();
    for (const std::string& line : pending) {
      if (!on_line(line)) {
        keep_going = false;
        break;
      }
    }
    pending.clear();
    lock.lock();
    if (!keep_going)
      break;
    changed_.wait(lock, [&] {
      return position < log_.size() || watch_generation_ != generation || cancel->cancelled();
    });
    if (watch_generation_ != generation || cancel->cancelled())
      break;
  }
  --open_watches_;
  return net::HttpResponse{};
}

}  // namespace hvo::kube::testing
