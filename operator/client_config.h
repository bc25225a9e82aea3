// Where the API server is and how to authenticate to it, from a kubeconfig or from the pod's
// service account. The loaders only read and check files; nothing connects here.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/net/http_client.h"
#include "common/status.h"

namespace hvo::kube {

struct ClientConfig {
  std::string server;  // "https://10.0.0.1:6443" (no trailing slash)
  net::TlsClientConfig tls;
  std::string token;           // a static bearer token (kubeconfig `token`)
  std::string token_file;      // a bearer token re-read while running (in-cluster, `tokenFile`)
  std::string namespace_name;  // the context's namespace or the pod's; "default" when unset
  std::string origin;  // where this came from, for messages: "kubeconfig /x/config context dev"
};

// Reads an environment variable; injectable so tests do not touch the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

// kubeconfig files, merged like kubectl merges a KUBECONFIG list: for clusters, users and
// contexts the first file that defines a name wins, and so does the first non-empty
// current-context. Files in the list that do not exist are skipped; a list where none exists, or
// a file that exists but cannot be parsed, is an error. Relative paths (certificate-authority,
// client-certificate, client-key, tokenFile) resolve against the folder of the file that defines
// them. `context` overrides current-context when not empty.
Result<ClientConfig> load_kubeconfig(const std::vector<std::string>& paths,
                                     const std::string& context = "");

// The pod's service account: KUBERNETES_SERVICE_HOST/PORT (an IPv6 host is bracketed), the CA,
// the namespace and the token file under `account_dir`.
inline constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";
Result<ClientConfig> load_in_cluster(const EnvLookup& env = process_env(),
                                     const std::string& account_dir = kServiceAccountDir);

struct ConfigSource {
  std::string kubeconfig;  // an explicit --kubeconfig path; wins over everything else
  std::string context;     // an explicit --context
};

// controller-runtime's order: an explicit kubeconfig, then the KUBECONFIG list, then in-cluster
// when KUBERNETES_SERVICE_HOST is set, then $HOME/.kube/config.
Result<ClientConfig> load_client_config(const ConfigSource& source,
                                        const EnvLookup& env = process_env(),
                                        const std::string& account_dir = kServiceAccountDir);

// Splits a KUBECONFIG value on ':' and drops empty entries.
std::vector<std::string> split_kubeconfig_list(const std::string& value);

}  // namespace hvo::kube
