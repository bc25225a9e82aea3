// `hyperv-agent certs`: makes the CA, the agent's server certificate and the operator's client
// certificate plus a bearer token, writes them to a folder for the agent's config, and returns
// the Kubernetes Secret the HyperVHost's credentialsSecretRef names (keys ca.crt, tls.crt,
// tls.key, token).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace hvo::agent {

struct CertsOptions {
  std::string out_dir;
  std::string host_name;  // the agent's common name; also a DNS name
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  int valid_days = 825;
  std::string secret_name = "hyperv-agent-credentials";
  std::string secret_namespace = "hyperv-operator-system";
};

inline constexpr const char* kCertsUsage =
    "usage: hyperv-agent certs --out-dir DIR --host NAME [--dns NAME]... [--ip ADDRESS]...\n"
    "                          [--days N] [--secret-name NAME] [--secret-namespace NS]\n";

// kInvalidArgument naming the bad flag.
Result<CertsOptions> parse_certs_args(const std::vector<std::string>& args);

// The Secret manifest (YAML) with base64 data.
std::string secret_manifest(const std::string& name, const std::string& ns,
                            const std::string& ca_pem, const std::string& client_cert_pem,
                            const std::string& client_key_pem, const std::string& token);

// Writes ca.crt, ca.key, server.crt, server.key, client.crt, client.key and token into
// out_dir (keys and token readable by the owner only) and returns the Secret manifest.
Result<std::string> run_certs(const CertsOptions& options);

}  // namespace hvo::agent
