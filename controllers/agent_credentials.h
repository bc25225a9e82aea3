// How the operator reaches one host agent: the HyperVHost's address and the contents of the
// Secret its spec.credentialsSecretRef names (keys ca.crt, tls.crt, tls.key, token).
#pragma once

#include <string>

#include "api/k8s/json_codec.h"
#include "common/status.h"

namespace hvo::controllers {

struct AgentCredentials {
  std::string ca_pem;    // CA the agent's server certificate chains to
  std::string cert_pem;  // client certificate for mutual TLS
  std::string key_pem;   // its private key
  std::string token;     // bearer token
};

struct AgentEndpoint {
  std::string host;     // HyperVHost name, for errors, logs and metric labels
  std::string address;  // "https://hv-01.example:9443"
  AgentCredentials credentials;
  // Changes whenever the credentials do (the Secret's resourceVersion): cached clients built
  // from an older version are rebuilt.
  std::string credentials_version;
};

// Decodes the Secret's base64 `data`. Every key is required; a missing or undecodable key is
// kInvalidArgument naming the Secret and the key (never its content). The token is trimmed of a
// trailing newline, as `kubectl create secret --from-file` keeps one.
Result<AgentCredentials> credentials_from_secret(const k8s::Json& secret);

}  // namespace hvo::controllers
