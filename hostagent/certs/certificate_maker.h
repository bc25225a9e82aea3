// Certificates for the agent's mutual TLS, made with OpenSSL's C API: a CA, the agent's server
// certificate (its DNS names and IP addresses as subject alternative names) and the operator's
// client certificate. Keys are EC P-256. PEM in, PEM out.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace hvo::agent {

struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

struct LeafRequest {
  std::string common_name;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  bool server_auth = false;
  bool client_auth = false;
  int valid_days = 825;
};

Result<KeyPair> make_certificate_authority(const std::string& common_name, int valid_days);
Result<KeyPair> issue_certificate(const KeyPair& ca, const LeafRequest& request);
// A random bearer token: 32 bytes from OpenSSL's CSPRNG, hex-encoded.
Result<std::string> random_token();

}  // namespace hvo::agent
