#include "tests/support/operator_cluster.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

#include "common/net/http_server.h"
#include "tests/support/chart_rbac.h"
#include "tests/support/test_ports.h"

namespace hvo::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(60);
const std::string kGroupPath = "/apis/hyperv.operator.io/v1alpha1";

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out)
    throw std::runtime_error("operator cluster: cannot write " + path);
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  return text;
}

std::string tail_of(const std::string& text) {
  return text.size() > 3000 ? text.substr(text.size() - 3000) : text;
}

// Go's duration spelling, as the operator's flags take it.
std::string go_duration(std::chrono::milliseconds value) {
  return std::to_string(value.count()) + "ms";
}

SimHostShape shape_of(int index) {
  char name[16];
  std::snprintf(name, sizeof name, "hv-%02d", index);
  const bool odd = index % 2 == 1;
  return {name, odd ? "rack-a" : "rack-b", odd ? "ssd" : "hdd"};
}

// Waits until `ready` holds, up to kStartTimeout; `what` and `log` explain a failure.
void wait_until(const std::string& what, const std::function<bool()>& ready,
                const std::function<std::string()>& log) {
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready())
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("operator cluster: " + what + " did not become ready; log tail:\n" +
                           tail_of(log()));
}

// The agent's config with the sim driver (paths relative to the agent's directory).
std::string sim_config(const SimHostShape& shape, const std::string& dir, uint16_t port,
                       const OperatorClusterOptions& options) {
  std::ostringstream config;
  config << "listen: 127.0.0.1:" << port << "\n"
         << "tls: {certFile: server.crt, keyFile: server.key, clientCAFile: ca.crt}\n"
         << "auth: {tokenFile: token}\n"
         << "driver: sim\n"
         << "paths: {dataDir: data}\n"
         << "sim:\n"
         << "  hostName: " << shape.name << "\n"
         << "  capacity: {cpu: " << options.host_cpu
         << ", memoryBytes: " << options.host_memory_bytes << ", storageBytes: " << (4LL << 40)
         << "}\n"
         << "  switches: [{name: external, type: External}, {name: internal, type: Internal}]\n"
         << "  images: [{name: ubuntu-24.04, sizeBytes: " << (3LL << 30)
         << "}, {name: rocky-9, sizeBytes: " << (2LL << 30) << "}]\n"
         << "  stateFile: data/sim-state.json\n"
         << "  latencies: {createMs: " << options.create_ms << ", startMs: " << options.start_ms
         << ", stopMs: " << options.stop_ms << ", migrateMs: " << options.migrate_ms << "}\n"
         << "  testEndpoints: true\n";
  if (options.sim_fabric)
    config << "  fabricDir: " << dir << "/../fabric\n";
  return config.str();
}

// The agent's config with the hyperv driver: pwsh runs the real scripts; VMs and images live in
// the agent's directory (the model keeps its VHDs as placeholder files at their paths).
std::string hyperv_config(const std::string& dir, uint16_t port, const HypervModelHosts& model) {
  std::ostringstream config;
  config << "listen: 127.0.0.1:" << port << "\n"
         << "tls: {certFile: server.crt, keyFile: server.key, clientCAFile: ca.crt}\n"
         << "auth: {tokenFile: token}\n"
         << "driver: hyperv\n"
         << "paths: {dataDir: " << dir << "/data, vmDir: " << dir << "/vms, imageDir: " << dir
         << "/images}\n"
         << "hyperv: {powershell: " << model.pwsh << ", scriptDir: " << HVO_SOURCE_DIR
         << "/hostagent/scripts, callTimeoutMs: 120000}\n";
  return config.str();
}

