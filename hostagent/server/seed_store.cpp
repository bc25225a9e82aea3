#include "hostagent/server/seed_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string_view>

#include "hostagent/iso/cloud_init_seed.h"
#include "hostagent/util/atomic_file.h"
#include "hostagent/util/private_path.h"

namespace hvo::agent {
namespace {

constexpr std::string_view kIso = ".iso";
constexpr std::string_view kTemp = ".tmp";  // write_file_atomically's temporary suffix
constexpr std::size_t kLegacyHashDigits = 16;

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool all_of(std::string_view text, bool (*accept)(char)) {
  return !text.empty() && std::all_of(text.begin(), text.end(), accept);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_lower_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f');
}

// What comes between "<uid>-" and ".iso" in a file name of this VM's seeds, or nullopt when the
// name is not one (another VM's uid may start with this one's, so the middle is parsed exactly).
std::optional<std::string_view> seed_tag(std::string_view name, const std::string& uid) {
  if (ends_with(name, kTemp))
    name.remove_suffix(kTemp.size());
  if (name.size() <= uid.size() + 1 + kIso.size() || name.compare(0, uid.size(), uid) != 0 ||
      name[uid.size()] != '-' || !ends_with(name, kIso)) {
    return std::nullopt;
  }
  return name.substr(uid.size() + 1, name.size() - uid.size() - 1 - kIso.size());
}

// The generation a tag names; nullopt for legacy hash tags and anything else.
std::optional<uint64_t> generation_of(std::string_view tag) {
  if (!all_of(tag, is_digit) || tag.size() > 18)
    return std::nullopt;
  return std::stoull(std::string(tag));
}

bool is_ours(std::string_view tag) {
  return all_of(tag, is_digit) || (tag.size() == kLegacyHashDigits && all_of(tag, is_lower_hex));
}

}  // namespace

std::optional<SeedStore::Current> SeedStore::current(const std::string& uid) const {
  std::optional<Current> best;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (ends_with(name, kTemp))
      continue;
    const auto tag = seed_tag(name, uid);
    const auto generation = tag ? generation_of(*tag) : std::nullopt;
    if (generation && (!best || *generation > best->generation))
      best = Current{*generation, entry.path().string()};
  }
  return best;
}

Result<std::string> SeedStore::write(const VmSpec& spec) const {
  if (!spec.cloud_init)
    return std::string();
  // A fixed timestamp makes the bytes a function of the content alone, so an unchanged seed is
  // recognised by comparing bytes.
  auto image = build_iso9660(cloud_init_seed(spec, /*recorded_at=*/0));
  if (!image.ok())
    return image.error().with_context("cloud-init seed for vm " + spec.uid);
  const auto existing = current(spec.uid);
  if (existing) {
    auto bytes = read_file(existing->path);
    if (bytes.ok() && bytes.value() == image.value())
      return existing->path;
  }
  const uint64_t generation = existing ? existing->generation + 1 : 1;
  const std::string path = dir_ + "/" + spec.uid + "-" + std::to_string(generation) + ".iso";
  // The seed holds the VM's user data (passwords, keys): its folder is private.
  if (auto status = create_private_directories(dir_); !status.ok())
    return status.error().with_context("cloud-init seed for vm " + spec.uid);
  if (auto status = write_file_atomically(path, image.value()); !status.ok()) {
    return status.error().with_context("cloud-init seed for vm " + spec.uid);
  }
  return path;
}

void SeedStore::remove_except(const std::string& uid, const std::string& keep_path) const {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    const auto tag = seed_tag(name, uid);
    if (!tag || !is_ours(*tag) || entry.path().string() == keep_path)
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
