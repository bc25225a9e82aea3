// --etcd-compaction-interval: the emulator compacts on its own, as kube-apiserver does every five
// minutes, so a client holding an old resourceVersion eventually gets 410 Expired and relists.
// A control plane of its own, with a one-second interval.
#include <gtest/gtest.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/control_plane.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

TEST(PeriodicCompaction, OldResourceVersionsExpireWithoutAnAdminCompaction) {
  ControlPlaneOptions options;
  options.etcd_compaction_interval = std::chrono::seconds(1);
  ControlPlane plane(options);
  auto client = plane.http_client();
  auto create = [&](const std::string& name) {
    auto response = client->send(
        plane.request("POST", "/api/v1/namespaces/default/configmaps",
                      json({{"metadata", {{"name", name}}}, {"data", {{"k", "v"}}}}).dump()));
    EXPECT_TRUE(response.ok() && response->status == 201)
        << (response.ok() ? response->body : response.error().message());
    return json::parse(response.ok() ? response->body : "{}");
  };
  const json first = create("first");
  create("second");
  const std::string old_version = first["metadata"].value("resourceVersion", "");
  ASSERT_FALSE(old_version.empty());

  // Poll (a generous bound) until a watch from the old version is refused as expired.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  json first_event;
  while (std::chrono::steady_clock::now() < deadline) {
    auto response = client->send(plane.request(
        "GET", "/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1&resourceVersion=" +
                   old_version));
    ASSERT_TRUE(response.ok()) << response.error().message();
    first_event = json::parse(response->body.substr(0, response->body.find('\n')), nullptr,
                              /*allow_exceptions=*/false);
    if (first_event.is_object() && first_event.value("type", "") == "ERROR")
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_TRUE(first_event.is_object()) << "no watch event";
  ASSERT_EQ(first_event.value("type", ""), "ERROR") << first_event.dump();
  EXPECT_EQ(first_event["object"]["code"], 410);
  EXPECT_EQ(first_event["object"]["reason"], "Expired");

  // The current state is still there, and a relist works.
  auto list = client->send(plane.request("GET", "/api/v1/namespaces/default/configmaps"));
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(json::parse(list->body)["items"].size(), 2u);
}

}  // namespace
}  // namespace hvo::testing
