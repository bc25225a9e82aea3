#include "operator/api_error.h"

#include <gtest/gtest.h>

namespace hvo::kube {
namespace {

net::HttpResponse response(int status, std::string body, net::Headers headers = {}) {
  net::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

std::string status_body(int code, const std::string& reason, const std::string& message) {
  return R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":")" +
         message + R"(","reason":")" + reason + R"(","code":)" + std::to_string(code) + "}";
}

struct ReasonCase {
  const char* name;
  int http_code;
  const char* reason;  // "" = no Status body
  StatusReason expected_reason;
  ErrorCode expected_code;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const ReasonCase& c, std::ostream* os) {
  *os << c.name;
}

class ApiErrorReasonTest : public ::testing::TestWithParam<ReasonCase> {};

TEST_P(ApiErrorReasonTest, MapsReasonAndCode) {
  const auto& c = GetParam();
  const std::string body = std::string(c.reason).empty() ? "<html>bad gateway</html>"
                                                         : status_body(c.http_code, c.reason, "m");
  const ApiError error = decode_api_error(response(c.http_code, body));
  EXPECT_EQ(error.reason, c.expected_reason);
  EXPECT_EQ(error.code(), c.expected_code);
  EXPECT_EQ(error.http_code, c.http_code);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ApiErrorReasonTest,
    ::testing::Values(
        ReasonCase{"NotFound", 404, "NotFound", StatusReason::kNotFound, ErrorCode::kNotFound},
        ReasonCase{"Conflict", 409, "Conflict", StatusReason::kConflict, ErrorCode::kConflict},
        ReasonCase{"AlreadyExists", 409, "AlreadyExists", StatusReason::kAlreadyExists,
                   ErrorCode::kAlreadyExists},
        ReasonCase{"Invalid", 422, "Invalid", StatusReason::kInvalid, ErrorCode::kInvalidArgument},
        ReasonCase{"Expired", 410, "Expired", StatusReason::kExpired, ErrorCode::kGone},
        ReasonCase{"Gone", 410, "Gone", StatusReason::kGone, ErrorCode::kGone},
        ReasonCase{"Forbidden", 403, "Forbidden", StatusReason::kForbidden,
                   ErrorCode::kPermissionDenied},
        ReasonCase{"Unauthorized", 401, "Unauthorized", StatusReason::kUnauthorized,
                   ErrorCode::kUnauthenticated},
        ReasonCase{"TooManyRequests", 429, "TooManyRequests", StatusReason::kTooManyRequests,
                   ErrorCode::kResourceExhausted},
        ReasonCase{"ServerTimeout", 500, "ServerTimeout", StatusReason::kServerTimeout,
                   ErrorCode::kTimeout},
        ReasonCase{"InternalError", 500, "InternalError", StatusReason::kInternalError,
                   ErrorCode::kUnavailable},
        ReasonCase{"UnsupportedMediaType", 415, "UnsupportedMediaType",
                   StatusReason::kUnsupportedMediaType, ErrorCode::kInvalidArgument},
        ReasonCase{"BadGatewayWithoutStatus", 502, "", StatusReason::kUnknown,
                   ErrorCode::kUnavailable},
        ReasonCase{"NotFoundWithoutStatus", 404, "", StatusReason::kNotFound, ErrorCode::kNotFound},
        ReasonCase{"ServiceUnavailableWithoutStatus", 503, "", StatusReason::kServiceUnavailable,
                   ErrorCode::kUnavailable}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ApiError, InvalidListsEveryCauseWithItsField) {
  const std::string body = R"({"kind":"Status","apiVersion":"v1","status":"Failure",
    "message":"VirtualMachine.hyperv.operator.io \"web\" is invalid: spec.cpu: Invalid value: 0",
    "reason":"Invalid","code":422,
    "details":{"name":"web","group":"hyperv.operator.io","kind":"virtualmachines","causes":[
      {"reason":"FieldValueInvalid","message":"Invalid value: 0: must be >= 1","field":"spec.cpu"},
      {"reason":"FieldValueRequired","message":"Required value","field":"spec.image"}]}})";
  const ApiError error = decode_api_error(response(422, body));
  ASSERT_EQ(error.causes.size(), 2u);
  EXPECT_EQ(error.causes[1].field, "spec.image");
  EXPECT_EQ(error.name, "web");
  EXPECT_EQ(error.kind, "virtualmachines");

  const Error converted = error.to_error("create virtualmachines.hyperv.operator.io ns/web");
  EXPECT_EQ(converted.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(converted.message(),
            "create virtualmachines.hyperv.operator.io ns/web: Invalid (422): "
            "VirtualMachine.hyperv.operator.io \"web\" is invalid: spec.cpu: Invalid value: 0; "
            "spec.cpu: Invalid value: 0: must be >= 1 (FieldValueInvalid); spec.image: Required "
            "value (FieldValueRequired)");
}

TEST(ApiError, RetryAfterFromDetailsOrHeader) {
  const ApiError from_details = decode_api_error(response(
      429,
      R"({"kind":"Status","reason":"TooManyRequests","code":429,"details":{"retryAfterSeconds":3}})"));
  EXPECT_EQ(from_details.retry_after_seconds, 3);
  const ApiError from_header = decode_api_error(response(429, "slow down", {{"Retry-After", "7"}}));
  EXPECT_EQ(from_header.retry_after_seconds, 7);
  const ApiError http_date =
      decode_api_error(response(503, "", {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}));
  EXPECT_EQ(http_date.retry_after_seconds, std::nullopt);
}

TEST(ApiError, KeepsTheStartOfANonStatusBody) {
  const ApiError error = decode_api_error(response(502, "<html>bad gateway</html>"));
  EXPECT_EQ(error.message, "<html>bad gateway</html>");
  EXPECT_NE(error.to_error("get x").message().find("bad gateway"), std::string::npos);
}

TEST(ApiError, DecodesTheStatusOfAWatchErrorEvent) {
  const ApiError error = decode_status_object(
      R"json({"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 5 (9)","reason":"Expired","code":410})json");
  EXPECT_EQ(error.reason, StatusReason::kExpired);
  EXPECT_EQ(error.http_code, 410);
  EXPECT_EQ(error.code(), ErrorCode::kGone);

  const ApiError garbage = decode_status_object(R"({"kind":"Pod"})");
  EXPECT_EQ(garbage.code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace hvo::kube
