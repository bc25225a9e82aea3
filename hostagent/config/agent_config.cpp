#include "hostagent/config/agent_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>
#include <stdexcept>

#include "hostagent/util/atomic_file.h"

namespace hvo::agent {
namespace {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One mapping of the file with the keys it may hold; reads convert types and name the key.
class Section {
 public:
  Section(const YAML::Node& node, std::string path, std::set<std::string> known)
      : node_(node), path_(std::move(path)) {
    if (!node_ || node_.IsNull())
      return;
    if (!node_.IsMap())
      throw ConfigError(display() + ": must be a mapping");
    for (const auto& entry : node_) {
      const auto key = entry.first.as<std::string>();
      if (known.count(key) == 0)
        throw ConfigError(path_of(key) + ": unknown key");
    }
  }

  template <typename T>
  std::optional<T> get(const std::string& key, const char* expected) const {
    const YAML::Node value = find(key);
    if (!value || value.IsNull())
      return std::nullopt;
    try {
      if (!value.IsScalar())
        throw YAML::BadConversion(value.Mark());
      return value.as<T>();
    } catch (const YAML::Exception&) {
      throw ConfigError(path_of(key) + ": must be " + expected);
    }
  }
  std::optional<std::string> text(const std::string& key) const {
    return get<std::string>(key, "a string");
  }
  std::optional<int64_t> integer(const std::string& key) const {
    return get<int64_t>(key, "an integer");
  }
  std::optional<bool> boolean(const std::string& key) const {
    return get<bool>(key, "true or false");
  }
  Section section(const std::string& key, std::set<std::string> known) const {
    return Section(find(key), path_of(key), std::move(known));
  }
  // Items of a sequence; absent is empty.
  std::vector<YAML::Node> list(const std::string& key) const {
    const YAML::Node value = find(key);
    std::vector<YAML::Node> items;
    if (!value || value.IsNull())
      return items;
    if (!value.IsSequence())
      throw ConfigError(path_of(key) + ": must be a list");
    for (const auto& item : value)
      items.push_back(item);
    return items;
  }
  std::string path_of(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }

 private:
  YAML::Node find(const std::string& key) const {
    if (!node_ || !node_.IsMap())
      return YAML::Node();
    return node_[key];
  }
  std::string display() const { return path_.empty() ? "config" : path_; }

  YAML::Node node_;
  std::string path_;
};

int64_t positive(std::optional<int64_t> value, int64_t fallback, const std::string& key) {
  const int64_t v = value.value_or(fallback);
  if (v <= 0)
    throw ConfigError(key + ": must be a positive integer");
  return v;
}

int64_t not_negative(std::optional<int64_t> value, int64_t fallback, const std::string& key) {
  const int64_t v = value.value_or(fallback);
  if (v < 0)
    throw ConfigError(key + ": must not be negative");
  return v;
}

std::string resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || base_dir.empty())
    return path;
  std::filesystem::path p(path);
  return p.is_absolute() ? path : (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

void parse_listen(const std::string& listen, AgentConfig& config) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw ConfigError("listen: must be host:port, e.g. 0.0.0.0:9443");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::]:9443
  }
  int port = 0;
  try {
    std::size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1)
      port = 0;
  } catch (const std::exception&) {
    port = 0;
  }
  if (port <= 0 || port > 65535)
    throw ConfigError("listen: port must be 1-65535");
  config.listen_host = host;
  config.listen_port = static_cast<uint16_t>(port);
}

void parse_tls(const Section& root, const std::string& base, AgentConfig& config) {
  const auto tls =
      root.section("tls", {"certFile", "keyFile", "clientCAFile", "requireClientCert"});
  config.tls.cert_file = resolve(tls.text("certFile").value_or(""), base);
  config.tls.key_file = resolve(tls.text("keyFile").value_or(""), base);
  config.tls.client_ca_file = resolve(tls.text("clientCAFile").value_or(""), base);
  config.tls.require_client_cert = tls.boolean("requireClientCert").value_or(true);
  // HTTPS only: there is no plain-HTTP mode to fall back to.
  if (config.tls.cert_file.empty())
    throw ConfigError("tls.certFile: required (HTTPS only)");
  if (config.tls.key_file.empty())
    throw ConfigError("tls.keyFile: required (HTTPS only)");
  if (config.tls.require_client_cert && config.tls.client_ca_file.empty()) {
    throw ConfigError("tls.clientCAFile: required while tls.requireClientCert is true");
  }
}

