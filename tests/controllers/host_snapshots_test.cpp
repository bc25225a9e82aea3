// Placement's host snapshots are converted once per version of a host object: an unchanged host
// costs a placement no decoding and no copying, a changed one is converted again.
#include "controllers/host_snapshots.h"

#include <gtest/gtest.h>

#include "controllers/decoded_hosts.h"
#include "operator/store.h"

namespace hvo::controllers {
namespace {

kube::ObjectPtr host(const std::string& name, const std::string& version,
                     const std::string& image = "ubuntu") {
  return std::make_shared<const nlohmann::json>(
      nlohmann::json{{"apiVersion", "hyperv.operator.io/v1alpha1"},
                     {"kind", "HyperVHost"},
                     {"metadata", {{"name", name}, {"resourceVersion", version}}},
                     {"spec",
                      {{"address", "https://" + name + ":9443"},
                       {"credentialsSecretRef", {{"name", "s"}, {"namespace", "hyperv-system"}}}}},
                     {"status",
                      {{"allocatable", {{"cpu", 16}, {"memory", "64Gi"}, {"storage", "1Ti"}}},
                       {"images", {{{"name", image}}}}}}});
}

class HostSnapshotsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"hv-b", "hv-a", "hv-c"})
      store.upsert(name, host(name, "1"));
  }
  std::vector<HostSnapshot>& update() { return snapshots.update(decoded.all()); }

  kube::Store store;
  DecodedHosts decoded{store};
  HostSnapshots snapshots;
};

TEST_F(HostSnapshotsTest, UnchangedHostsAreNotConvertedAgain) {
  const auto& first = update();
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].name, "hv-a");
  EXPECT_EQ(first[2].name, "hv-c");
  EXPECT_EQ(snapshots.rebuilt(), 3u);
  update();
  update();
  EXPECT_EQ(snapshots.rebuilt(), 3u);
  // The same version delivered again (a relist) is still the same host.
  store.upsert("hv-b", host("hv-b", "1"));
  update();
  EXPECT_EQ(snapshots.rebuilt(), 3u);
}

TEST_F(HostSnapshotsTest, AChangedHostIsConvertedAgainAndOnlyIt) {
  update();
  store.upsert("hv-b", host("hv-b", "2", "rocky-10"));
  const auto& after = update();
  EXPECT_EQ(snapshots.rebuilt(), 4u);
  EXPECT_TRUE(after[1].images.count("rocky-10"));
  EXPECT_TRUE(after[0].images.count("ubuntu"));
}

TEST_F(HostSnapshotsTest, AddedAndRemovedHostsKeepTheOrderByName) {
  update();
  store.upsert("hv-0", host("hv-0", "5"));
  store.remove("hv-c");
  const auto& after = update();
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0].name, "hv-0");
  EXPECT_EQ(after[1].name, "hv-a");
  EXPECT_EQ(after[2].name, "hv-b");
}

// The per-placement fields are the caller's: what it set stays until it sets them again.
TEST_F(HostSnapshotsTest, PerPlacementFieldsAreLeftToTheCaller) {
  auto& first = update();
  first[0].allocated.cpu = 4;
  first[0].quota_denial = "quota q";
  const auto& again = update();
  EXPECT_EQ(again[0].allocated.cpu, 4);
  EXPECT_EQ(again[0].quota_denial, std::optional<std::string>("quota q"));
}

}  // namespace
}  // namespace hvo::controllers