// Seeds the host's model state (the sim hosts' switches and images, its capacity) with the
// model's own helper, and returns the environment that loads the model (its README's contract).
std::map<std::string, std::string> seed_model(const SimHostShape& shape, const std::string& dir,
                                              const OperatorClusterOptions& options) {
  const std::string model = std::string(HVO_SOURCE_DIR) + "/tests/agent/hyperv-model";
  const char* inherited = std::getenv("PSModulePath");
  std::map<std::string, std::string> env = {
      {"PSModulePath", model + "/modules:" + (inherited ? inherited : "")},
      {"HVMODEL_STATE", dir + "/model/state.json"},
      {"HVMODEL_CACHE", std::string(HVO_BINARY_DIR) + "/hvmodel-cache"}};
  std::filesystem::create_directories(dir + "/vms");
  process::Options seed;
  seed.argv = {options.hyperv_model->pwsh,
               "-NoLogo",
               "-NoProfile",
               "-NonInteractive",
               "-Command",
               "Import-Module (Join-Path $env:HVO_MODEL_DIR 'HvModel.psm1'); "
               "Initialize-HvModel -StatePath $env:HVMODEL_STATE -Switches @("
               "@{ name = 'external'; switchType = 'External' }, "
               "@{ name = 'internal'; switchType = 'Internal' }) -ImageDir $env:HVO_IMAGE_DIR "
               "-Images @{ 'ubuntu-24.04' = 3GB; 'rocky-9' = 2GB } -HostInfo @{ "
               "name = $env:HVO_HOST_NAME; logicalProcessorCount = [int]$env:HVO_HOST_CPU; "
               "memoryCapacityBytes = [int64]$env:HVO_HOST_MEMORY; "
               "freeMemoryBytes = [int64]$env:HVO_HOST_MEMORY }"};
  seed.env = env;
  seed.env["HVO_MODEL_DIR"] = model;
  seed.env["HVO_IMAGE_DIR"] = dir + "/images";
  seed.env["HVO_HOST_NAME"] = shape.name;
  seed.env["HVO_HOST_CPU"] = std::to_string(options.host_cpu);
  seed.env["HVO_HOST_MEMORY"] = std::to_string(options.host_memory_bytes);
  seed.std_out = process::Stdio::pipe();
  seed.std_err = process::Stdio::pipe();
  auto child = process::Process::spawn(seed);
  if (!child.ok())
    throw std::runtime_error("operator cluster: " + child.error().message());
  auto output = child->read_all(std::chrono::seconds(120));
  auto status = child->wait(std::chrono::seconds(30));
  if (!output.ok() || !status.ok() || status->code != 0) {
    throw std::runtime_error("operator cluster: seeding the Hyper-V model of " + shape.name +
                             " failed: " + (output.ok() ? output->err : output.error().message()));
  }
  return env;
}
}  // namespace

std::string agent_binary() {
  return std::string(HVO_BINARY_DIR) + "/hostagent/hyperv-agent";
}

std::string operator_binary() {
  return std::string(HVO_BINARY_DIR) + "/operator/hyperv-operator";
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return done();
}

std::optional<json> find_condition(const json& object, const std::string& type) {
  if (!object.contains("status") || !object["status"].contains("conditions"))
    return std::nullopt;
  for (const auto& condition : object["status"]["conditions"]) {
    if (condition.value("type", "") == type)
      return condition;
  }
  return std::nullopt;
}

bool condition_is(const json& object, const std::string& type, const std::string& status) {
  const auto condition = find_condition(object, type);
  return condition && condition->value("status", "") == status;
}

// ---- SimAgent ----------------------------------------------------------------------------

SimAgent::SimAgent(SimHostShape shape, const std::string& dir,
                   const OperatorClusterOptions& options)
    : shape_(std::move(shape)), dir_(dir), port_(reserve_test_port()) {
  std::filesystem::create_directories(dir_ + "/data");
  process::Options certs;
  certs.argv = {agent_binary(),
                "certs",
                "--out-dir",
                dir_,
                "--host",
                shape_.name,
                "--dns",
                "localhost",
                "--ip",
                "127.0.0.1",
                "--secret-name",
                shape_.name + "-credentials",
                "--secret-namespace",
                "hyperv-system"};
  certs.std_out = process::Stdio::pipe();
  certs.std_err = process::Stdio::pipe();
  auto child = process::Process::spawn(certs);
  if (!child.ok())
    throw std::runtime_error("operator cluster: " + child.error().message());
  auto output = child->read_all(std::chrono::seconds(60));
  auto status = child->wait(std::chrono::seconds(10));
  if (!output.ok() || !status.ok() || status->code != 0) {
    throw std::runtime_error("operator cluster: hyperv-agent certs for " + shape_.name +
                             " failed: " + (output.ok() ? output->err : output.error().message()));
  }
  secret_manifest_ = output->out;
  token_ = trimmed(read_text(dir_ + "/token"));

  write_text(dir_ + "/agent.yaml", options.hyperv_model
                                       ? hyperv_config(dir_, port_, *options.hyperv_model)
                                       : sim_config(shape_, dir_, port_, options));
  if (options.hyperv_model)
    model_env_ = seed_model(shape_, dir_, options);

  net::HttpClientConfig client;
  client.base_url = address();
  client.tls.ca_file = dir_ + "/ca.crt";
  client.tls.cert_file = dir_ + "/client.crt";
  client.tls.key_file = dir_ + "/client.key";
  client.timeout = std::chrono::seconds(15);
  auto created = net::HttpClient::create(client);
  if (!created.ok())
    throw std::runtime_error("operator cluster: agent client: " + created.error().message());
  client_ = std::move(created).value();
}

