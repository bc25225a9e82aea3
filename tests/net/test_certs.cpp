#include "tests/net/test_certs.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>

namespace hvo::testing {
namespace {

struct OpenSslDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  void operator()(X509* cert) const { X509_free(cert); }
  void operator()(BIO* bio) const { BIO_free(bio); }
  void operator()(X509_EXTENSION* ext) const { X509_EXTENSION_free(ext); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter>;
using CertPtr = std::unique_ptr<X509, OpenSslDeleter>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter>;

[[noreturn]] void fail(const std::string& what) {
  char detail[256] = "no OpenSSL error queued";
  if (unsigned long code = ERR_get_error(); code != 0) {
    ERR_error_string_n(code, detail, sizeof(detail));
  }
  throw std::runtime_error("test PKI: " + what + ": " + detail);
}

void check(int rc, const std::string& what) {
  if (rc <= 0)
    fail(what);
}

KeyPtr generate_key() {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key)
    fail("generate EC P-256 key");
  return key;
}

std::string to_pem(const std::function<int(BIO*)>& write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio)
    fail("allocate memory BIO");
  check(write(bio.get()), "write PEM");
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

KeyPtr key_from_pem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key)
    fail("parse issuer key");
  return key;
}

CertPtr cert_from_pem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  CertPtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert)
    fail("parse issuer certificate");
  return cert;
}

void add_name_entry(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty())
    return;
  check(
      X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0),
      std::string("set subject ") + field);
}

// Adds one extension in openssl.cnf syntax ("critical,CA:TRUE"), with issuer and subject known
// so that authority/subject key identifiers resolve.
void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext)
    fail("make extension " + std::string(OBJ_nid2sn(nid)) + "=" + value);
  check(X509_add_ext(cert, ext.get(), -1), "add extension");
}

std::string subject_alt_names(const CertificateSpec& spec) {
  std::string names;
  auto append = [&names](const std::string& entry) {
    if (!names.empty())
      names += ",";
    names += entry;
  };
  for (const auto& dns : spec.dns_names)
    append("DNS:" + dns);
  for (const auto& ip : spec.ip_addresses)
    append("IP:" + ip);
  return names;
}

std::string extended_key_usage(const CertificateSpec& spec) {
  std::string usages;
  if (spec.server_auth)
    usages = "serverAuth";
  if (spec.client_auth)
    usages += usages.empty() ? "clientAuth" : ",clientAuth";
  return usages;
}

void set_random_serial(X509* cert) {
  unsigned char bytes[16];
  check(RAND_bytes(bytes, sizeof(bytes)), "random serial");
  bytes[0] &= 0x7f;  // a positive serial number
  BIGNUM* serial = BN_bin2bn(bytes, sizeof(bytes), nullptr);
  if (serial == nullptr)
    fail("serial number");
  ASN1_INTEGER* asn1 = BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert));
  BN_free(serial);
  if (asn1 == nullptr)
    fail("set serial number");
}

// Builds and signs a certificate for `key`; a null issuer means self-signed.
TestCertificate build(const CertificateSpec& spec, const TestCertificate* issuer) {
  KeyPtr key = generate_key();
  CertPtr cert(X509_new());
  if (!cert)
    fail("allocate certificate");
  check(X509_set_version(cert.get(), 2), "set version");
  set_random_serial(cert.get());
  // Valid from a minute ago, so clocks a little apart do not matter.
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60) == nullptr)
    fail("set notBefore");
  if (X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * spec.valid_days) == nullptr) {
    fail("set notAfter");
  }
  check(X509_set_pubkey(cert.get(), key.get()), "set public key");

  X509_NAME* subject = X509_get_subject_name(cert.get());
  add_name_entry(subject, "O", spec.organization);
  add_name_entry(subject, "CN", spec.common_name);

  CertPtr issuer_cert;
  KeyPtr issuer_key;
  if (issuer != nullptr) {
    issuer_cert = cert_from_pem(issuer->cert_pem);
    issuer_key = key_from_pem(issuer->key_pem);
  }
  X509* signer_cert = issuer_cert ? issuer_cert.get() : cert.get();
  EVP_PKEY* signer_key = issuer_key ? issuer_key.get() : key.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer_cert)), "set issuer");

  if (spec.is_ca) {
    add_extension(cert.get(), signer_cert, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert.get(), signer_cert, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer_cert, NID_key_usage, "critical,digitalSignature");
    if (auto usages = extended_key_usage(spec); !usages.empty()) {
      add_extension(cert.get(), signer_cert, NID_ext_key_usage, usages);
    }
    if (auto names = subject_alt_names(spec); !names.empty()) {
      add_extension(cert.get(), signer_cert, NID_subject_alt_name, names);
    }
  }
  add_extension(cert.get(), signer_cert, NID_subject_key_identifier, "hash");
  if (issuer != nullptr) {
    add_extension(cert.get(), signer_cert, NID_authority_key_identifier, "keyid:always");
  }
  check(X509_sign(cert.get(), signer_key, EVP_sha256()), "sign certificate");

  TestCertificate result;
  result.cert_pem = to_pem([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); });
  result.key_pem = to_pem([&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  return result;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out)
    throw std::runtime_error("test PKI: cannot write " + path);
}

}  // namespace

TestCertificate make_ca(const std::string& common_name) {
  CertificateSpec spec;
  spec.common_name = common_name;
  spec.is_ca = true;
  return build(spec, nullptr);
}

TestCertificate issue_certificate(const TestCertificate& issuer, const CertificateSpec& spec) {
  return build(spec, &issuer);
}

void write_files(TestCertificate& certificate, const std::string& dir, const std::string& name) {
  certificate.cert_file = dir + "/" + name + ".crt";
  certificate.key_file = dir + "/" + name + ".key";
  write_text(certificate.cert_file, certificate.cert_pem);
  write_text(certificate.key_file, certificate.key_pem);
  std::filesystem::permissions(certificate.key_file, std::filesystem::perms::owner_read |
                                                         std::filesystem::perms::owner_write);
}

TempDir::TempDir() {
  auto pattern = (std::filesystem::temp_directory_path() / "hvo-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a temporary directory from " + pattern);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

TestPki::TestPki() {
  ca = make_ca("hvo-test-ca");
  other_ca = make_ca("hvo-other-ca");

  CertificateSpec server_spec;
  server_spec.common_name = "localhost";
  server_spec.dns_names = {"localhost"};
  server_spec.ip_addresses = {"127.0.0.1"};
  server_spec.server_auth = true;
  server = issue_certificate(ca, server_spec);

  CertificateSpec client_spec;
  client_spec.common_name = "test-client";
  client_spec.organization = "test-group";
  client_spec.client_auth = true;
  client = issue_certificate(ca, client_spec);
  other_client = issue_certificate(other_ca, client_spec);

  write_files(ca, dir.path(), "ca");
  write_files(other_ca, dir.path(), "other-ca");
  write_files(server, dir.path(), "server");
  write_files(client, dir.path(), "client");
  write_files(other_client, dir.path(), "other-client");
}

}  // namespace hvo::testing
