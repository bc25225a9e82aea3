// Internal to common/net: the server's OpenSSL context. TLS 1.2 is the oldest protocol offered,
// and TLS 1.2 connections may use only ECDHE key exchange with AEAD ciphers (AES-GCM,
// ChaCha20-Poly1305); every TLS 1.3 suite is AEAD already.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>

#include "common/net/http_server.h"
#include "common/status.h"

namespace hvo::net::detail {

// The cipher list for TLS 1.2 (OpenSSL syntax).
inline constexpr const char* kServerTls12Ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20";

// Checks that every file exists and holds what it should. kInvalidArgument names the field and
// the path.
Status check_server_tls(const TlsServerConfig& config);

// check_server_tls(), then a context with certificate, key, protocol and cipher policy, and the
// client-certificate policy.
Result<std::unique_ptr<boost::asio::ssl::context>> make_server_tls_context(
    const TlsServerConfig& config);

}  // namespace hvo::net::detail
