#include "hostagent/certs/certificate_maker.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>
#include <string_view>

namespace hvo::agent {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using GeneralNames = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, GENERAL_NAMES_free>>;
using GeneralName = std::unique_ptr<GENERAL_NAME, Deleter<GENERAL_NAME, GENERAL_NAME_free>>;

Error openssl_error(const std::string& step) {
  char text[256] = "unknown";
  if (const unsigned long code = ERR_get_error())
    ERR_error_string_n(code, text, sizeof(text));
  return Error(ErrorCode::kInternal, "certificates: " + step + ": " + text);
}

PKey new_key() {
  return PKey(EVP_EC_gen("P-256"));
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

Result<KeyPair> to_pem(X509* cert, EVP_PKEY* key) {
  Bio cert_bio(BIO_new(BIO_s_mem()));
  Bio key_bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(cert_bio.get(), cert) ||
      !PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) {
    return openssl_error("write PEM");
  }
  return KeyPair{bio_text(cert_bio.get()), bio_text(key_bio.get())};
}

bool add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr)
    return false;
  const bool added = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return added;
}

// Appends one name to `names`, which takes ownership of `value` (an ASN1_IA5STRING for GEN_DNS,
// an ASN1_OCTET_STRING for GEN_IPADD).
bool push_name(GENERAL_NAMES* names, int type, ASN1_STRING* value) {
  GeneralName name(GENERAL_NAME_new());
  if (!name) {
    ASN1_STRING_free(value);
    return false;
  }
  GENERAL_NAME_set0_value(name.get(), type, value);
  if (sk_GENERAL_NAME_push(names, name.get()) == 0)
    return false;
  name.release();
  return true;
}

// The subjectAltName entries, each one GENERAL_NAME built from its value: nothing is parsed out
// of a configuration string, so a name holding "," or "DNS:" cannot add names. Names that are
// not host names or IP addresses are refused.
Result<GeneralNames> subject_alt_names(const LeafRequest& request) {
  GeneralNames names(sk_GENERAL_NAME_new_null());
  if (!names)
    return openssl_error("subject alternative names");
  for (const auto& dns : request.dns_names) {
    if (!is_dns_name(dns)) {
      return Error(ErrorCode::kInvalidArgument,
                   "certificates: DNS name \"" + dns +
                       "\" is not a host name (letters, digits, '-' and '.' only)");
    }
    ASN1_IA5STRING* text = ASN1_IA5STRING_new();
    if (text == nullptr || !ASN1_STRING_set(text, dns.data(), static_cast<int>(dns.size())) ||
        !push_name(names.get(), GEN_DNS, text)) {
      return openssl_error("DNS name " + dns);
    }
  }
  for (const auto& ip : request.ip_addresses) {
    ASN1_OCTET_STRING* address = is_ip_address(ip) ? a2i_IPADDRESS(ip.c_str()) : nullptr;
    if (address == nullptr) {
      return Error(ErrorCode::kInvalidArgument,
                   "certificates: \"" + ip + "\" is not an IPv4 or IPv6 address");
    }
    if (!push_name(names.get(), GEN_IPADD, address))
      return openssl_error("IP address " + ip);
  }
  return names;
}

// A certificate with a random serial, this subject and validity, not yet signed.
Cert new_certificate(EVP_PKEY* key, const std::string& common_name, int valid_days) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof(serial));
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);  // tolerate small clock skew
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(valid_days) * 86400);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  return cert;
}

Result<Cert> read_cert(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert)
    return openssl_error("read CA certificate");
  return cert;
}

Result<PKey> read_key(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key)
    return openssl_error("read CA key");
  return key;
}

}  // namespace

bool is_dns_name(std::string_view name) {
  if (name.empty() || name.size() > 253)
    return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t dot = std::min(name.find('.', start), name.size());
    const std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (const char c : label) {
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && c != '-')
        return false;
    }
    start = dot + 1;
  }
  return true;
}

bool is_ip_address(const std::string& text) {
  // OpenSSL's parser is the judge; the character check keeps it from accepting a valid prefix
  // followed by anything else.
  if (text.empty() || text.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos)
    return false;
  ASN1_OCTET_STRING* address = a2i_IPADDRESS(text.c_str());
  ASN1_OCTET_STRING_free(address);
  return address != nullptr;
}

Result<KeyPair> make_certificate_authority(const std::string& common_name, int valid_days) {
  PKey key = new_key();
  if (!key)
    return openssl_error("generate CA key");
  Cert cert = new_certificate(key.get(), common_name, valid_days);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  const bool extended =
      add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
      add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign") &&
      add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  if (!extended)
    return openssl_error("CA extensions");
  if (!X509_sign(cert.get(), key.get(), EVP_sha256()))
    return openssl_error("sign CA");
  return to_pem(cert.get(), key.get());
}

Result<KeyPair> issue_certificate(const KeyPair& ca, const LeafRequest& request) {
  auto ca_cert = read_cert(ca.cert_pem);
  if (!ca_cert.ok())
    return ca_cert.error();
  auto ca_key = read_key(ca.key_pem);
  if (!ca_key.ok())
    return ca_key.error();
  PKey key = new_key();
  if (!key)
    return openssl_error("generate key");
  Cert cert = new_certificate(key.get(), request.common_name, request.valid_days);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert->get()));

  auto sans = subject_alt_names(request);
  if (!sans.ok())
    return sans.error();
  std::string usages;
  if (request.server_auth)
    usages += "serverAuth";
  if (request.client_auth)
    usages += std::string(usages.empty() ? "" : ",") + "clientAuth";
  // The keys are EC: they sign (ECDHE key exchange, client authentication) and never encrypt a
  // key, so keyEncipherment, which belongs to RSA key transport, is not asserted (RFC 5480 s. 3).
  bool extended =
      add_extension(cert.get(), ca_cert->get(), NID_basic_constraints, "critical,CA:FALSE") &&
      add_extension(cert.get(), ca_cert->get(), NID_key_usage, "critical,digitalSignature") &&
      add_extension(cert.get(), ca_cert->get(), NID_authority_key_identifier, "keyid:always");
  if (extended && !usages.empty()) {
    extended = add_extension(cert.get(), ca_cert->get(), NID_ext_key_usage, usages);
  }
  if (extended && sk_GENERAL_NAME_num(sans->get()) > 0) {
    extended = X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, sans->get(), 0,
                                 X509V3_ADD_DEFAULT) == 1;
  }
  if (!extended)
    return openssl_error("extensions of " + request.common_name);
  if (!X509_sign(cert.get(), ca_key->get(), EVP_sha256())) {
    return openssl_error("sign " + request.common_name);
  }
  return to_pem(cert.get(), key.get());
}

Result<std::string> random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1)
    return openssl_error("random token");
  static const char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token.push_back(kHex[b >> 4]);
    token.push_back(kHex[b & 0xf]);
  }
  return token;
}

}  // namespace hvo::agent