SimAgent::~SimAgent() {
  if (process_)
    process_->stop(std::chrono::seconds(5));
}

std::string SimAgent::address() const {
  return "https://127.0.0.1:" + std::to_string(port_);
}

std::string SimAgent::host_manifest() const {
  std::ostringstream yaml;
  yaml << "apiVersion: hyperv.operator.io/v1alpha1\n"
       << "kind: HyperVHost\n"
       << "metadata:\n"
       << "  name: " << shape_.name << "\n"
       << "  labels:\n"
       << "    hyperv.operator.io/storage: " << shape_.storage << "\n"
       << "    topology.kubernetes.io/zone: " << shape_.zone << "\n"
       << "spec:\n"
       << "  address: " << address() << "\n"
       << "  credentialsSecretRef: {name: " << shape_.name
       << "-credentials, namespace: hyperv-system}\n"
       << "  zone: " << shape_.zone << "\n";
  return yaml.str();
}

void SimAgent::start() {
  process::Options options;
  options.argv = {agent_binary(), "--config", dir_ + "/agent.yaml"};
  options.working_dir = dir_;
  options.env = model_env_;
  options.std_out = process::Stdio::append_to(dir_ + "/agent.log");
  options.std_err = process::Stdio::append_to(dir_ + "/agent.log");
  options.new_process_group = true;
  auto spawned = process::Process::spawn(options);
  if (!spawned.ok())
    throw std::runtime_error("operator cluster: " + spawned.error().message());
  process_.emplace(std::move(spawned).value());
  wait_until(
      shape_.name,
      [&] {
        if (!process_->running())
          throw std::runtime_error("operator cluster: agent " + shape_.name +
                                   " exited; log tail:\n" + tail_of(log()));
        auto response = call("GET", "/healthz");
        return response.status == 200;
      },
      [&] { return log(); });
}

void SimAgent::kill() {
  if (!process_)
    return;
  // Already gone is fine: the point is that it is not running afterwards.
  (void)process_->kill();
  (void)process_->wait(std::chrono::seconds(10));
  process_.reset();
}

bool SimAgent::running() {
  return process_ && process_->running();
}

net::HttpResponse SimAgent::call(const std::string& method, const std::string& path,
                                 const std::string& body) {
  net::HttpRequest request;
  request.method = method;
  request.path = path;
  request.body = body;
  if (!body.empty())
    request.headers["Content-Type"] = "application/json";
  request.headers["Authorization"] = "Bearer " + token_;
  auto response = client_->send(request);
  if (!response.ok())
    return net::HttpResponse{0, {}, response.error().message()};
  return std::move(response).value();
}

json SimAgent::inventory() {
  auto response = call("GET", "/v1/vms");
  if (response.status != 200) {
    throw std::runtime_error("agent " + shape_.name + ": GET /v1/vms answered " +
                             std::to_string(response.status) + ": " + response.body);
  }
  return json::parse(response.body).value("vms", json::array());
}

std::vector<std::string> SimAgent::inventory_uids() {
  std::vector<std::string> uids;
  for (const auto& vm : inventory())
    uids.push_back(vm.value("uid", ""));
  return uids;
}

std::optional<json> SimAgent::vm(const std::string& uid) {
  auto response = call("GET", "/v1/vms/" + uid);
  if (response.status == 404)
    return std::nullopt;
  if (response.status != 200) {
    throw std::runtime_error("agent " + shape_.name + ": GET /v1/vms/" + uid + " answered " +
                             std::to_string(response.status) + ": " + response.body);
  }
  return json::parse(response.body);
}

void SimAgent::delete_vm(const std::string& uid) {
  auto response = call("DELETE", "/v1/vms/" + uid);
  if (response.status != 200 && response.status != 202) {
    throw std::runtime_error("agent " + shape_.name + ": DELETE /v1/vms/" + uid + " answered " +
                             std::to_string(response.status) + ": " + response.body);
  }
}

