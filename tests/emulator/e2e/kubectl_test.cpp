// The real kubectl (1.32) against the emulator: apply with default validation, printer columns,
// categories, explain, patch, server-side apply, wait, delete with finalizers, get -w.
#include <thread>

#include "tests/emulator/e2e/emulator_fixture.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

const std::string kSource = HVO_SOURCE_DIR;

class Kubectl : public EmulatorTest {
 protected:
  static void SetUpTestSuite() {
    auto crds = plane().kubectl({"apply", "-f", kSource + "/crds/"});
    ASSERT_TRUE(crds.ok()) << crds.err;
  }

  KubectlResult run(const std::vector<std::string>& args, const std::string& input = "") {
    auto result = plane().kubectl(args, input);
    EXPECT_TRUE(result.ok()) << "kubectl";
    return result;
  }
};

std::string widget_yaml(const std::string& ns, const std::string& name, int size) {
  return "apiVersion: example.io/v1\nkind: Widget\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns + "\nspec:\n  size: " + std::to_string(size) + "\n";
}

TEST_F(Kubectl, AppliesCrdsAndExamplesWithDefaultValidation) {
  auto examples = plane().kubectl({"apply", "-f", kSource + "/examples/"});
  ASSERT_TRUE(examples.ok()) << examples.err;
  EXPECT_NE(examples.out.find("virtualmachine.hyperv.operator.io/minimal created"),
            std::string::npos)
      << examples.out;
  auto again = plane().kubectl({"apply", "-f", kSource + "/examples/"});
  ASSERT_TRUE(again.ok()) << again.err;
  EXPECT_NE(again.out.find("virtualmachine.hyperv.operator.io/minimal unchanged"),
            std::string::npos)
      << again.out;
  auto vm = plane().kubectl({"get", "hvm", "minimal", "-n", "team-a", "-o", "json"});
  ASSERT_TRUE(vm.ok()) << vm.err;
  EXPECT_EQ(json::parse(vm.out)["spec"]["runStrategy"], "Always");  // defaulted by the schema
}

TEST_F(Kubectl, UnknownFieldsFailStrictValidation) {
  const std::string ns = make_namespace();
  auto result =
      plane().kubectl({"apply", "-f", "-"}, widget_yaml(ns, "w1", 1) + "  shape: round\n");
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.err.find("unknown field \"spec.shape\""), std::string::npos) << result.err;
}

TEST_F(Kubectl, GetShowsPrinterColumnsAndCategories) {
  const std::string ns = make_namespace();
  run({"apply", "-f", "-"}, widget_yaml(ns, "w1", 4));
  auto table = run({"get", "widgets", "-n", ns});
  EXPECT_NE(table.out.find("NAME"), std::string::npos);
  EXPECT_NE(table.out.find("SIZE"), std::string::npos);
  EXPECT_NE(table.out.find("PHASE"), std::string::npos);
  EXPECT_NE(table.out.find("w1"), std::string::npos);
  auto category = run({"get", "toys", "-n", ns});
  EXPECT_NE(category.out.find("w1"), std::string::npos) << category.out << category.err;

  auto vms = plane().kubectl({"apply", "-f", kSource + "/examples/00-namespaces.yaml", "-f",
                              kSource + "/examples/30-vm-minimal.yaml"});
  ASSERT_TRUE(vms.ok()) << vms.err;
  auto hvm = run({"get", "hvm", "-n", "team-a"});
  for (const char* column : {"PHASE", "HOST", "CPU", "MEMORY", "IP", "READY", "AGE"}) {
    EXPECT_NE(hvm.out.find(column), std::string::npos) << column << " in " << hvm.out;
  }
  EXPECT_NE(hvm.out.find("4Gi"), std::string::npos) << hvm.out;
  auto hyperv = run({"get", "hyperv", "-A"});
  EXPECT_NE(hyperv.out.find("virtualmachine.hyperv.operator.io/minimal"), std::string::npos)
      << hyperv.out;
}

TEST_F(Kubectl, ExplainReadsTheCrdSchema) {
  auto explained = run({"explain", "virtualmachine.spec.memory"});
  EXPECT_NE(explained.out.find("KIND:       VirtualMachine"), std::string::npos) << explained.out;
  EXPECT_NE(explained.out.find("startup"), std::string::npos) << explained.out;
}

TEST_F(Kubectl, PatchMergeAndJson) {
  const std::string ns = make_namespace();
  run({"apply", "-f", "-"}, widget_yaml(ns, "w1", 1));
  run({"patch", "widget", "w1", "-n", ns, "--type", "merge", "-p", R"({"spec":{"size":5}})"});
  run({"patch", "widget", "w1", "-n", ns, "--type", "json", "-p",
       R"([{"op":"replace","path":"/spec/color","value":"red"}])"});
  auto read = run({"get", "widget", "w1", "-n", ns, "-o", "json"});
  const json widget = json::parse(read.out);
  EXPECT_EQ(widget["spec"]["size"], 5);
  EXPECT_EQ(widget["spec"]["color"], "red");
  EXPECT_EQ(widget["metadata"]["generation"], 3);
}

