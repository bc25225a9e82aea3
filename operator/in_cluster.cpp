// The pod's service account as a ClientConfig, and the order in which the operator looks for a
// configuration.
#include <cstdlib>
#include <filesystem>

#include "operator/client_config.h"
#include "operator/text_file.h"

namespace hvo::kube {
namespace {

namespace fs = std::filesystem;

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr)
      return std::nullopt;
    return std::string(value);
  };
}

Result<ClientConfig> load_in_cluster(const EnvLookup& env, const std::string& account_dir) {
  const std::string host = env("KUBERNETES_SERVICE_HOST").value_or("");
  const std::string port = env("KUBERNETES_SERVICE_PORT").value_or("");
  if (host.empty() || port.empty()) {
    return Error(ErrorCode::kNotFound,
                 "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be "
                 "set (not running in a pod?)");
  }
  ClientConfig config;
  config.origin = "in-cluster service account " + account_dir;
  // An IPv6 literal needs brackets in a URL.
  const bool ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  config.server = "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;

  config.token_file = (fs::path(account_dir) / "token").string();
  if (!fs::exists(config.token_file)) {
    return Error(ErrorCode::kNotFound,
                 "in-cluster config: token file " + config.token_file + " does not exist");
  }
  const std::string ca_file = (fs::path(account_dir) / "ca.crt").string();
  if (!fs::exists(ca_file)) {
    return Error(ErrorCode::kNotFound, "in-cluster config: CA file " + ca_file + " does not exist");
  }
  config.tls.ca_file = ca_file;

  config.namespace_name =
      read_trimmed_file((fs::path(account_dir) / "namespace").string()).value_or("default");
  return config;
}

Result<ClientConfig> load_client_config(const ConfigSource& source, const EnvLookup& env,
                                        const std::string& account_dir) {
  if (!source.kubeconfig.empty()) {
    if (!fs::exists(source.kubeconfig)) {
      return Error(ErrorCode::kNotFound, "kubeconfig " + source.kubeconfig + " does not exist");
    }
    return load_kubeconfig({source.kubeconfig}, source.context);
  }
  const std::string list = env("KUBECONFIG").value_or("");
  if (!list.empty())
    return load_kubeconfig(split_kubeconfig_list(list), source.context);
  if (env("KUBERNETES_SERVICE_HOST").has_value())
    return load_in_cluster(env, account_dir);
  const std::string home = env("HOME").value_or("");
  if (home.empty()) {
    return Error(ErrorCode::kNotFound,
                 "no client configuration: no --kubeconfig, KUBECONFIG, in-cluster environment "
                 "or HOME");
  }
  return load_kubeconfig({(fs::path(home) / ".kube" / "config").string()}, source.context);
}

}  // namespace hvo::kube
