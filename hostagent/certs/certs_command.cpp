#include "hostagent/certs/certs_command.h"

#include <openssl/evp.h>

#include <filesystem>

#include "hostagent/certs/certificate_maker.h"
#include "hostagent/util/atomic_file.h"

namespace hvo::agent {
namespace {

std::string base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

Status write_all(const std::string& dir,
                 const std::vector<std::pair<std::string, std::string>>& files) {
  for (const auto& [name, content] : files) {
    if (auto status = write_file_atomically(dir + "/" + name, content); !status.ok())
      return status;
  }
  return OkStatus();
}

}  // namespace

Result<CertsOptions> parse_certs_args(const std::vector<std::string>& args) {
  CertsOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (i + 1 >= args.size()) {
      return Error(ErrorCode::kInvalidArgument, "certs: " + flag + " needs a value");
    }
    const std::string value = args[++i];
    if (flag == "--out-dir") {
      options.out_dir = value;
    } else if (flag == "--host") {
      options.host_name = value;
    } else if (flag == "--dns") {
      options.dns_names.push_back(value);
    } else if (flag == "--ip") {
      options.ip_addresses.push_back(value);
    } else if (flag == "--days") {
      try {
        options.valid_days = std::stoi(value);
      } catch (const std::exception&) {
        options.valid_days = 0;
      }
      if (options.valid_days <= 0) {
        return Error(ErrorCode::kInvalidArgument, "certs: --days must be a positive number");
      }
    } else if (flag == "--secret-name") {
      options.secret_name = value;
    } else if (flag == "--secret-namespace") {
      options.secret_namespace = value;
    } else {
      return Error(ErrorCode::kInvalidArgument, "certs: unknown flag " + flag);
    }
  }
  if (options.out_dir.empty())
    return Error(ErrorCode::kInvalidArgument, "certs: --out-dir is required");
  if (options.host_name.empty())
    return Error(ErrorCode::kInvalidArgument, "certs: --host is required");
  return options;
}

std::string secret_manifest(const std::string& name, const std::string& ns,
                            const std::string& ca_pem, const std::string& client_cert_pem,
                            const std::string& client_key_pem, const std::string& token) {
  return "apiVersion: v1\n"
         "kind: Secret\n"
         "metadata:\n"
         "  name: " +
         name +
         "\n"
         "  namespace: " +
         ns +
         "\n"
         "type: Opaque\n"
         "data:\n"
         "  ca.crt: " +
         base64(ca_pem) +
         "\n"
         "  tls.crt: " +
         base64(client_cert_pem) +
         "\n"
         "  tls.key: " +
         base64(client_key_pem) +
         "\n"
         "  token: " +
         base64(token) + "\n";
}

Result<std::string> run_certs(const CertsOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec)
    return Error(ErrorCode::kInvalidArgument, "certs: cannot create " + options.out_dir);
  auto ca = make_certificate_authority("hyperv-agent CA " + options.host_name, options.valid_days);
  if (!ca.ok())
    return ca.error();
  LeafRequest server{options.host_name, options.dns_names, options.ip_addresses, true, false,
                     options.valid_days};
  server.dns_names.insert(server.dns_names.begin(), options.host_name);
  auto server_pair = issue_certificate(ca.value(), server);
  if (!server_pair.ok())
    return server_pair.error();
  auto client =
      issue_certificate(ca.value(), {"hyperv-operator", {}, {}, false, true, options.valid_days});
  if (!client.ok())
    return client.error();
  auto token = random_token();
  if (!token.ok())
    return token.error();
  if (auto status = write_all(options.out_dir, {{"ca.crt", ca->cert_pem},
                                                {"ca.key", ca->key_pem},
                                                {"server.crt", server_pair->cert_pem},
                                                {"server.key", server_pair->key_pem},
                                                {"client.crt", client->cert_pem},
                                                {"client.key", client->key_pem},
                                                {"token", token.value() + "\n"}});
      !status.ok()) {
    return status.error();
  }
  return secret_manifest(options.secret_name, options.secret_namespace, ca->cert_pem,
                         client->cert_pem, client->key_pem, token.value());
}

}  // namespace hvo::agent
