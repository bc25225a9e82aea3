// An in-memory stand-in for the API server behind the HttpClient seam: objects of any resource,
// resourceVersions from one counter, optimistic concurrency (409 on a stale PUT), paged LIST,
// WATCH streams with an event log, compaction (410 for older resourceVersions), bearer-token
// checks and scripted faults. Unit tests of the REST client, reflector, informer, leader elector
// and event recorder run against it without any process.
#pragma once

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/net/http_client.h"

namespace hvo::kube::testing {

using nlohmann::json;

class FakeApiServer final : public net::HttpClient {
 public:
  // A fault answers a request instead of the server when it returns a value.
  using Fault = std::function<std::optional<Result<net::HttpResponse>>(const net::HttpRequest&)>;

  Result<net::HttpResponse> send(const net::HttpRequest& request) override;
  Result<net::HttpResponse> stream_lines(const net::HttpRequest& request,
                                         const std::function<bool(std::string_view)>& on_line,
                                         std::shared_ptr<net::Cancellation> cancel,
                                         std::chrono::milliseconds idle_timeout) override;

  // Direct manipulation, as another client of the API would do it. Each bumps the
  // resourceVersion and is seen by watches. `path` is the object's URL path.
  json put_object(const std::string& path, json object);
  void delete_object(const std::string& path);
  std::optional<json> object(const std::string& path) const;

  // Forget events up to now: watches from an older resourceVersion get 410 Expired.
  void compact();
  // Ends every open watch stream (as a server restart or timeout would).
  void end_watches();
  // Sends a BOOKMARK with the current resourceVersion to every open watch.
  void bookmark();
  // Requests must carry "Bearer <token>" (401 otherwise); empty disables the check.
  void require_token(const std::string& token);
  // Faults are consulted in order; each is dropped after it answered once.
  void add_fault(Fault fault);

  std::vector<net::HttpRequest> requests() const;
  int64_t resource_version() const;
  int open_watches() const;

 private:
  struct Event {
    int64_t rv;
    std::string type;
    std::string collection;  // the object's collection path (for filtering)
    std::string namespace_name;
    json object;
  };
  struct Route {
    std::string collection;      // e.g. "/apis/g/v/namespaces/ns/things" or "/api/v1/leases"
    std::string resource;        // plural
    std::string namespace_name;  // empty for cluster-wide or cluster-scoped
    std::string name;
    std::string subresource;
    std::string prefix;  // "/api/v1" or "/apis/g/v"
  };

  static std::optional<Route> route_of(const std::string& path);
  std::optional<Result<net::HttpResponse>> check_faults_and_auth(const net::HttpRequest& request);
  net::HttpResponse handle(const net::HttpRequest& request, const Route& route);
  net::HttpResponse list_locked(const net::HttpRequest& request, const Route& route);
  net::HttpResponse write_locked(const net::HttpRequest& request, const Route& route);
  json store_locked(const std::string& path, json object, const std::string& type);
  void remove_locked(const std::string& path);
  bool matches(const Route& watch, const Event& event) const;

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, json> objects_;  // object path -> object
  std::vector<Event> log_;
  int64_t rv_ = 100;
  int64_t compacted_ = 0;
  int watch_generation_ = 0;
  int open_watches_ = 0;
  std::string token_;
  std::deque<Fault> faults_;
  std::vector<net::HttpRequest> requests_;
};

net::HttpResponse status_response(int code, const std::string& reason, const std::string& message);

// Faults: answer with `response` instead of the server; fail as the transport would (connection
// refused: kUnavailable); or run `side_effect` first and then let the server answer.
FakeApiServer::Fault answer_with(net::HttpResponse response);
FakeApiServer::Fault fail_with(Error error);
FakeApiServer::Fault pass_through(std::function<void()> side_effect);

}  // namespace hvo::kube::testing
