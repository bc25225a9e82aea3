// Certificates for the agent's mutual TLS, made with OpenSSL's C API: a CA, the agent's server
// certificate (its DNS names and IP addresses as subject alternative names) and the operator's
// client certificate. Keys are EC P-256; leaf certificates carry keyUsage digitalSignature
// only. PEM in, PEM out.
#pragma once

#include <string>
#include <string_view>
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

// A host name for a DNS subject alternative name: dot-separated labels of letters, digits and
// '-' (not at either end), 1-63 characters each, 253 in all. No wildcards.
bool is_dns_name(std::string_view name);
// An IPv4 or IPv6 address in the usual text form, and nothing after it.
bool is_ip_address(const std::string& text);

Result<KeyPair> make_certificate_authority(const std::string& common_name, int valid_days);
// kInvalidArgument when a DNS name or IP address is not one (is_dns_name, is_ip_address).
Result<KeyPair> issue_certificate(const KeyPair& ca, const LeafRequest& request);
// A random bearer token: 32 bytes from OpenSSL's CSPRNG, hex-encoded.
Result<std::string> random_token();

}  // namespace hvo::agent
