#include "common/net/detail/tls_setup.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/system/system_error.hpp>
#include <fstream>
#include <sstream>

namespace hvo::net::detail {
namespace {

namespace ssl = boost::asio::ssl;

Error invalid(const std::string& field, const std::string& detail) {
  return Error(ErrorCode::kInvalidArgument, "tls." + field + ": " + detail);
}

// Picks the PEM text of one setting: inline data wins over a file.
Result<std::string> read_pem(const std::string& pem, const std::string& file,
                             const std::string& name) {
  if (!pem.empty())
    return pem;
  if (file.empty())
    return std::string();
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return invalid(name + "_file", "cannot read " + file);
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().empty())
    return invalid(name + "_file", file + " is empty");
  return text.str();
}

std::string field_of(const std::string& pem_value, const std::string& name) {
  return name + (pem_value.empty() ? "_file" : "_pem");
}

void replace_trust_store(ssl::context& context) {
  X509_STORE* store = X509_STORE_new();
  SSL_CTX_set_cert_store(context.native_handle(), store);  // the context owns it now
}

// Loads a server or client identity and reports which part is wrong.
Status try_identity(const std::function<void(ssl::context&)>& load_cert,
                    const std::function<void(ssl::context&)>& load_key,
                    const std::string& cert_field, const std::string& key_field) {
  ssl::context scratch(ssl::context::tls);
  try {
    load_cert(scratch);
  } catch (const boost::system::system_error& e) {
    return invalid(cert_field, std::string("not a usable PEM certificate: ") + e.what());
  }
  try {
    load_key(scratch);
  } catch (const boost::system::system_error& e) {
    return invalid(key_field, std::string("not a usable PEM key for the certificate: ") + e.what());
  }
  if (SSL_CTX_check_private_key(scratch.native_handle()) != 1) {
    return invalid(key_field, "does not match the certificate in " + cert_field);
  }
  return OkStatus();
}

}  // namespace

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
      return invalid(field_of(config.ca_pem, "ca"),
                     std::string("not a usable PEM certificate: ") + e.what());
    }
  }
  if (material.cert_pem.empty() != material.key_pem.empty()) {
    return invalid(material.cert_pem.empty() ? "cert_file" : "key_file",
                   "a client certificate needs both a certificate and a key");
  }
  if (!material.cert_pem.empty()) {
    Status identity = try_identity(
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
  if (!material.ca_pem.empty()) {
    replace_trust_store(context);
    context.add_certificate_authority(
        boost::asio::buffer(material.ca_pem.data(), material.ca_pem.size()));
  }
  if (!material.cert_pem.empty()) {
    context.use_certificate_chain(
        boost::asio::buffer(material.cert_pem.data(), material.cert_pem.size()));
    context.use_private_key(boost::asio::buffer(material.key_pem.data(), material.key_pem.size()),
                            ssl::context::pem);
  }
}

Status check_server_tls(const TlsServerConfig& config) {
  if (config.cert_file.empty())
    return invalid("cert_file", "must be set for TLS");
  if (config.key_file.empty())
    return invalid("key_file", "must be set for TLS");
  if (config.require_client_cert && config.client_ca_file.empty()) {
    return invalid("client_ca_file", "must be set when require_client_cert is true");
  }
  for (const auto& [field, path] :
       {std::pair<std::string, std::string>{"cert_file", config.cert_file},
        {"key_file", config.key_file},
        {"client_ca_file", config.client_ca_file}}) {
    if (path.empty())
      continue;
    if (!std::ifstream(path))
      return invalid(field, "cannot read " + path);
  }
  Status identity = try_identity(
      [&](ssl::context& c) { c.use_certificate_chain_file(config.cert_file); },
      [&](ssl::context& c) { c.use_private_key_file(config.key_file, ssl::context::pem); },
      "cert_file " + config.cert_file, "key_file " + config.key_file);
  if (!identity.ok())
    return identity;
  if (!config.client_ca_file.empty()) {
    ssl::context scratch(ssl::context::tls);
    try {
      scratch.load_verify_file(config.client_ca_file);
    } catch (const boost::system::system_error& e) {
      return invalid("client_ca_file",
                     config.client_ca_file + ": not a usable PEM CA bundle: " + e.what());
    }
  }
  return OkStatus();
}

void apply_server_tls(ssl::context& context, const TlsServerConfig& config) {
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::single_dh_use);
  context.use_certificate_chain_file(config.cert_file);
  context.use_private_key_file(config.key_file, ssl::context::pem);
  if (config.client_ca_file.empty())
    return;
  context.load_verify_file(config.client_ca_file);
  // Tell clients which CAs we accept, so one holding several certificates picks the right one.
  SSL_CTX_set_client_CA_list(context.native_handle(),
                             SSL_load_client_CA_file(config.client_ca_file.c_str()));
  auto mode = ssl::verify_peer;
  if (config.require_client_cert)
    mode |= ssl::verify_fail_if_no_peer_cert;
  context.set_verify_mode(mode);
}

}  // namespace hvo::net::detail

// LeakSanitizer (make test-asan) checks for leaks while cpprest's I/O threads are still alive
// (cpprest never joins its shared pool), so the per-thread state OpenSSL keeps for each of them
// (error queue, random generator) looks leaked, as does a request object cpprest keeps when a
// connection drops mid-reply; none of it grows with use. libcrypto has no frame pointers, so
// LeakSanitizer's fast unwinder sees no caller and only the library name can be matched: this
// also hides a real libcrypto leak of our own (the TLS code here and in tests uses RAII
// wrappers only). Defined in this file because every program using hvo_net links it (server
// and client both call into it); the function is only consulted under LeakSanitizer.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libcrypto.so\n"
         "leak:web::http::details::_http_request::_reply_impl\n";
}
