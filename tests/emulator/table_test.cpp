#include "tools/apiserver-lite/table/table_converter.h"

#include <gtest/gtest.h>

#include "api/k8s/time.h"
#include "tools/apiserver-lite/table/json_path.h"
#include "tools/apiserver-lite/util/human_duration.h"

namespace hvo::apiserver {
namespace {

using nlohmann::json;

const json kVm = json::parse(R"({
  "metadata": {"name": "vm1", "creationTimestamp": "2026-01-01T00:00:00Z",
               "labels": {"app.kubernetes.io/name": "web"}},
  "spec": {"cpu": {"count": 2}, "disks": [{"name": "os"}, {"name": "data"}]},
  "status": {"conditions": [{"type": "Scheduled", "status": "True"},
                            {"type": "Ready", "status": "False"}]}})");

TEST(JsonPath, SelectsFieldsIndexesWildcardsAndFilters) {
  EXPECT_EQ(json_path_find(kVm, ".spec.cpu.count")->at(0), 2);
  EXPECT_EQ(json_path_find(kVm, ".spec.disks[1].name")->at(0), "data");
  EXPECT_EQ(json_path_find(kVm, ".spec.disks[*].name")->size(), 2u);
  EXPECT_EQ(json_path_find(kVm, ".status.conditions[?(@.type==\"Ready\")].status")->at(0), "False");
  EXPECT_EQ(json_path_find(kVm, ".metadata.labels['app.kubernetes.io/name']")->at(0), "web");
  EXPECT_TRUE(json_path_find(kVm, ".status.phase")->empty());
  EXPECT_FALSE(json_path_find(kVm, ".spec.disks[x").has_value());
}

TEST(HumanDuration, FollowsApimachinery) {
  struct Case {
    long long seconds;
    const char* text;
  };
  for (const auto& c : {Case{5, "5s"}, Case{119, "119s"}, Case{150, "2m30s"}, Case{600, "10m"},
                        Case{3 * 3600 + 20 * 60, "3h20m"}, Case{10 * 3600, "10h"},
                        Case{3 * 86400 + 3600, "3d1h"}, Case{30 * 86400, "30d"}}) {
    EXPECT_EQ(human_duration(std::chrono::seconds(c.seconds)), c.text) << c.seconds;
  }
}

TEST(TableConverter, NameThenPrinterColumnsWithAgesAndNulls) {
  ResourceType type;
  type.kind = "VirtualMachine";
  type.printer_columns = {
      {"Phase", "string", "", "", ".status.phase", 0, false, {}},
      {"CPU", "integer", "", "", ".spec.cpu.count", 0, false, {}},
      {"Ready", "string", "", "", ".status.conditions[?(@.type==\"Ready\")].status", 0, false, {}},
      {"Age", "date", "", "", ".metadata.creationTimestamp", 0, false, {}}};
  const auto now = *k8s::parse_rfc3339("2026-01-01T00:05:00Z");
  const json table =
      to_table(type, {kVm}, {{"resourceVersion", "7"}}, IncludeObject::kMetadata,
               std::chrono::time_point_cast<std::chrono::system_clock::duration>(now));
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["columnDefinitions"][0]["name"], "Name");
  EXPECT_EQ(table["columnDefinitions"][4]["name"], "Age");
  const json& cells = table["rows"][0]["cells"];
  EXPECT_EQ(cells, json({"vm1", nullptr, 2, "False", "5m"}));
  EXPECT_EQ(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  EXPECT_EQ(table["metadata"]["resourceVersion"], "7");
}

}  // namespace
}  // namespace hvo::apiserver
