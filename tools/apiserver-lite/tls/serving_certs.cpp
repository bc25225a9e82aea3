#include "tools/apiserver-lite/tls/serving_certs.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>

namespace hvo::apiserver {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;

Error openssl_error(const std::string& step) {
  return Error(ErrorCode::kInternal, "serving certificate: " + step + " failed in OpenSSL");
}

bool add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (extension == nullptr)
    return false;
  const bool added = X509_add_ext(cert, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  return added;
}

// A certificate for `key`, named `common_name`, signed by issuer_key (self-signed when issuer
// is null), carrying `extensions` (nid, value).
Result<CertPtr> make_certificate(EVP_PKEY* key, const std::string& common_name, X509* issuer,
                                 EVP_PKEY* issuer_key,
                                 const std::vector<std::pair<int, std::string>>& extensions) {
  CertPtr cert(X509_new());
  if (!cert)
    return openssl_error("X509_new");
  X509_set_version(cert.get(), 2);
  std::random_device random;
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(random() & 0x7fffffff));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 365);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  for (const auto& [nid, value] : extensions) {
    if (!add_extension(cert.get(), signer, nid, value))
      return openssl_error("extension " + value);
  }
  if (X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
    return openssl_error("X509_sign");
  }
  return cert;
}

Status write_pem(const std::string& path, const std::function<int(BIO*)>& writer, bool secret) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || writer(bio.get()) != 1)
    return openssl_error("PEM encoding of " + path);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  // Written aside and renamed into place: whoever waits for the file (a test harness, kubectl
  // through a kubeconfig) never reads it half-written.
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (secret)
      ::chmod(partial.c_str(), 0600);
    out.write(data, size);
    out.close();
    if (!out)
      return Error(ErrorCode::kInternal, "serving certificate: cannot write " + partial);
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec)
    return Error(ErrorCode::kInternal, "serving certificate: cannot rename " + partial + " to " +
                                           path + ": " + ec.message());
  return OkStatus();
}

}  // namespace

Result<ServingCertFiles> generate_serving_certs(const std::string& dir,
                                                const std::vector<std::string>& extra_names) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return Error(ErrorCode::kInvalidArgument, "cert dir " + dir + ": " + ec.message());

  KeyPtr ca_key(EVP_EC_gen("P-256"));
  KeyPtr server_key(EVP_EC_gen("P-256"));
  if (!ca_key || !server_key)
    return openssl_error("EC key generation");

  auto ca = make_certificate(ca_key.get(), "apiserver-lite-ca", nullptr, nullptr,
                             {{NID_basic_constraints, "critical,CA:TRUE"},
                              {NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"},
                              {NID_subject_key_identifier, "hash"}});
  if (!ca.ok())
    return ca.error();

  std::string sans = "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,IP:127.0.0.1,IP:::1";
  for (const auto& name : extra_names) {
    const bool is_ip = name.find_first_not_of("0123456789.:") == std::string::npos;
    sans += std::string(",") + (is_ip ? "IP:" : "DNS:") + name;
  }
  auto server = make_certificate(server_key.get(), "apiserver-lite", ca->get(), ca_key.get(),
                                 {{NID_basic_constraints, "critical,CA:FALSE"},
                                  {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                                  {NID_ext_key_usage, "serverAuth"},
                                  {NID_subject_alt_name, sans}});
  if (!server.ok())
    return server.error();

  ServingCertFiles files{dir + "/ca.crt", dir + "/server.crt", dir + "/server.key"};
  X509* ca_cert = ca->get();
  X509* server_cert = server->get();
  EVP_PKEY* key = server_key.get();
  for (Status status :
       {write_pem(
            files.ca_file, [&](BIO* bio) { return PEM_write_bio_X509(bio, ca_cert); }, false),
        write_pem(
            files.cert_file, [&](BIO* bio) { return PEM_write_bio_X509(bio, server_cert); }, false),
        write_pem(
            files.key_file,
            [&](BIO* bio) {
              return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
            },
            true)}) {
    if (!status.ok())
      return status.error();
  }
  return files;
}

Result<ServingCertFiles> load_or_generate_serving_certs(
    const std::string& dir, const std::vector<std::string>& extra_names) {
  ServingCertFiles existing{dir + "/ca.crt", dir + "/server.crt", dir + "/server.key"};
  if (std::filesystem::exists(existing.ca_file) && std::filesystem::exists(existing.cert_file) &&
      std::filesystem::exists(existing.key_file)) {
    return existing;
  }
  return generate_serving_certs(dir, extra_names);
}

}  // namespace hvo::apiserver
