#include "hostagent/server/seed_store.h"

#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "hostagent/iso/cloud_init_seed.h"
#include "hostagent/util/atomic_file.h"

namespace hvo::agent {
namespace {

std::string short_hash(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

}  // namespace

Result<std::string> SeedStore::write(const VmSpec& spec) const {
  if (!spec.cloud_init)
    return std::string();
  // A fixed timestamp makes the bytes a function of the content alone, so the hash is stable.
  auto image = build_iso9660(cloud_init_seed(spec, /*recorded_at=*/0));
  if (!image.ok())
    return image.error().with_context("cloud-init seed for vm " + spec.uid);
  const std::string path = dir_ + "/" + spec.uid + "-" + short_hash(image.value()) + ".iso";
  std::error_code ec;
  if (std::filesystem::exists(path, ec))
    return path;
  std::filesystem::create_directories(dir_, ec);
  if (auto status = write_file_atomically(path, image.value()); !status.ok()) {
    return status.error().with_context("cloud-init seed for vm " + spec.uid);
  }
  return path;
}

void SeedStore::remove_except(const std::string& uid, const std::string& keep_path) const {
  std::error_code ec;
  const std::string prefix = uid + "-";
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    const bool ours = name.rfind(prefix, 0) == 0 && entry.path().extension() == ".iso";
    if (!ours || entry.path().string() == keep_path)
      continue;
    std::error_code remove_error;
    std::filesystem::remove(entry.path(), remove_error);
    if (remove_error) {
      spdlog::warn("seed_remove_failed vm={} path={} reason=\"{}\"", uid, entry.path().string(),
                   remove_error.message());
    }
  }
}

}  // namespace hvo::agent
