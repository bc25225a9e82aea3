#include "tools/apiserver-lite/auth/token_authenticator.h"

#include <gtest/gtest.h>

namespace hvo::apiserver {
namespace {

TEST(TokenAuthenticator, ReadsUsersAndGroups) {
  auto auth = TokenAuthenticator::from_text(
      "# comment\nt1,admin,uid-1,\"system:masters,devs\"\nt2,operator,uid-2\n", "tokens.csv");
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(auth->size(), 2u);
  auto admin = auth->authenticate("Bearer t1");
  ASSERT_TRUE(admin.has_value());
  EXPECT_EQ(admin->name, "admin");
  EXPECT_EQ(admin->groups, (std::vector<std::string>{"system:masters", "devs"}));
  EXPECT_TRUE(auth->authenticate("Bearer t2").has_value());
}

TEST(TokenAuthenticator, RefusesMissingOrUnknownTokens) {
  auto auth = TokenAuthenticator::from_text("t1,admin,uid-1\n", "tokens.csv");
  ASSERT_TRUE(auth.ok());
  EXPECT_FALSE(auth->authenticate("").has_value());
  EXPECT_FALSE(auth->authenticate("Bearer ").has_value());
  EXPECT_FALSE(auth->authenticate("Bearer t9").has_value());
  EXPECT_FALSE(auth->authenticate("Basic t1").has_value());
}

TEST(TokenAuthenticator, MalformedLineNamesFileAndLine) {
  auto auth = TokenAuthenticator::from_text("ok,user,uid\nbroken\n", "tokens.csv");
  ASSERT_FALSE(auth.ok());
  EXPECT_NE(auth.error().message().find("tokens.csv line 2"), std::string::npos);
}

}  // namespace
}  // namespace hvo::apiserver
