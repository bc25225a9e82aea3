#include "common/net/replay_policy.h"

#include <gtest/gtest.h>

namespace hvo::net {
namespace {

HttpRequest request(const std::string& method) {
  HttpRequest out;
  out.method = method;
  out.path = "/x";
  return out;
}

TEST(ReplayPolicy, IdempotentMethodsFlagAndHeaderAsInGo) {
  for (const char* method : {"GET", "HEAD", "OPTIONS", "TRACE"})
    EXPECT_TRUE(is_idempotent(request(method))) << method;
  for (const char* method : {"POST", "PATCH", "PUT", "DELETE"})
    EXPECT_FALSE(is_idempotent(request(method))) << method;
  auto flagged = request("POST");
  flagged.idempotent = true;
  EXPECT_TRUE(is_idempotent(flagged));
  auto keyed = request("POST");
  keyed.headers["Idempotency-Key"] = "k1";
  EXPECT_TRUE(is_idempotent(keyed));
}

struct ClassifyCase {
  const char* message;
  FailurePoint point;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const ClassifyCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.message));
}

class ClassifyFailureTest : public ::testing::TestWithParam<ClassifyCase> {};

TEST_P(ClassifyFailureTest, ReadsCpprestMessages) {
  EXPECT_EQ(classify_failure(GetParam().message), GetParam().point) << GetParam().message;
}

INSTANTIATE_TEST_SUITE_P(
    Messages, ClassifyFailureTest,
    ::testing::Values(
        ClassifyCase{"POST http://h/x: Failed to write request headers",
                     FailurePoint::kWhileSending},
        ClassifyCase{"POST http://h/x: Failed to write request body", FailurePoint::kWhileSending},
        ClassifyCase{"POST http://h/x: cannot rewind input stream for connection re-establishment",
                     FailurePoint::kBeforeResponse},
        ClassifyCase{"GET http://h/x: Failed to read HTTP status line",
                     FailurePoint::kBeforeResponse},
        ClassifyCase{"POST http://h/x: Invalid HTTP status line", FailurePoint::kMalformedResponse},
        ClassifyCase{"GET http://h/x: Failed to connect to any resolved endpoint",
                     FailurePoint::kNotConnected},
        ClassifyCase{"GET https://h/x: Error in SSL handshake", FailurePoint::kNotConnected},
        ClassifyCase{"GET http://h/x: Failed to read response body", FailurePoint::kOther}));

TEST(ReplayPolicy, AnythingTheServerCannotHaveWholeIsResent) {
  EXPECT_TRUE(decide_replay(request("POST"), FailurePoint::kWhileSending).replay);
  EXPECT_TRUE(decide_replay(request("GET"), FailurePoint::kWhileSending).replay);
}

TEST(ReplayPolicy, ARequestSentWholeIsResentOnlyWhenIdempotent) {
  for (auto point : {FailurePoint::kBeforeResponse, FailurePoint::kMalformedResponse}) {
    EXPECT_TRUE(decide_replay(request("GET"), point).replay);
    const auto post = decide_replay(request("POST"), point);
    EXPECT_FALSE(post.replay);
    EXPECT_NE(post.caution.find("may have applied it"), std::string::npos) << post.caution;
    EXPECT_NE(post.caution.find("POST is not idempotent"), std::string::npos) << post.caution;
  }
}

TEST(ReplayPolicy, NoConnectionOrALateFailureIsNotResent) {
  for (auto point : {FailurePoint::kNotConnected, FailurePoint::kOther}) {
    const auto decision = decide_replay(request("GET"), point);
    EXPECT_FALSE(decision.replay);
    EXPECT_TRUE(decision.caution.empty());
  }
}

}  // namespace
}  // namespace hvo::net
