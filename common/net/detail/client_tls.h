// Internal to common/net's client (includes Boost.Asio's ssl, as cpprest does): turns the client's
// TLS settings into the OpenSSL context cpprest hands us in its context callback, and checks them
// up front so that a bad file or PEM block is reported once, naming the field.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <string>

#include "common/net/http_client.h"
#include "common/status.h"

namespace hvo::net::detail {

// A client's trust and identity as PEM text, read once when the client is created.
struct ClientTlsMaterial {
  std::string ca_pem;    // empty: the system trust store
  std::string cert_pem;  // empty: no client certificate
  std::string key_pem;
};

// Reads the files named in `config` (a *_pem field wins over its *_file) and checks that each
// block parses and that key and certificate belong together. kInvalidArgument names the field.
Result<ClientTlsMaterial> load_client_tls(const TlsClientConfig& config);

// Installs the material into a context cpprest is about to use for a connection. With a CA it
// replaces the trust store, so only that CA is trusted (as kubeconfig's certificate-authority
// means). Throws boost::system::system_error, which load_client_tls() rules out in practice.
void apply_client_tls(boost::asio::ssl::context& context, const ClientTlsMaterial& material);

}  // namespace hvo::net::detail
