// `hyperv-agent certs`: makes the CA, the agent's server certificate and the operator's client
// certificate plus a bearer token, writes what the agent needs into its folder, and produces
// the Kubernetes Secret the HyperVHost's credentialsSecretRef names (keys ca.crt, tls.crt,
// tls.key, token).
//
// The CA key never goes into the agent's folder: whoever can read it can mint client
// certificates the agent trusts. It is written only with --ca-dir, to a different folder (keep
// it offline); without it the key is dropped once the certificates are signed, and running
// `certs` again makes a new CA.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace hvo::agent {

struct CertsOptions {
  std::string out_dir;     // the agent's folder
  std::string ca_dir;      // where ca.crt and ca.key go; empty: the CA key is not kept
  std::string secret_out;  // the Secret manifest file (UTF-8, no BOM); empty: stdout
  std::string host_name;   // the agent's common name; also a DNS name
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  int valid_days = 825;
  std::string secret_name = "hyperv-agent-credentials";
  std::string secret_namespace = "hyperv-operator-system";
};

inline constexpr const char* kCertsUsage =
    "usage: hyperv-agent certs --out-dir DIR --host NAME [--dns NAME]... [--ip ADDRESS]...\n"
    "                          [--ca-dir DIR] [--secret-out FILE] [--days N]\n"
    "                          [--secret-name NAME] [--secret-namespace NS]\n"
    "  --out-dir     the agent's folder: ca.crt, server.crt, server.key, client.crt,\n"
    "                client.key, token (created private: owner / SYSTEM and Administrators)\n"
    "  --ca-dir      keep the CA key (ca.key) there, never in --out-dir; without it the CA\n"
    "                key is not kept\n"
    "  --secret-out  write the Secret manifest to FILE as UTF-8 (use it instead of `>` in\n"
    "                Windows PowerShell 5.1, whose redirection writes UTF-16); default: stdout\n";

// kInvalidArgument naming the bad flag: missing values, a host or --dns that is not a host
// name, an --ip that is not an address, a Secret name or namespace Kubernetes would refuse,
// --ca-dir the same folder as --out-dir.
Result<CertsOptions> parse_certs_args(const std::vector<std::string>& args);

// The Secret manifest (YAML) with base64 data. `name` and `ns` must be valid Kubernetes names
// (parse_certs_args checks them): they are written as they are.
std::string secret_manifest(const std::string& name, const std::string& ns,
                            const std::string& ca_pem, const std::string& client_cert_pem,
                            const std::string& client_key_pem, const std::string& token);

struct CertsOutcome {
  std::string manifest;            // the Secret; already written when secret_out is set
  std::vector<std::string> notes;  // for the person running the command: where things went
};

// Writes the files (keys, token and the Secret file readable by the owner only, their folders
// private) and returns the Secret manifest.
Result<CertsOutcome> run_certs(const CertsOptions& options);

}  // namespace hvo::agent
