#include "controllers/agent_credentials.h"

#include "operator/base64.h"

namespace hvo::controllers {
namespace {

std::string secret_name(const k8s::Json& secret) {
  const auto metadata = secret.find("metadata");
  if (metadata == secret.end() || !metadata->is_object())
    return "<unnamed>";
  return metadata->value("namespace", std::string()) + "/" + metadata->value("name", std::string());
}

Result<std::string> read_key(const k8s::Json& data, const std::string& secret,
                             const std::string& key) {
  const auto found = data.find(key);
  if (found == data.end() || !found->is_string() || found->get<std::string>().empty())
    return Error(ErrorCode::kInvalidArgument, "secret " + secret + ": key " + key + " is missing");
  auto decoded = kube::base64_decode(found->get<std::string>());
  if (!decoded)
    return Error(ErrorCode::kInvalidArgument,
                 "secret " + secret + ": key " + key + " is not valid base64");
  return std::move(*decoded);
}

}  // namespace

Result<AgentCredentials> credentials_from_secret(const k8s::Json& secret) {
  const std::string name = secret_name(secret);
  const auto data = secret.find("data");
  if (data == secret.end() || !data->is_object())
    return Error(ErrorCode::kInvalidArgument, "secret " + name + ": no data");

  AgentCredentials credentials;
  struct Field {
    const char* key;
    std::string* out;
  };
  const Field fields[] = {{"ca.crt", &credentials.ca_pem},
                          {"tls.crt", &credentials.cert_pem},
                          {"tls.key", &credentials.key_pem},
                          {"token", &credentials.token}};
  for (const Field& field : fields) {
    auto value = read_key(*data, name, field.key);
    if (!value.ok())
      return value.error();
    *field.out = std::move(value).value();
  }
  while (!credentials.token.empty() &&
         (credentials.token.back() == '\n' || credentials.token.back() == '\r'))
    credentials.token.pop_back();
  return credentials;
}

}  // namespace hvo::controllers