void parse_limits(const Section& root, AgentConfig& config) {
  const auto limits =
      root.section("limits", {"maxConcurrentDriverCalls", "maxQueuedOperations", "maxBodyBytes",
                              "operationWaitMs", "operationRetention"});
  auto& l = config.limits;
  l.max_concurrent_driver_calls =
      positive(limits.integer("maxConcurrentDriverCalls"), l.max_concurrent_driver_calls,
               "limits.maxConcurrentDriverCalls");
  l.max_queued_operations = positive(limits.integer("maxQueuedOperations"), l.max_queued_operations,
                                     "limits.maxQueuedOperations");
  l.max_body_bytes =
      positive(limits.integer("maxBodyBytes"), l.max_body_bytes, "limits.maxBodyBytes");
  l.operation_wait_ms = not_negative(limits.integer("operationWaitMs"), l.operation_wait_ms,
                                     "limits.operationWaitMs");
  l.operation_retention = positive(limits.integer("operationRetention"), l.operation_retention,
                                   "limits.operationRetention");
}

void parse_sim_faults(const Section& sim, SimFaults& faults) {
  const auto f = sim.section(
      "faults", {"createFailureRatio", "failingVms", "hostDown", "crashAfterCreate", "seed"});
  faults.create_failure_ratio = f.get<double>("createFailureRatio", "a number").value_or(0.0);
  if (faults.create_failure_ratio < 0 || faults.create_failure_ratio > 1) {
    throw ConfigError("sim.faults.createFailureRatio: must be between 0 and 1");
  }
  for (const auto& item : f.list("failingVms"))
    faults.failing_vms.insert(item.as<std::string>());
  for (const auto& item : f.list("crashAfterCreate")) {
    faults.crash_after_create.insert(item.as<std::string>());
  }
  faults.host_down = f.boolean("hostDown").value_or(false);
  faults.seed = static_cast<uint32_t>(not_negative(f.integer("seed"), 1, "sim.faults.seed"));
}

void parse_sim(const Section& root, const std::string& base, AgentConfig& config) {
  const auto sim = root.section(
      "sim", {"hostName", "capacity", "switches", "images", "unmanagedVmCount", "latencies",
              "faults", "stateFile", "vmDir", "testEndpoints", "fabricDir"});
  auto& s = config.sim;
  s.host_name = sim.text("hostName").value_or(s.host_name);
  const auto capacity = sim.section("capacity", {"cpu", "memoryBytes", "storageBytes"});
  s.capacity.cpu = positive(capacity.integer("cpu"), s.capacity.cpu, "sim.capacity.cpu");
  s.capacity.memory_bytes = positive(capacity.integer("memoryBytes"), s.capacity.memory_bytes,
                                     "sim.capacity.memoryBytes");
  s.capacity.storage_bytes = positive(capacity.integer("storageBytes"), s.capacity.storage_bytes,
                                      "sim.capacity.storageBytes");
  if (!sim.list("switches").empty())
    s.switches.clear();
  for (const auto& item : sim.list("switches")) {
    const Section sw(item, "sim.switches[]", {"name", "type"});
    s.switches.push_back({sw.text("name").value_or(""), sw.text("type").value_or("External")});
    if (s.switches.back().name.empty())
      throw ConfigError("sim.switches[].name: required");
  }
  if (!sim.list("images").empty())
    s.images.clear();
  for (const auto& item : sim.list("images")) {
    const Section image(item, "sim.images[]", {"name", "sizeBytes"});
    s.images.push_back({image.text("name").value_or(""),
                        positive(image.integer("sizeBytes"), 1LL << 30, "sim.images[].sizeBytes")});
    if (s.images.back().name.empty())
      throw ConfigError("sim.images[].name: required");
  }
  s.unmanaged_vm_count = not_negative(sim.integer("unmanagedVmCount"), 0, "sim.unmanagedVmCount");
  const auto latencies = sim.section("latencies", {"createMs", "startMs", "stopMs", "migrateMs"});
  s.latencies.create_ms = not_negative(latencies.integer("createMs"), 0, "sim.latencies.createMs");
  s.latencies.start_ms = not_negative(latencies.integer("startMs"), 0, "sim.latencies.startMs");
  s.latencies.stop_ms = not_negative(latencies.integer("stopMs"), 0, "sim.latencies.stopMs");
  s.latencies.migrate_ms =
      not_negative(latencies.integer("migrateMs"), 0, "sim.latencies.migrateMs");
  if (const auto fabric = sim.text("fabricDir"))
    s.fabric_dir = resolve(*fabric, base);
  parse_sim_faults(sim, s.faults);
  s.state_file = resolve(sim.text("stateFile").value_or(config.data_dir + "/sim-state.json"), base);
  s.vm_dir = sim.text("vmDir").value_or(s.vm_dir);
  config.sim_test_endpoints = sim.boolean("testEndpoints").value_or(false);
}

