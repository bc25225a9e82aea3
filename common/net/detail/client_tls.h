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
// means); without one it loads the system trust store. Throws boost::system::system_error,
// which load_client_tls() rules out in practice.
void apply_client_tls(boost::asio::ssl::context& context, const ClientTlsMaterial& material);

// cpprest's asio client makes a new OpenSSL context for every connection and calls
// set_default_verify_paths() on it before our callback, which parses the whole system CA bundle
// (~150 certificates, 10-20 ms of CPU) each time, to be thrown away by a client that has its own
// CA (every agent client: one new connection per host poll when the pool let the last one go).
// The first call remembers where the system trust store is and points OpenSSL's default
// locations (SSL_CERT_FILE, SSL_CERT_DIR) at nothing, once per process, before the first client
// exists; apply_client_tls() then loads the remembered store only for clients without a CA.
void keep_system_trust_out_of_new_connections();

}  // namespace hvo::net::detail
