// The token file: a token shorter than kMinTokenBytes is refused with a message that says why
// and how to make a good one.
#include "hostagent/server/bearer_token.h"

#include <gtest/gtest.h>

#include "tests/agent/support/api_fixture.h"

namespace hvo::agent {
namespace {

TEST(TokenFile, RefusesATokenShorterThan32Bytes) {
  hvo::testing::TempDir dir;
  const std::string path = dir.path() + "/token";
  testing::write_secret(path, std::string(31, 'x') + "\n");
  const auto refused = TokenFile::open(path);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message().find(path), std::string::npos);
  EXPECT_NE(refused.error().message().find("31 bytes; at least 32"), std::string::npos)
      << refused.error().message();

  const std::string exact(32, 'y');
  testing::write_secret(path, "  " + exact + "\r\n");  // surrounding whitespace does not count
  const auto accepted = TokenFile::open(path);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message();
  EXPECT_TRUE(accepted.value()->matches(exact));
}

}  // namespace
}  // namespace hvo::agent