TEST_F(Kubectl, ServerSideApply) {
  const std::string ns = make_namespace();
  auto created = run({"apply", "--server-side", "-f", "-"}, widget_yaml(ns, "w1", 2));
  EXPECT_NE(created.out.find("serverside-applied"), std::string::npos) << created.out;
  run({"apply", "--server-side", "-f", "-"}, widget_yaml(ns, "w1", 3));
  auto read = run({"get", "widget", "w1", "-n", ns, "-o", "json", "--show-managed-fields"});
  const json widget = json::parse(read.out);
  EXPECT_EQ(widget["spec"]["size"], 3);
  EXPECT_EQ(widget["metadata"]["managedFields"][0]["manager"], "kubectl");
}

TEST_F(Kubectl, ServerSideApplyConflictsWithAnotherManagerUnlessForced) {
  const std::string ns = make_namespace();
  run({"apply", "--server-side", "--field-manager", "alice", "-f", "-"}, widget_yaml(ns, "w1", 2));
  const auto refused = plane().kubectl(
      {"apply", "--server-side", "--field-manager", "bob", "-f", "-"}, widget_yaml(ns, "w1", 3));
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.err.find("conflict"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find(".spec.size"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("alice"), std::string::npos) << refused.err;

  run({"apply", "--server-side", "--field-manager", "bob", "--force-conflicts", "-f", "-"},
      widget_yaml(ns, "w1", 3));
  auto read = run({"get", "widget", "w1", "-n", ns, "-o", "json", "--show-managed-fields"});
  const json widget = json::parse(read.out);
  EXPECT_EQ(widget["spec"]["size"], 3);
  for (const auto& entry : widget["metadata"]["managedFields"]) {
    const bool owns_size =
        entry["fieldsV1"].contains("f:spec") && entry["fieldsV1"]["f:spec"].contains("f:size");
    EXPECT_EQ(owns_size, entry["manager"] == "bob") << entry.dump();
  }
}

TEST_F(Kubectl, WaitReturnsWhenReadyIsSetAtTheCurrentGeneration) {
  const std::string ns = make_namespace();
  json widget = create_widget(ns, "w1", 1);
  auto waiter = plane().spawn_kubectl(
      {"wait", "--for=condition=Ready", "widget/w1", "-n", ns, "--timeout=60s"});
  // A Ready condition for an older generation does not count.
  widget["status"] = {{"conditions",
                       {{{"type", "Ready"},
                         {"status", "True"},
                         {"observedGeneration", 0},
                         {"reason", "Old"},
                         {"message", "m"},
                         {"lastTransitionTime", "2026-01-01T00:00:00Z"}}}}};
  widget = expect(200, "PUT", widgets(ns) + "/w1/status", widget);
  widget["status"]["conditions"][0]["observedGeneration"] = 1;
  expect(200, "PUT", widgets(ns) + "/w1/status", widget);
  auto output = waiter.read_all(std::chrono::seconds(60));
  ASSERT_TRUE(output.ok());
  auto status = waiter.wait();
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->success()) << output->err;
  EXPECT_NE(output->out.find("condition met"), std::string::npos) << output->out;
}

TEST_F(Kubectl, DeleteWaitsForFinalizers) {
  const std::string ns = make_namespace();
  json widget = create_widget(ns, "w1", 1);
  expect(200, "PATCH", widgets(ns) + "/w1", {{"metadata", {{"finalizers", {"example.io/hold"}}}}},
         "application/merge-patch+json");
  auto deleter = plane().spawn_kubectl({"delete", "widget", "w1", "-n", ns, "--timeout=60s"});
  json current;
  for (int i = 0; i < 200; ++i) {
    current = expect(200, "GET", widgets(ns) + "/w1");
    if (current["metadata"].contains("deletionTimestamp"))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(current["metadata"].contains("deletionTimestamp"));
  EXPECT_TRUE(deleter.running());
  expect(200, "PATCH", widgets(ns) + "/w1", {{"metadata", {{"finalizers", nullptr}}}},
         "application/merge-patch+json");
  auto output = deleter.read_all(std::chrono::seconds(60));
  ASSERT_TRUE(output.ok());
  auto status = deleter.wait();
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->success()) << output->err;
  EXPECT_EQ(send("GET", widgets(ns) + "/w1").status, 404);
}

TEST_F(Kubectl, GetWatchPrintsRowsAsObjectsChange) {
  const std::string ns = make_namespace();
  create_widget(ns, "w1", 1);
  auto watcher = plane().spawn_kubectl({"get", "widgets", "-n", ns, "-w"});
  auto header = watcher.read_until(process::Stream::kStdout, "\n", std::chrono::seconds(30));
  ASSERT_TRUE(header.ok());
  EXPECT_NE(header->find("SIZE"), std::string::npos) << *header;
  auto first = watcher.read_until(process::Stream::kStdout, "\n", std::chrono::seconds(30));
  ASSERT_TRUE(first.ok());
  EXPECT_NE(first->find("w1"), std::string::npos);
  expect(200, "PATCH", widgets(ns) + "/w1", {{"spec", {{"size", 8}}}},
         "application/merge-patch+json");
  auto changed = watcher.read_until(process::Stream::kStdout, "\n", std::chrono::seconds(30));
  ASSERT_TRUE(changed.ok());
  EXPECT_NE(changed->find("w1"), std::string::npos);
  EXPECT_NE(changed->find("8"), std::string::npos) << *changed;
  watcher.stop(std::chrono::seconds(2));
}

}  // namespace
}  // namespace hvo::testing
