#include "common/net/detail/tls_files.h"

#include <openssl/ssl.h>

#include <boost/system/system_error.hpp>

namespace hvo::net::detail {

namespace ssl = boost::asio::ssl;

Error tls_invalid(const std::string& field, const std::string& detail) {
  return Error(ErrorCode::kInvalidArgument, "tls." + field + ": " + detail);
}

Status check_identity(const std::function<void(ssl::context&)>& load_cert,
                      const std::function<void(ssl::context&)>& load_key,
                      const std::string& cert_field, const std::string& key_field) {
  ssl::context scratch(ssl::context::tls);
  try {
    load_cert(scratch);
  } catch (const boost::system::system_error& e) {
    return tls_invalid(cert_field, std::string("not a usable PEM certificate: ") + e.what());
  }
  try {
    load_key(scratch);
  } catch (const boost::system::system_error& e) {
    return tls_invalid(key_field,
                       std::string("not a usable PEM key for the certificate: ") + e.what());
  }
  if (SSL_CTX_check_private_key(scratch.native_handle()) != 1) {
    return tls_invalid(key_field, "does not match the certificate in " + cert_field);
  }
  return OkStatus();
}

}  // namespace hvo::net::detail

// LeakSanitizer (make test-asan) checks for leaks while cpprest's client I/O threads are still
// alive (cpprest never joins its shared pool), so the per-thread state OpenSSL keeps for each of
// them (error queue, random generator) looks leaked; none of it grows with use. libcrypto has no
// frame pointers, so LeakSanitizer's fast unwinder sees no caller and only the library name can
// be matched: this also hides a real libcrypto leak of our own (the TLS code here and in tests
// uses RAII wrappers only). Defined in this file because both the server's and the client's TLS
// setup use it, so every program that does TLS links it; only consulted under LeakSanitizer.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libcrypto.so\n";
}
