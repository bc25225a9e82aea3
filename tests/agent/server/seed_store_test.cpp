// Seed ISO naming: by VM uid and generation, never by content; unchanged content keeps its
// file; cleanup removes this VM's old seeds (new and legacy names) and nobody else's.
#include "hostagent/server/seed_store.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "hostagent/iso/cloud_init_seed.h"
#include "tests/agent/support/sample_spec.h"
#include "tests/net/test_certs.h"

namespace hvo::agent {
namespace {

namespace fs = std::filesystem;
using testing::sample_spec;

std::set<std::string> names_in(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    names.insert(entry.path().filename().string());
  return names;
}

std::string hex(const unsigned char* bytes, std::size_t size) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xf]);
  }
  return out;
}

void touch(const std::string& path) {
  std::ofstream(path) << "old";
}

TEST(SeedStore, NamesTheSeedByUidAndGenerationWithoutAContentHash) {
  hvo::testing::TempDir dir;
  const SeedStore store(dir.path() + "/seeds");
  const VmSpec spec = sample_spec();
  const auto path = store.write(spec);
  ASSERT_TRUE(path.ok()) << path.error().message();
  EXPECT_EQ(path.value(), dir.path() + "/seeds/" + spec.uid + "-1.iso");

  // No prefix of the content's SHA-256 (what the old name carried) appears in the name.
  const auto image = build_iso9660(cloud_init_seed(spec, 0)).value();
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(image.data()), image.size(), digest);
  EXPECT_EQ(path.value().find(hex(digest, 4)), std::string::npos);
}

TEST(SeedStore, UnchangedContentKeepsItsFileAndChangedContentGetsTheNextGeneration) {
  hvo::testing::TempDir dir;
  const SeedStore store(dir.path());
  VmSpec spec = sample_spec();
  const std::string first = store.write(spec).value();
  const auto first_written = fs::last_write_time(first);
  EXPECT_EQ(store.write(spec).value(), first);
  EXPECT_EQ(fs::last_write_time(first), first_written);

  spec.cloud_init->user_data += "runcmd: [true]\n";
  const std::string second = store.write(spec).value();
  EXPECT_EQ(second, dir.path() + "/" + spec.uid + "-2.iso");
  EXPECT_TRUE(fs::exists(first));  // still attached until the driver switched the DVD
  store.remove_except(spec.uid, second);
  EXPECT_EQ(names_in(dir.path()), std::set<std::string>{spec.uid + "-2.iso"});

  // Back to the first content: a new generation, not the old file's name again.
  spec.cloud_init->user_data = sample_spec().cloud_init->user_data;
  EXPECT_EQ(store.write(spec).value(), dir.path() + "/" + spec.uid + "-3.iso");
}

TEST(SeedStore, CleanupRemovesThisVmsOldAndLegacySeedsButNotOtherVms) {
  hvo::testing::TempDir dir;
  const SeedStore store(dir.path());
  const std::string uid = "0f1e2d3c-4b5a-6978-8a9b-acbdcedf0011";
  // Another VM whose uid starts with this one's, followed by "-".
  const std::string longer = uid + "-7";
  touch(dir.path() + "/" + uid + "-0123456789abcdef.iso");  // legacy: a content hash
  touch(dir.path() + "/" + uid + "-4.iso");
  touch(dir.path() + "/" + uid + "-5.iso.tmp");  // an interrupted write
  touch(dir.path() + "/" + uid + "-6.iso");
  touch(dir.path() + "/" + longer + "-1.iso");
  touch(dir.path() + "/" + uid + "-notes.txt");
  store.remove_except(uid, dir.path() + "/" + uid + "-6.iso");
  EXPECT_EQ(names_in(dir.path()),
            (std::set<std::string>{uid + "-6.iso", longer + "-1.iso", uid + "-notes.txt"}));
  store.remove_except(uid, "");
  EXPECT_EQ(names_in(dir.path()), (std::set<std::string>{longer + "-1.iso", uid + "-notes.txt"}));
}

TEST(SeedStore, NextGenerationFollowsTheHighestOnDisk) {
  hvo::testing::TempDir dir;
  const SeedStore store(dir.path());
  const VmSpec spec = sample_spec();
  touch(dir.path() + "/" + spec.uid + "-9.iso");
  touch(dir.path() + "/" + spec.uid + "-10.iso");
  EXPECT_EQ(store.write(spec).value(), dir.path() + "/" + spec.uid + "-11.iso");
}

}  // namespace
}  // namespace hvo::agent
