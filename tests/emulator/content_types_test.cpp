#include "tools/apiserver-lite/rest/content_types.h"

#include <gtest/gtest.h>

#include "tools/apiserver-lite/rest/api_error.h"

namespace hvo::apiserver {
namespace {

net::HttpRequest with_accept(const std::string& accept) {
  net::HttpRequest request;
  if (!accept.empty())
    request.headers["Accept"] = accept;
  return request;
}

struct AcceptCase {
  const char* accept;
  std::optional<ResponseFormat> format;  // nullopt: 406
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const AcceptCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.accept));
}

class NegotiateFormatTest : public ::testing::TestWithParam<AcceptCase> {};

TEST_P(NegotiateFormatTest, PicksTheFirstRangeWeProduce) {
  const auto& c = GetParam();
  if (c.format) {
    EXPECT_EQ(negotiate_format(with_accept(c.accept)), *c.format) << c.accept;
  } else {
    try {
      negotiate_format(with_accept(c.accept));
      ADD_FAILURE() << "no 406 for " << c.accept;
    } catch (const ApiError& error) {
      EXPECT_EQ(error.code(), 406);
      EXPECT_EQ(error.status_body()["reason"], "NotAcceptable");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Accept, NegotiateFormatTest,
    ::testing::Values(
        AcceptCase{"", ResponseFormat::kJson},
        AcceptCase{"application/json", ResponseFormat::kJson},
        AcceptCase{"*/*", ResponseFormat::kJson},
        AcceptCase{"application/yaml", ResponseFormat::kJson},
        AcceptCase{"application/vnd.kubernetes.protobuf, application/json", ResponseFormat::kJson},
        AcceptCase{
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
            "g=meta.k8s.io,application/json",
            ResponseFormat::kTable},
        AcceptCase{
            "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,"
            "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json",
            ResponseFormat::kJson},
        AcceptCase{"application/json;q=0, application/yaml", ResponseFormat::kJson},
        AcceptCase{"application/vnd.kubernetes.protobuf", std::nullopt},
        AcceptCase{"application/vnd.kubernetes.protobuf;stream=watch", std::nullopt},
        AcceptCase{"application/cbor", std::nullopt}, AcceptCase{"text/html", std::nullopt},
        AcceptCase{"application/json;q=0", std::nullopt}));

TEST(DecodeObjectBody, ProtobufBodyIsUnsupportedMediaType) {
  net::HttpRequest request;
  request.headers["Content-Type"] = "application/vnd.kubernetes.protobuf";
  request.body = std::string("k8s\0\n", 5);
  try {
    decode_object_body(request);
    ADD_FAILURE() << "protobuf body accepted";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), 415);
    EXPECT_EQ(error.status_body()["reason"], "UnsupportedMediaType");
    EXPECT_NE(error.status_body()["message"].get<std::string>().find("application/json"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace hvo::apiserver
