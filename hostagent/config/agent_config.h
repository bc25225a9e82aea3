// The agent's configuration file (YAML): where it listens, its TLS material and token, which
// driver runs the VMs, where files go, and how much work it takes at once.
//
//   listen: 0.0.0.0:9443
//   tls: {certFile: server.crt, keyFile: server.key, clientCAFile: ca.crt}
//   auth: {tokenFile: token}
//   driver: sim
//   paths: {dataDir: /var/lib/hyperv-agent}
//
// Relative paths are taken from the config file's folder. Unknown keys are errors, so a typo
// never silently falls back to a default.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "hostagent/sim/sim_config.h"

namespace hvo::agent {

struct TlsSettings {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  bool require_client_cert = true;  // mutual TLS unless explicitly turned off
};

struct LimitSettings {
  int64_t max_concurrent_driver_calls = 4;
  int64_t max_queued_operations = 256;
  int64_t max_body_bytes = 2 * 1024 * 1024;
  int64_t operation_wait_ms = 2000;    // how long a PUT/POST/DELETE waits before answering 202
  int64_t operation_retention = 1000;  // finished operations kept for GET /v1/operations/{id}
};

struct HypervSettings {
  // Full path of powershell.exe or pwsh; empty: Windows PowerShell in %SystemRoot%\System32.
  std::string powershell;
  std::string script_dir;  // the fixed .ps1 scripts; default: beside the binary
  int64_t call_timeout_ms = 120000;
  int64_t worker_start_timeout_ms = 30000;
};

struct AgentConfig {
  std::string listen_host = "0.0.0.0";
  uint16_t listen_port = 9443;
  TlsSettings tls;
  std::string token_file;
  std::string driver = "sim";  // "sim" | "hyperv"
  std::string data_dir;        // seeds (cloud-init ISOs) and the sim state live here
  std::string vm_dir;          // hyperv: where VM configuration and disks go
  std::string image_dir;       // hyperv: base images (*.vhdx)
  LimitSettings limits;
  SimConfig sim;
  bool sim_test_endpoints = false;  // POST /v1/sim/faults; never in production
  HypervSettings hyperv;
  std::string log_format;  // text | json; empty: environment or text
  std::string log_level;

  std::string seed_dir() const { return data_dir + "/seeds"; }
  // The highest operator leader-Lease epoch seen (server/lease_epoch_store.h).
  std::string lease_epoch_file() const { return data_dir + "/lease-epoch.json"; }
};

// Parses YAML text; relative paths resolve against `base_dir`. kInvalidArgument names the key
// ("limits.maxBodyBytes: must be a positive integer").
Result<AgentConfig> parse_agent_config(const std::string& yaml_text, const std::string& base_dir);

// Reads and parses the file; errors start with its path.
Result<AgentConfig> load_agent_config(const std::string& path);

}  // namespace hvo::agent
