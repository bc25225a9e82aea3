// POSIX side of util/private_path.h: folders made 0700 from their creation on, secret files
// refused while their group or other users have any read or write bit.
#include "hostagent/util/private_path.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/net/test_certs.h"

namespace hvo::agent {
namespace {

namespace fs = std::filesystem;

unsigned mode_of(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

TEST(PrivatePath, CreatesEveryMissingFolderOwnerOnly) {
  hvo::testing::TempDir dir;
  const std::string nested = dir.path() + "/a/b/c";
  ASSERT_TRUE(create_private_directories(nested).ok());
  EXPECT_EQ(mode_of(dir.path() + "/a"), 0700u);
  EXPECT_EQ(mode_of(dir.path() + "/a/b"), 0700u);
  EXPECT_EQ(mode_of(nested), 0700u);
  EXPECT_TRUE(create_private_directories(nested).ok());  // already there
}

TEST(PrivatePath, LeavesExistingFoldersAloneUnlessRestricted) {
  hvo::testing::TempDir dir;
  const std::string existing = dir.path() + "/shared";
  fs::create_directory(existing);
  fs::permissions(existing, fs::perms(0755));
  ASSERT_TRUE(create_private_directories(existing + "/inner").ok());
  EXPECT_EQ(mode_of(existing), 0755u);
  EXPECT_EQ(mode_of(existing + "/inner"), 0700u);
  ASSERT_TRUE(restrict_directory(existing).ok());
  EXPECT_EQ(mode_of(existing), 0700u);
}

TEST(PrivatePath, RefusesToCreateAFolderWhereAFileIs) {
  hvo::testing::TempDir dir;
  std::ofstream(dir.path() + "/file") << "x";
  const auto status = create_private_directories(dir.path() + "/file/below");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message().find(dir.path() + "/file"), std::string::npos);
}

TEST(PrivatePath, SecretFileCheckNamesTheFileAndTheFix) {
  hvo::testing::TempDir dir;
  const std::string path = dir.path() + "/token";
  std::ofstream(path) << "secret";
  struct Case {
    const char* name;
    unsigned mode;
    bool accepted;
    const char* who;
  };
  const Case cases[] = {
      {"owner only", 0600, true, ""},
      {"owner read only", 0400, true, ""},
      {"group readable", 0640, false, "its group"},
      {"world readable", 0604, false, "every local user"},
      {"group writable", 0620, false, "its group"},
      {"the usual umask", 0644, false, "its group and every local user"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    fs::permissions(path, fs::perms(c.mode));
    const auto status = check_private_file(path, "auth.tokenFile");
    EXPECT_EQ(status.ok(), c.accepted);
    if (c.accepted)
      continue;
    EXPECT_EQ(status.error().code(), ErrorCode::kPermissionDenied);
    const std::string message = status.error().message();
    EXPECT_EQ(message.rfind("auth.tokenFile: " + path, 0), 0u) << message;
    EXPECT_NE(message.find(std::string("by ") + c.who + ";"), std::string::npos) << message;
    EXPECT_NE(message.find("Fix: chmod 600 " + path), std::string::npos) << message;
  }
}

TEST(PrivatePath, MissingSecretFileIsAnErrorNamingIt) {
  const auto status = check_private_file("/nonexistent/server.key", "tls.keyFile");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message().find("tls.keyFile: cannot check /nonexistent/server.key"),
            std::string::npos);
}

}  // namespace
}  // namespace hvo::agent