void SimAgent::edit_vm(const std::string& uid, const json& edit) {
  auto response = call("POST", "/v1/sim/vms/" + uid + "/edit", edit.dump());
  if (response.status != 200) {
    throw std::runtime_error("agent " + shape_.name + ": edit of " + uid + " answered " +
                             std::to_string(response.status) + ": " + response.body);
  }
}

void SimAgent::set_faults(const json& faults) {
  auto response = call("PUT", "/v1/sim/faults", faults.dump());
  if (response.status != 200) {
    throw std::runtime_error("agent " + shape_.name + ": PUT /v1/sim/faults answered " +
                             std::to_string(response.status) + ": " + response.body);
  }
}

json SimAgent::host() {
  auto response = call("GET", "/v1/host");
  if (response.status != 200) {
    throw std::runtime_error("agent " + shape_.name + ": GET /v1/host answered " +
                             std::to_string(response.status) + ": " + response.body);
  }
  return json::parse(response.body);
}

std::string SimAgent::metrics() {
  auto response = call("GET", "/metrics");
  if (response.status != 200) {
    throw std::runtime_error("agent " + shape_.name + ": GET /metrics answered " +
                             std::to_string(response.status) + ": " + response.body);
  }
  return response.body;
}

std::string SimAgent::log() const {
  return read_text(dir_ + "/agent.log");
}

// ---- OperatorCluster ---------------------------------------------------------------------

OperatorCluster::OperatorCluster(OperatorClusterOptions options)
    : options_(options), plane_([&options] {
        ControlPlaneOptions plane;
        plane.apply_project_crds = true;
        // The operator authenticates as its chart's ServiceAccount (see start_operator).
        plane.users = options.users;
        plane.users.push_back(TestUser{kOperatorUser, operator_groups()});
        return plane;
      }()) {
  api_ = plane_.http_client();
  auto established = kubectl({"wait", "--for", "condition=Established", "--timeout=60s", "-f",
                              std::string(HVO_SOURCE_DIR) + "/crds/"});
  if (!established.ok())
    throw std::runtime_error("operator cluster: CRDs not established: " + established.err);

  std::string manifests = "apiVersion: v1\nkind: Namespace\nmetadata: {name: hyperv-system}\n";
  // The operator may do what its chart grants and nothing else.
  manifests += render_chart_rbac();
  for (int i = 1; i <= options_.hosts; ++i) {
    const std::string agent_dir = dir() + "/agents/" + shape_of(i).name;
    agents_.push_back(std::make_unique<SimAgent>(shape_of(i), agent_dir, options_));
    agents_.back()->start();
    manifests += "---\n" + agents_.back()->secret_manifest();
    manifests += "\n---\n" + agents_.back()->host_manifest();
  }
  apply(manifests);
  if (options_.start_operator)
    start_operator();
}

OperatorCluster::~OperatorCluster() {
  // The operator first, so it does not see the agents go away.
  if (operator_)
    operator_->stop(std::chrono::seconds(5));
  for (auto& agent : agents_)
    agent.reset();
}

SimAgent& OperatorCluster::agent(const std::string& host_name) {
  for (auto& agent : agents_) {
    if (agent->name() == host_name)
      return *agent;
  }
  throw std::runtime_error("operator cluster: no agent named " + host_name);
}

void OperatorCluster::start_operator() {
  metrics_port_ = reserve_test_port();
  health_port_ = reserve_test_port();
  process::Options options;
  options.argv = {operator_binary(),
                  "--kubeconfig=" + plane_.kubeconfig_for(kOperatorUser),
                  "--metrics-bind-address=127.0.0.1:" + std::to_string(metrics_port_),
                  "--health-probe-bind-address=127.0.0.1:" + std::to_string(health_port_),
                  "--host-poll-interval=" + go_duration(options_.host_poll_interval),
                  "--host-heartbeat-timeout=" + go_duration(options_.host_heartbeat_timeout),
                  "--agent-timeout=" + go_duration(options_.agent_timeout),
                  "--vm-workers=" + std::to_string(options_.vm_workers),
                  "--log-level=debug"};
  options.env["POD_NAMESPACE"] = "hyperv-system";
  options.env["POD_NAME"] = "e2e-operator";
  options.std_out = process::Stdio::append_to(dir() + "/operator.log");
  options.std_err = process::Stdio::append_to(dir() + "/operator.log");
  options.new_process_group = true;
  auto spawned = process::Process::spawn(options);
  if (!spawned.ok())
    throw std::runtime_error("operator cluster: " + spawned.error().message());
  operator_.emplace(std::move(spawned).value());

  net::HttpClientConfig config;
  config.base_url = "http://127.0.0.1:" + std::to_string(health_port_);
  config.timeout = std::chrono::seconds(5);
  auto client = net::HttpClient::create(config);
  if (!client.ok())
    throw std::runtime_error("operator cluster: " + client.error().message());
  wait_until(
      "hyperv-operator",
      [&] {
        if (!operator_->running())
          throw std::runtime_error("operator cluster: hyperv-operator exited; log tail:\n" +
                                   tail_of(operator_log()));
        net::HttpRequest ready;
        ready.path = "/readyz";
        auto response = (*client)->send(ready);
        return response.ok() && response->status == 200;
      },
      [&] { return operator_log(); });
}

