#include "hostagent/certs/certs_command.h"

#include <openssl/evp.h>

#include <filesystem>

#include "hostagent/certs/certificate_maker.h"
#include "hostagent/util/atomic_file.h"
#include "hostagent/util/private_path.h"

namespace hvo::agent {
namespace {

namespace fs = std::filesystem;

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

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Kubernetes' DNS-1123 names: lowercase letters, digits and '-' (and '.' in a subdomain),
// starting and ending with a letter or digit. They are written into the manifest as they are.
bool is_dns1123(const std::string& name, std::size_t max_length, bool dots) {
  if (name.empty() || name.size() > max_length || !is_lower_alnum(name.front()) ||
      !is_lower_alnum(name.back())) {
    return false;
  }
  for (const char c : name) {
    if (!is_lower_alnum(c) && c != '-' && !(dots && c == '.'))
      return false;
  }
  return true;
}

// Whether `inner` is `outer` or a folder below it, whichever spelling either has.
bool is_within(const std::string& inner, const std::string& outer) {
  std::error_code ec;
  const fs::path a = fs::weakly_canonical(fs::absolute(inner), ec);
  const fs::path b = fs::weakly_canonical(fs::absolute(outer), ec);
  auto ai = a.begin();
  for (auto bi = b.begin(); bi != b.end(); ++bi, ++ai) {
    if (bi->empty())
      continue;  // the empty last element of a path ending in a separator
    if (ai == a.end() || *ai != *bi)
      return false;
  }
  return true;
}

Error invalid(const std::string& message) {
  return Error(ErrorCode::kInvalidArgument, "certs: " + message);
}

Status check_options(const CertsOptions& options) {
  if (options.out_dir.empty())
    return invalid("--out-dir is required");
  if (options.host_name.empty())
    return invalid("--host is required");
  if (!is_dns_name(options.host_name))
    return invalid("--host " + options.host_name + " is not a host name");
  for (const auto& dns : options.dns_names) {
    if (!is_dns_name(dns))
      return invalid("--dns " + dns + " is not a host name (letters, digits, '-' and '.' only)");
  }
  for (const auto& ip : options.ip_addresses) {
    if (!is_ip_address(ip))
      return invalid("--ip " + ip + " is not an IPv4 or IPv6 address");
  }
  if (!is_dns1123(options.secret_name, 253, true)) {
    return invalid("--secret-name " + options.secret_name +
                   " is not a Kubernetes name (lowercase letters, digits, '-' and '.')");
  }
  if (!is_dns1123(options.secret_namespace, 63, false)) {
    return invalid("--secret-namespace " + options.secret_namespace +
                   " is not a Kubernetes namespace (lowercase letters, digits and '-')");
  }
  if (!options.ca_dir.empty() && is_within(options.ca_dir, options.out_dir)) {
    return invalid("--ca-dir " + options.ca_dir + " is inside --out-dir " + options.out_dir +
                   ": the CA key must not sit beside the agent's key");
  }
  return OkStatus();
}

}  // namespace

Result<CertsOptions> parse_certs_args(const std::vector<std::string>& args) {
  CertsOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (i + 1 >= args.size()) {
      return invalid(flag + " needs a value");
    }
    const std::string value = args[++i];
    if (flag == "--out-dir") {
      options.out_dir = value;
    } else if (flag == "--ca-dir") {
      options.ca_dir = value;
    } else if (flag == "--secret-out") {
      options.secret_out = value;
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
        return invalid("--days must be a positive number");
      }
    } else if (flag == "--secret-name") {
      options.secret_name = value;
    } else if (flag == "--secret-namespace") {
      options.secret_namespace = value;
    } else {
      return invalid("unknown flag " + flag);
    }
  }
  if (auto status = check_options(options); !status.ok())
    return status.error();
  return options;
}

std::string secret_manifest(const std::string& name, const std::string& ns,
                            const std::string& ca_pem, const std::string& client_cert_pem,
                            const std::string& client_key_pem, const std::string& token) {
  // Base64 text is a plain YAML scalar: no quoting needed.
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

Result<CertsOutcome> run_certs(const CertsOptions& options) {
  if (auto status = check_options(options); !status.ok())
    return status.error();
  if (auto status = create_private_directories(options.out_dir); !status.ok())
    return status.error().with_context("certs: --out-dir");
  if (!options.ca_dir.empty()) {
    if (auto status = create_private_directories(options.ca_dir); !status.ok())
      return status.error().with_context("certs: --ca-dir");
  }
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

  CertsOutcome outcome;
  // The CA first: when it cannot be kept, the agent's folder is left as it was.
  if (!options.ca_dir.empty()) {
    if (auto status =
            write_all(options.ca_dir, {{"ca.crt", ca->cert_pem}, {"ca.key", ca->key_pem}});
        !status.ok()) {
      return status.error().with_context("certs: --ca-dir");
    }
    outcome.notes.push_back("wrote ca.crt and ca.key to " + options.ca_dir +
                            ": keep that folder offline; it issues certificates this agent trusts");
  } else {
    outcome.notes.push_back(
        "the CA key was not kept (pass --ca-dir DIR to keep it); running certs again makes a "
        "new CA, server and client certificate and token");
  }
  if (auto status = write_all(options.out_dir, {{"ca.crt", ca->cert_pem},
                                                {"server.crt", server_pair->cert_pem},
                                                {"server.key", server_pair->key_pem},
                                                {"client.crt", client->cert_pem},
                                                {"client.key", client->key_pem},
                                                {"token", token.value() + "\n"}});
      !status.ok()) {
    return status.error().with_context("certs: --out-dir");
  }
  outcome.notes.push_back(
      "wrote ca.crt, server.crt, server.key, client.crt, client.key and token to " +
      options.out_dir);
  // Earlier versions wrote the CA key here; it signed the certificates just replaced.
  const std::string stale_ca_key = options.out_dir + "/ca.key";
  std::error_code ec;
  if (fs::remove(stale_ca_key, ec)) {
    outcome.notes.push_back("removed " + stale_ca_key +
                            " left by an earlier version: the CA key does not belong in the "
                            "agent's folder");
  }

  outcome.manifest = secret_manifest(options.secret_name, options.secret_namespace, ca->cert_pem,
                                     client->cert_pem, client->key_pem, token.value());
  if (!options.secret_out.empty()) {
    // Bytes as they are: ASCII, so UTF-8 without a byte order mark, "\n" line ends.
    if (auto status = write_file_atomically(options.secret_out, outcome.manifest); !status.ok())
      return status.error().with_context("certs: --secret-out");
    outcome.notes.push_back("wrote the Secret " + options.secret_namespace + "/" +
                            options.secret_name + " to " + options.secret_out +
                            " (kubectl apply -f " + options.secret_out + ")");
  }
  return outcome;
}

}  // namespace hvo::agent
