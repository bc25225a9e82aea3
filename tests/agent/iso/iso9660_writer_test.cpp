#include "hostagent/iso/iso9660_writer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "hostagent/iso/cloud_init_seed.h"
#include "hostagent/util/atomic_file.h"
#include "tests/agent/support/run_command.h"
#include "tests/agent/support/sample_spec.h"
#include "tests/net/test_certs.h"

namespace hvo::agent {
namespace {

using testing::run_command;

class IsoReadBack : public ::testing::Test {
 protected:
  // Writes the image and returns its path.
  std::string write_image(const IsoImageSpec& spec) {
    auto image = build_iso9660(spec);
    EXPECT_TRUE(image.ok()) << (image.ok() ? "" : image.error().message());
    const std::string path = dir_.path() + "/seed.iso";
    std::ofstream(path, std::ios::binary) << image.value();
    return path;
  }

  // One file extracted from the Joliet tree by isoinfo, byte for byte.
  std::string extract_joliet(const std::string& iso, const std::string& name) {
    const auto result = run_command("isoinfo -J -i '" + iso + "' -x '/" + name + "'");
    EXPECT_EQ(result.exit_code, 0) << name;
    return result.out;
  }

  void expect_every_file_reads_back(const IsoImageSpec& spec) {
    const std::string iso = write_image(spec);
    for (const auto& file : spec.files) {
      SCOPED_TRACE(file.name);
      const std::string back = extract_joliet(iso, file.name);
      ASSERT_EQ(back.size(), file.content.size());
      EXPECT_TRUE(back == file.content);
    }
  }