void OperatorCluster::kill_operator() {
  if (!operator_)
    return;
  (void)operator_->kill();
  (void)operator_->wait(std::chrono::seconds(10));
  operator_.reset();
}

bool OperatorCluster::operator_running() {
  return operator_ && operator_->running();
}

std::string OperatorCluster::operator_log() const {
  return read_text(dir() + "/operator.log");
}

void OperatorCluster::apply(const std::string& manifests) const {
  auto applied = kubectl({"apply", "-f", "-"}, manifests);
  if (!applied.ok())
    throw std::runtime_error("operator cluster: kubectl apply failed: " + applied.err);
}

std::string OperatorCluster::object_path(const std::string& plural, const std::string& ns,
                                         const std::string& name) const {
  std::string path = kGroupPath;
  if (!ns.empty())
    path += "/namespaces/" + ns;
  path += "/" + plural;
  if (!name.empty())
    path += "/" + name;
  return path;
}

std::optional<json> OperatorCluster::get(const std::string& plural, const std::string& ns,
                                         const std::string& name) {
  auto response = api_->send(plane_.request("GET", object_path(plural, ns, name)));
  if (!response.ok())
    throw std::runtime_error("GET " + plural + " " + name + ": " + response.error().message());
  if (response->status == 404)
    return std::nullopt;
  if (response->status != 200) {
    throw std::runtime_error("GET " + plural + " " + name + " answered " +
                             std::to_string(response->status) + ": " + response->body);
  }
  return json::parse(response->body);
}

std::vector<json> OperatorCluster::list(const std::string& plural, const std::string& ns) {
  auto response = api_->send(plane_.request("GET", object_path(plural, ns, "")));
  if (!response.ok() || response->status != 200) {
    throw std::runtime_error("LIST " + plural + ": " +
                             (response.ok() ? response->body : response.error().message()));
  }
  const auto items = json::parse(response->body).value("items", json::array());
  return std::vector<json>(items.begin(), items.end());
}

std::vector<json> OperatorCluster::events(const std::string& ns) {
  auto response =
      api_->send(plane_.request("GET", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events"));
  if (!response.ok() || response->status != 200) {
    throw std::runtime_error("LIST events in " + ns + ": " +
                             (response.ok() ? response->body : response.error().message()));
  }
  const auto items = json::parse(response->body).value("items", json::array());
  return std::vector<json>(items.begin(), items.end());
}

void OperatorCluster::merge_patch(const std::string& plural, const std::string& ns,
                                  const std::string& name, const json& patch) {
  auto response = api_->send(plane_.request("PATCH", object_path(plural, ns, name), patch.dump(),
                                            "application/merge-patch+json"));
  if (!response.ok() || response->status != 200) {
    throw std::runtime_error("PATCH " + plural + " " + name + ": " +
                             (response.ok() ? response->body : response.error().message()));
  }
}

std::vector<std::string> OperatorCluster::all_agent_uids() {
  std::vector<std::string> uids;
  for (auto& agent : agents_) {
    for (auto& uid : agent->inventory_uids())
      uids.push_back(std::move(uid));
  }
  return uids;
}

std::string OperatorCluster::host_of_uid(const std::string& uid) {
  for (auto& agent : agents_) {
    for (const auto& held : agent->inventory_uids()) {
      if (held == uid)
        return agent->name();
    }
  }
  return "";
}

}  // namespace hvo::testing
