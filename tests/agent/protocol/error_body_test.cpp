#include "hostagent/protocol/error_body.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace hvo::agent {
namespace {

struct CodeRow {
  AgentErrorCode code;
  const char* wire;
  int http_status;
};

TEST(AgentErrorCode, WireSpellingAndHttpStatusAreStable) {
  const CodeRow rows[] = {
      {AgentErrorCode::kInvalidSpec, "InvalidSpec", 400},
      {AgentErrorCode::kNotFound, "NotFound", 404},
      {AgentErrorCode::kInsufficientResources, "InsufficientResources", 409},
      {AgentErrorCode::kImageNotFound, "ImageNotFound", 422},
      {AgentErrorCode::kSwitchNotFound, "SwitchNotFound", 422},
      {AgentErrorCode::kDriverError, "DriverError", 502},
      {AgentErrorCode::kConflict, "Conflict", 409},
      {AgentErrorCode::kUnauthorized, "Unauthorized", 401},
      {AgentErrorCode::kBusy, "Busy", 429},
      {AgentErrorCode::kTimeout, "Timeout", 504},
      {AgentErrorCode::kHostUnavailable, "HostUnavailable", 503},
      {AgentErrorCode::kPayloadTooLarge, "PayloadTooLarge", 413},
      {AgentErrorCode::kMethodNotAllowed, "MethodNotAllowed", 405},
      {AgentErrorCode::kInternal, "Internal", 500},
      {AgentErrorCode::kStaleLeaseEpoch, "StaleLeaseEpoch", 409},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.wire);
    EXPECT_STREQ(to_string(row.code), row.wire);
    EXPECT_EQ(http_status_for(row.code), row.http_status);
    EXPECT_EQ(parse_agent_error_code(row.wire), row.code);
  }
  EXPECT_EQ(parse_agent_error_code("NoSuchCode"), std::nullopt);
}

TEST(ErrorBody, RoundTripsThroughJsonAndOmitsEmptyDetail) {
  const ErrorBody body = make_error(AgentErrorCode::kSwitchNotFound, "switch lan is missing");
  const nlohmann::json json = body;
  EXPECT_EQ(json.dump(), R"({"code":"SwitchNotFound","message":"switch lan is missing"})");
  const auto back = json.get<ErrorBody>();
  EXPECT_EQ(back.code, AgentErrorCode::kSwitchNotFound);
  EXPECT_EQ(back.message, "switch lan is missing");
  EXPECT_EQ(back.detail, "");
}

TEST(ErrorBody, UnknownCodeFromNewerAgentDegradesToInternalKeepingMessage) {
  const auto body =
      nlohmann::json::parse(R"({"code":"Quantum","message":"m","detail":"d"})").get<ErrorBody>();
  EXPECT_EQ(body.code, AgentErrorCode::kInternal);
  EXPECT_EQ(body.message, "m");
  EXPECT_EQ(body.detail, "d");
}

TEST(ErrorBody, ConvertsToCommonErrorWithCodeAndContext) {
  const auto error = make_error(AgentErrorCode::kInsufficientResources, "needs 8 GiB", "free 4 GiB")
                         .with_context("host hv-01")
                         .to_error();
  EXPECT_EQ(error.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(error.message(), "InsufficientResources: host hv-01: needs 8 GiB (free 4 GiB)");
}

TEST(AgentErrorCode, RetryAdviceSeparatesTransientFromPermanent) {
  EXPECT_TRUE(is_retryable(AgentErrorCode::kBusy));
  EXPECT_TRUE(is_retryable(AgentErrorCode::kDriverError));
  EXPECT_FALSE(is_retryable(AgentErrorCode::kInvalidSpec));
  EXPECT_FALSE(is_retryable(AgentErrorCode::kImageNotFound));
}

}  // namespace
}  // namespace hvo::agent