  hvo::testing::TempDir dir_;
};

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::string out(size, '\0');
  for (auto& c : out)
    c = static_cast<char>(generator() & 0xff);
  return out;
}

TEST_F(IsoReadBack, CloudInitFilesKeepTheirNamesAndBytes) {
  IsoImageSpec spec{"cidata",
                    {{"meta-data", "instance-id: abc\nlocal-hostname: web-1\n"},
                     {"user-data", "#cloud-config\npackages: [nginx]\n"},
                     {"network-config", "version: 2\nethernets: {}\n"}},
                    1700000000};
  expect_every_file_reads_back(spec);
}

TEST_F(IsoReadBack, FilesLargerThanOneSectorAndOnSectorBoundariesReadBack) {
  IsoImageSpec spec{"cidata",
                    {{"user-data", random_bytes(300 * 1024 + 17, 1)},
                     {"meta-data", random_bytes(kIsoSectorBytes, 2)},
                     {"network-config", random_bytes(2 * kIsoSectorBytes + 1, 3)}},
                    0};
  expect_every_file_reads_back(spec);
}

TEST_F(IsoReadBack, UnicodeContentReadsBackUnchanged) {
  const std::string unicode =
      "#cloud-config\nwrite_files:\n- content: \"Grüße, 世界, Привет, 🚀\"\n  path: /etc/motd\n";
  expect_every_file_reads_back({"cidata", {{"user-data", unicode}, {"meta-data", ""}}, 0});
}

TEST_F(IsoReadBack, EmptyFileReadsBackEmpty) {
  expect_every_file_reads_back({"cidata", {{"user-data", ""}, {"meta-data", "x"}}, 0});
}

TEST_F(IsoReadBack, VolumeIsLabelledAndCarriesJoliet) {
  const std::string iso = write_image({"cidata", {{"user-data", "x"}}, 0});
  const auto info = run_command("isoinfo -d -i '" + iso + "'");
  ASSERT_EQ(info.exit_code, 0);
  EXPECT_NE(info.out.find("Volume id: cidata"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("Joliet with UCS level 3"), std::string::npos) << info.out;
}

TEST_F(IsoReadBack, JolietTreeListsExactNamesAndPrimaryTreeListsAliases) {
  const std::string iso =
      write_image({"cidata", {{"user-data", "u"}, {"meta-data", "m"}, {"network-config", "n"}}, 0});
  const auto joliet = run_command("isoinfo -J -f -i '" + iso + "'");
  EXPECT_NE(joliet.out.find("/user-data"), std::string::npos) << joliet.out;
  EXPECT_NE(joliet.out.find("/meta-data"), std::string::npos) << joliet.out;
  EXPECT_NE(joliet.out.find("/network-config"), std::string::npos) << joliet.out;
  const auto primary = run_command("isoinfo -f -i '" + iso + "'");
  EXPECT_NE(primary.out.find("/USER_DAT.;1"), std::string::npos) << primary.out;
  EXPECT_NE(primary.out.find("/NETWORK_.;1"), std::string::npos) << primary.out;
}

TEST(Iso9660Writer, SameInputGivesSameBytes) {
  const IsoImageSpec spec{"cidata", {{"user-data", "a"}, {"meta-data", "b"}}, 1234};
  EXPECT_TRUE(build_iso9660(spec).value() == build_iso9660(spec).value());
}

TEST(Iso9660Writer, ImageSizeIsWholeSectors) {
  const auto image = build_iso9660({"cidata", {{"user-data", std::string(5000, 'x')}}, 0});
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image.value().size() % kIsoSectorBytes, 0u);
  EXPECT_EQ(image.value().size(), (25 + 3) * kIsoSectorBytes);
}

TEST(Iso9660Writer, RefusesBadNamesAndCollidingAliases) {
  const std::pair<const char*, IsoImageSpec> rows[] = {
      {"slash in name", {"cidata", {{"a/b", ""}}, 0}},
      {"space in name", {"cidata", {{"user data", ""}}, 0}},
      {"empty name", {"cidata", {{"", ""}}, 0}},
      {"duplicate", {"cidata", {{"user-data", ""}, {"user-data", ""}}, 0}},
      {"same 8.3 alias", {"cidata", {{"user-data", ""}, {"user_data", ""}}, 0}},
      {"volume id with dash", {"ci-data", {{"user-data", ""}}, 0}},
      {"volume id too long", {std::string(17, 'a'), {{"user-data", ""}}, 0}},
  };
  for (const auto& [name, spec] : rows) {
    SCOPED_TRACE(name);
    const auto image = build_iso9660(spec);
    ASSERT_FALSE(image.ok());
    EXPECT_EQ(image.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(Iso9660Writer, RefusesMoreFilesThanTheRootDirectorySectorHolds) {
  IsoImageSpec spec{"cidata", {}, 0};
  for (int i = 0; i < 40; ++i)
    spec.files.push_back({std::to_string(i) + "-" + std::string(60, 'x'), ""});
  const auto image = build_iso9660(spec);
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.error().message().find("more than one sector"), std::string::npos);
}

TEST(CloudInitSeed, DefaultMetaDataNamesInstanceAndHost) {
  VmSpec spec = testing::sample_spec();
  const auto seed = cloud_init_seed(spec, 0);
  ASSERT_EQ(seed.files.size(), 2u);  // no network-config without networkData
  EXPECT_EQ(seed.volume_id, "cidata");
  EXPECT_EQ(seed.files[0].name, "meta-data");
  EXPECT_EQ(seed.files[0].content, "instance-id: " + spec.uid + "\nlocal-hostname: web-1\n");
  EXPECT_EQ(seed.files[1].name, "user-data");
  EXPECT_EQ(seed.files[1].content, spec.cloud_init->user_data);
}

TEST(CloudInitSeed, UserMetaDataAndNetworkConfigAreUsedAsGiven) {
  VmSpec spec = testing::sample_spec();
  spec.cloud_init->meta_data = "instance-id: custom\n";
  spec.cloud_init->network_data = "version: 2\n";
  const auto seed = cloud_init_seed(spec, 0);
  ASSERT_EQ(seed.files.size(), 3u);
  EXPECT_EQ(seed.files[0].content, "instance-id: custom\n");
  EXPECT_EQ(seed.files[2].name, "network-config");
  EXPECT_EQ(seed.files[2].content, "version: 2\n");
}

TEST_F(IsoReadBack, SeedWrittenToDiskReadsBackWithIsoinfo) {
  VmSpec spec = testing::sample_spec();
  spec.cloud_init->user_data = "#cloud-config\n" + std::string(10000, 'y') + "\n";
  const std::string path = dir_.path() + "/u.iso";
  ASSERT_TRUE(write_cloud_init_seed(spec, path, 0).ok());
  EXPECT_EQ(extract_joliet(path, "user-data"), spec.cloud_init->user_data);
  EXPECT_EQ(extract_joliet(path, "meta-data"), default_meta_data(spec));
}

TEST(AtomicFile, ReplacesContentAndLeavesNoTemporaryFile) {
  hvo::testing::TempDir dir;
  const std::string path = dir.path() + "/state.json";
  ASSERT_TRUE(write_file_atomically(path, "first").ok());
  ASSERT_TRUE(write_file_atomically(path, "second").ok());
  EXPECT_EQ(read_file(path).value(), "second");
  EXPECT_EQ(read_file(path + ".tmp").error().code(), ErrorCode::kNotFound);
}

TEST(AtomicFile, UnwritableDirectoryIsAnErrorNamingThePath) {
  const auto status = write_file_atomically("/nonexistent-dir/state.json", "x");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message().find("/nonexistent-dir/state.json"), std::string::npos);
}

}  // namespace
}  // namespace hvo::agent
