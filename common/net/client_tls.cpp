#include "common/net/detail/client_tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <stdlib.h>

#include <boost/system/system_error.hpp>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include "common/net/detail/tls_files.h"

namespace hvo::net::detail {
namespace {

namespace ssl = boost::asio::ssl;

// Picks the PEM text of one setting: inline data wins over a file.
Result<std::string> read_pem(const std::string& pem, const std::string& file,
                             const std::string& name) {
  if (!pem.empty())
    return pem;
  if (file.empty())
    return std::string();
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return tls_invalid(name + "_file", "cannot read " + file);
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().empty())
    return tls_invalid(name + "_file", file + " is empty");
  return text.str();
}

std::string field_of(const std::string& pem_value, const std::string& name) {
  return name + (pem_value.empty() ? "_file" : "_pem");
}

void replace_trust_store(ssl::context& context) {
  X509_STORE* store = X509_STORE_new();
  SSL_CTX_set_cert_store(context.native_handle(), store);  // the context owns it now
}

// Where the system trust store was before keep_system_trust_out_of_new_connections() moved
// OpenSSL's defaults away; `moved` is false until then (the defaults still work).
struct SystemTrust {
  bool moved = false;
  std::string file;
  std::string dir;
};
SystemTrust& system_trust() {
  static SystemTrust trust;
  return trust;
}

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

// No file and no directory: OpenSSL's default lookups find nothing there, at no cost.
constexpr const char* kNoTrustStore = "/nonexistent/hvo-no-default-trust-store";

}  // namespace

void keep_system_trust_out_of_new_connections() {
  static std::once_flag once;
  std::call_once(once, [] {
    SystemTrust& trust = system_trust();
    trust.file = env_or(X509_get_default_cert_file_env(), X509_get_default_cert_file());
    trust.dir = env_or(X509_get_default_cert_dir_env(), X509_get_default_cert_dir());
    setenv(X509_get_default_cert_file_env(), kNoTrustStore, 1);
    setenv(X509_get_default_cert_dir_env(), kNoTrustStore, 1);
    trust.moved = true;
  });
}

Result<ClientTlsMaterial> load_client_tls(const TlsClientConfig& config) {
  ClientTlsMaterial material;
  auto ca = read_pem(config.ca_pem, config.ca_file, "ca");
  if (!ca.ok())
    return ca.error();
  auto cert = read_pem(config.cert_pem, config.cert_file, "cert");
  if (!cert.ok())
    return cert.error();
  auto key = read_pem(config.key_pem, config.key_file, "key");
  if (!key.ok())
    return key.error();
  material.ca_pem = std::move(ca).value();
  material.cert_pem = std::move(cert).value();
  material.key_pem = std::move(key).value();

  if (!material.ca_pem.empty()) {
    ssl::context scratch(ssl::context::tls);
    try {
      scratch.add_certificate_authority(
          boost::asio::buffer(material.ca_pem.data(), material.ca_pem.size()));
    } catch (const boost::system::system_error& e) {
      return tls_invalid(field_of(config.ca_pem, "ca"),
                         std::string("not a usable PEM certificate: ") + e.what());
    }
  }
  if (material.cert_pem.empty() != material.key_pem.empty()) {
    return tls_invalid(material.cert_pem.empty() ? "cert_file" : "key_file",
                       "a client certificate needs both a certificate and a key");
  }
  if (!material.cert_pem.empty()) {
    Status identity = check_identity(
        [&](ssl::context& c) {
          c.use_certificate_chain(
              boost::asio::buffer(material.cert_pem.data(), material.cert_pem.size()));
        },
        [&](ssl::context& c) {
          c.use_private_key(boost::asio::buffer(material.key_pem.data(), material.key_pem.size()),
                            ssl::context::pem);
        },
        field_of(config.cert_pem, "cert"), field_of(config.key_pem, "key"));
    if (!identity.ok())
      return identity.error();
  }
  return material;
}

void apply_client_tls(ssl::context& context, const ClientTlsMaterial& material) {
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  // A kept-alive connection waiting for its next request holds no record buffers (~34 KB each
  // otherwise): an operator keeps one or two open to every host it polls.
  SSL_CTX_set_mode(context.native_handle(), SSL_MODE_RELEASE_BUFFERS);
  if (!material.ca_pem.empty()) {
    replace_trust_store(context);
    context.add_certificate_authority(
        boost::asio::buffer(material.ca_pem.data(), material.ca_pem.size()));
  } else if (const SystemTrust& trust = system_trust(); trust.moved) {
    // Missing locations are not an error (a host without a CA bundle trusts nothing, as before).
    // Apart: a missing file would keep the directory from being added.
    if (!trust.file.empty())
      SSL_CTX_load_verify_locations(context.native_handle(), trust.file.c_str(), nullptr);
    if (!trust.dir.empty())
      SSL_CTX_load_verify_locations(context.native_handle(), nullptr, trust.dir.c_str());
    ERR_clear_error();
  }
  if (!material.cert_pem.empty()) {
    context.use_certificate_chain(
        boost::asio::buffer(material.cert_pem.data(), material.cert_pem.size()));
    context.use_private_key(boost::asio::buffer(material.key_pem.data(), material.key_pem.size()),
                            ssl::context::pem);
  }
}

}  // namespace hvo::net::detail
