// The host monitor's view of the VM cache: the few fields drift detection needs, read from the
// cached JSON and kept per host as VMs are placed, change, move and go.
#include "controllers/vm_observations.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace hvo::controllers {
namespace {

struct ObserveCase {
  std::string name;
  const char* json;
  VmObservation want;
};
void PrintTo(const ObserveCase& row, std::ostream* out) {
  *out << row.name;
}

VmObservation observation(std::string host, std::string vm_id, std::string power_state,
                          std::vector<std::string> ips = {}, bool deleting = false) {
  VmObservation vm;
  vm.key = "team-a/web-1";
  vm.uid = "u-1";
  vm.host = std::move(host);
  vm.vm_id = std::move(vm_id);
  vm.power_state = std::move(power_state);
  vm.ip_addresses = std::move(ips);
  vm.deleting = deleting;
  return vm;
}

class ObserveVmTest : public ::testing::TestWithParam<ObserveCase> {};

TEST_P(ObserveVmTest, ReadsTheDriftFieldsFromTheJson) {
  const ObserveCase& row = GetParam();
  EXPECT_EQ(observe_vm("team-a/web-1", nlohmann::json::parse(row.json)), row.want);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ObserveVmTest,
    ::testing::Values(
        ObserveCase{"Running",
                    R"({"metadata": {"uid": "u-1"},
                        "status": {"host": "hv-01", "vmId": "g-1", "powerState": "Running",
                                   "ipAddresses": ["10.0.0.5", "fe80::1"]}})",
                    observation("hv-01", "g-1", "Running", {"10.0.0.5", "fe80::1"})},
        ObserveCase{"NoStatusYet", R"({"metadata": {"uid": "u-1"}})", observation("", "", "")},
        ObserveCase{"Deleting",
                    R"({"metadata": {"uid": "u-1", "deletionTimestamp": "2026-12-07T00:00:00Z"},
                        "status": {"host": "hv-01", "vmId": "g-1", "powerState": "Off"}})",
                    observation("hv-01", "g-1", "Off", {}, true)},
        ObserveCase{"NullDeletionTimestamp",
                    R"({"metadata": {"uid": "u-1", "deletionTimestamp": null},
                        "status": {"host": "hv-01"}})",
                    observation("hv-01", "", "")},
        ObserveCase{"MistypedFieldsReadAsEmpty",
                    R"({"metadata": {"uid": "u-1"},
                        "status": {"host": "hv-01", "vmId": 7, "powerState": null,
                                   "ipAddresses": ["10.0.0.5", 3]}})",
                    observation("hv-01", "", "", {"10.0.0.5"})},
        ObserveCase{"StatusNotAnObject", R"({"metadata": {"uid": "u-1"}, "status": []})",
                    observation("", "", "")}),
    [](const ::testing::TestParamInfo<ObserveCase>& info) { return info.param.name; });

kube::ObjectPtr vm_json(const std::string& name, const std::string& host,
                        const std::string& power_state = "Running") {
  nlohmann::json vm = {
      {"metadata", {{"name", name}, {"namespace", "team-a"}, {"uid", "u-" + name}}},
      {"status", {{"vmId", "g-" + name}, {"powerState", power_state}}}};
  if (!host.empty())
    vm["status"]["host"] = host;
  return std::make_shared<const nlohmann::json>(std::move(vm));
}

std::vector<std::string> keys(const std::vector<VmObservation>& vms) {
  std::vector<std::string> out;
  for (const auto& vm : vms)
    out.push_back(vm.key);
  return out;
}

class VmObservationsTest : public ::testing::Test {
 protected:
  VmObservationsTest() { store.add_observer(observations.observer()); }

  kube::Store store;
  VmObservations observations;
};

TEST_F(VmObservationsTest, PlacedVmsAreListedUnderTheirHostSortedByKey) {
  store.upsert("team-a/web-2", vm_json("web-2", "hv-01"));
  store.upsert("team-a/web-1", vm_json("web-1", "hv-01"));
  store.upsert("team-a/db-1", vm_json("db-1", "hv-02"));
  store.upsert("team-a/pending", vm_json("pending", ""));

  EXPECT_EQ(keys(observations.on_host("hv-01")),
            (std::vector<std::string>{"team-a/web-1", "team-a/web-2"}));
  EXPECT_EQ(keys(observations.on_host("hv-02")), std::vector<std::string>{"team-a/db-1"});
  EXPECT_TRUE(observations.on_host("hv-03").empty());
  EXPECT_EQ(observations.size(), 3u);  // the unplaced VM is nobody's concern
}

TEST_F(VmObservationsTest, AChangedVmIsSeenAsItIsNow) {
  store.upsert("team-a/web-1", vm_json("web-1", "hv-01", "Running"));
  store.upsert("team-a/web-1", vm_json("web-1", "hv-01", "Off"));

  const auto on_host = observations.on_host("hv-01");
  ASSERT_EQ(on_host.size(), 1u);
  EXPECT_EQ(on_host[0].power_state, "Off");
}

TEST_F(VmObservationsTest, AMovedVmLeavesItsOldHost) {
  store.upsert("team-a/web-1", vm_json("web-1", "hv-01"));
  store.upsert("team-a/web-1", vm_json("web-1", "hv-02"));

  EXPECT_TRUE(observations.on_host("hv-01").empty());
  EXPECT_EQ(keys(observations.on_host("hv-02")), std::vector<std::string>{"team-a/web-1"});
  EXPECT_EQ(observations.size(), 1u);
}

TEST_F(VmObservationsTest, ARemovedOrUnplacedVmIsForgotten) {
  store.upsert("team-a/web-1", vm_json("web-1", "hv-01"));
  store.upsert("team-a/web-2", vm_json("web-2", "hv-01"));

  store.remove("team-a/web-1");
  store.upsert("team-a/web-2", vm_json("web-2", ""));

  EXPECT_TRUE(observations.on_host("hv-01").empty());
  EXPECT_EQ(observations.size(), 0u);
}

TEST(VmObservations, VmsCachedBeforeRegistrationAreObserved) {
  kube::Store store;
  store.upsert("team-a/web-1", vm_json("web-1", "hv-01"));
  VmObservations observations;

  store.add_observer(observations.observer());

  EXPECT_EQ(keys(observations.on_host("hv-01")), std::vector<std::string>{"team-a/web-1"});
}

}  // namespace
}  // namespace hvo::controllers
