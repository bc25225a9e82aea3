#include "tests/emulator/e2e/emulator_fixture.h"

#include <atomic>
#include <random>

namespace hvo::testing {

using nlohmann::json;

namespace {

const char* kWidgetCrd = R"({
  "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
  "metadata": {"name": "widgets.example.io"},
  "spec": {"group": "example.io", "scope": "Namespaced",
    "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "shortNames": ["wd"],
              "categories": ["toys"]},
    "versions": [{"name": "v1", "served": true, "storage": true,
      "subresources": {"status": {}},
      "additionalPrinterColumns": [
        {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
        {"name": "Phase", "type": "string", "jsonPath": ".status.phase"}],
      "schema": {"openAPIV3Schema": {"type": "object", "properties": {
        "spec": {"type": "object", "required": ["size"], "properties": {
          "size": {"type": "integer", "minimum": 0},
          "color": {"type": "string", "default": "blue"},
          "tags": {"type": "array", "items": {"type": "string"}}}},
        "status": {"type": "object", "properties": {
          "phase": {"type": "string"},
          "observedGeneration": {"type": "integer"},
          "conditions": {"type": "array", "items": {"type": "object",
            "x-kubernetes-preserve-unknown-fields": true}}}}}}}}]}})";

}  // namespace

ControlPlane& EmulatorTest::plane() {
  static std::unique_ptr<ControlPlane> shared = [] {
    ControlPlaneOptions options;
    options.audit_log = true;
    auto created = std::make_unique<ControlPlane>(options);
    auto client = created->http_client();
    auto response = client->send(created->request(
        "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", kWidgetCrd));
    if (!response.ok() || response->status != 201) {
      throw std::runtime_error("installing the Widget CRD failed: " +
                               (response.ok() ? response->body : response.error().message()));
    }
    return created;
  }();
  return *shared;
}

std::string EmulatorTest::make_namespace() {
  static std::atomic<int> counter{0};
  std::random_device random;
  const std::string name =
      "t" + std::to_string(counter++) + "-" + std::to_string(random() % 100000);
  expect(201, "POST", "/api/v1/namespaces", {{"metadata", {{"name", name}}}});
  return name;
}

net::HttpResponse EmulatorTest::send(const std::string& method, const std::string& path,
                                     const std::string& body, const std::string& content_type) {
  auto response = plane().http_client()->send(plane().request(method, path, body, content_type));
  if (!response.ok()) {
    ADD_FAILURE() << method << " " << path << ": " << response.error().message();
    return net::HttpResponse{0, {}, ""};
  }
  return std::move(response).value();
}

json EmulatorTest::expect(int status, const std::string& method, const std::string& path,
                          const json& body, const std::string& content_type) {
  const auto response = send(method, path, body.is_null() ? "" : body.dump(), content_type);
  EXPECT_EQ(response.status, status) << method << " " << path << " -> " << response.body;
  const json parsed = json::parse(response.body, nullptr, false);
  return parsed.is_discarded() ? json() : parsed;
}

json EmulatorTest::create_widget(const std::string& ns, const std::string& name, int size,
                                 const json& labels) {
  return expect(201, "POST", widgets(ns),
                {{"apiVersion", "example.io/v1"},
                 {"kind", "Widget"},
                 {"metadata", {{"name", name}, {"labels", labels}}},
                 {"spec", {{"size", size}}}});
}

WatchReader::WatchReader(ControlPlane& plane, const std::string& path_and_query)
    : client_(plane.http_client()) {
  auto request = plane.request("GET", path_and_query);
  thread_ = std::thread([this, request] {
    // A refused or broken stream just ends the reader: the test then sees no further events.
    static_cast<void>(client_->stream_lines(
        request,
        [this](std::string_view line) {
          std::lock_guard<std::mutex> lock(mu_);
          lines_.emplace_back(line);
          cv_.notify_all();
          return true;
        },
        cancel_, std::chrono::minutes(5)));
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    cv_.notify_all();
  });
}

WatchReader::~WatchReader() {
  cancel_->cancel();
  thread_.join();
}

std::optional<json> WatchReader::next(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, wait, [this] { return !lines_.empty() || done_; });
  if (lines_.empty())
    return std::nullopt;
  const std::string line = lines_.front();
  lines_.pop_front();
  return json::parse(line, nullptr, false);
}

bool WatchReader::ended(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, wait, [this] { return done_; });
}

}  // namespace hvo::testing