void parse_hyperv(const Section& root, const std::string& base, AgentConfig& config) {
  const auto hyperv =
      root.section("hyperv", {"powershell", "scriptDir", "callTimeoutMs", "workerStartTimeoutMs"});
  auto& h = config.hyperv;
  h.powershell = hyperv.text("powershell").value_or(h.powershell);
  h.script_dir = resolve(hyperv.text("scriptDir").value_or(""), base);
  h.call_timeout_ms =
      positive(hyperv.integer("callTimeoutMs"), h.call_timeout_ms, "hyperv.callTimeoutMs");
  h.worker_start_timeout_ms = positive(hyperv.integer("workerStartTimeoutMs"),
                                       h.worker_start_timeout_ms, "hyperv.workerStartTimeoutMs");
}

AgentConfig parse(const YAML::Node& node, const std::string& base) {
  const Section root(
      node, "", {"listen", "tls", "auth", "driver", "paths", "limits", "sim", "hyperv", "logging"});
  AgentConfig config;
  parse_listen(root.text("listen").value_or("0.0.0.0:9443"), config);
  parse_tls(root, base, config);
  const auto auth = root.section("auth", {"tokenFile"});
  config.token_file = resolve(auth.text("tokenFile").value_or(""), base);
  if (config.token_file.empty())
    throw ConfigError("auth.tokenFile: required");
  config.driver = root.text("driver").value_or("sim");
  if (config.driver != "sim" && config.driver != "hyperv") {
    throw ConfigError("driver: must be sim or hyperv (got " + config.driver + ")");
  }
  const auto paths = root.section("paths", {"dataDir", "vmDir", "imageDir"});
  config.data_dir = resolve(paths.text("dataDir").value_or(""), base);
  if (config.data_dir.empty())
    throw ConfigError("paths.dataDir: required");
  config.vm_dir = resolve(paths.text("vmDir").value_or(config.data_dir + "/vms"), base);
  config.image_dir = resolve(paths.text("imageDir").value_or(config.data_dir + "/images"), base);
  parse_limits(root, config);
  parse_sim(root, base, config);
  parse_hyperv(root, base, config);
  const auto logging = root.section("logging", {"format", "level"});
  config.log_format = logging.text("format").value_or("");
  config.log_level = logging.text("level").value_or("");
  return config;
}

}  // namespace

Result<AgentConfig> parse_agent_config(const std::string& yaml_text, const std::string& base_dir) {
  try {
    const YAML::Node node = YAML::Load(yaml_text);
    if (!node.IsMap())
      return Error(ErrorCode::kInvalidArgument, "config: must be a mapping");
    return parse(node, base_dir);
  } catch (const ConfigError& error) {
    return Error(ErrorCode::kInvalidArgument, error.what());
  } catch (const YAML::Exception& error) {
    return Error(ErrorCode::kInvalidArgument, std::string("config: ") + error.what());
  }
}

Result<AgentConfig> load_agent_config(const std::string& path) {
  auto text = read_file(path);
  if (!text.ok())
    return text.error().with_context("agent config");
  const auto base = std::filesystem::absolute(path).parent_path().string();
  auto config = parse_agent_config(text.value(), base);
  if (!config.ok())
    return config.error().with_context(path);
  return config;
}

}  // namespace hvo::agent
