// Internal to common/net: checks shared by the client's and the server's TLS setup, so that a bad
// file or PEM block is reported once, naming the setting, instead of failing every handshake.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <functional>
#include <string>

#include "common/status.h"

namespace hvo::net::detail {

// kInvalidArgument "tls.<field>: <detail>".
Error tls_invalid(const std::string& field, const std::string& detail);

// Loads a certificate and its key into a scratch context and reports which part is wrong:
// unusable certificate, unusable key, or a key that does not belong to the certificate.
Status check_identity(const std::function<void(boost::asio::ssl::context&)>& load_cert,
                      const std::function<void(boost::asio::ssl::context&)>& load_key,
                      const std::string& cert_field, const std::string& key_field);

}  // namespace hvo::net::detail
