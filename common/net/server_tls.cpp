#include "common/net/detail/server_tls.h"

#include <openssl/ssl.h>

#include <boost/system/system_error.hpp>
#include <fstream>

#include "common/net/detail/tls_files.h"

namespace hvo::net::detail {

namespace ssl = boost::asio::ssl;

Status check_server_tls(const TlsServerConfig& config) {
  if (config.cert_file.empty())
    return tls_invalid("cert_file", "must be set for TLS");
  if (config.key_file.empty())
    return tls_invalid("key_file", "must be set for TLS");
  if (config.require_client_cert && config.client_ca_file.empty()) {
    return tls_invalid("client_ca_file", "must be set when require_client_cert is true");
  }
  for (const auto& [field, path] :
       {std::pair<std::string, std::string>{"cert_file", config.cert_file},
        {"key_file", config.key_file},
        {"client_ca_file", config.client_ca_file}}) {
    if (path.empty())
      continue;
    if (!std::ifstream(path))
      return tls_invalid(field, "cannot read " + path);
  }
  Status identity = check_identity(
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
      return tls_invalid("client_ca_file",
                         config.client_ca_file + ": not a usable PEM CA bundle: " + e.what());
    }
  }
  return OkStatus();
}

Result<std::unique_ptr<ssl::context>> make_server_tls_context(const TlsServerConfig& config) {
  Status checked = check_server_tls(config);
  if (!checked.ok())
    return checked.error();
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  try {
    // OpenSSL's own call: Asio's context::options is a long, 32 bits on Windows, too narrow for
    // OpenSSL 3's 64-bit option flags.
    SSL_CTX_set_options(native, SSL_OP_ALL | SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 |
                                    SSL_OP_NO_TLSv1_1 | SSL_OP_SINGLE_DH_USE |
                                    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1)
      return tls_invalid("protocol", "OpenSSL refused TLS 1.2 as the minimum version");
    if (SSL_CTX_set_cipher_list(native, kServerTls12Ciphers) != 1)
      return tls_invalid("ciphers", std::string("OpenSSL knows none of ") + kServerTls12Ciphers);
    context->use_certificate_chain_file(config.cert_file);
    context->use_private_key_file(config.key_file, ssl::context::pem);
    if (!config.client_ca_file.empty()) {
      context->load_verify_file(config.client_ca_file);
      // Tell clients which CAs we accept, so one holding several certificates picks the right
      // one.
      SSL_CTX_set_client_CA_list(native, SSL_load_client_CA_file(config.client_ca_file.c_str()));
      auto mode = ssl::verify_peer;
      if (config.require_client_cert)
        mode |= ssl::verify_fail_if_no_peer_cert;
      context->set_verify_mode(mode);
    }
  } catch (const boost::system::system_error& e) {
    // check_server_tls() read the same files a moment ago: only a change in between gets here.
    return tls_invalid("cert_file", config.cert_file + ": " + e.what());
  }
  return context;
}

}  // namespace hvo::net::detail
