#include "tools/apiserver-lite/rest/list_options.h"

#include <gtest/gtest.h>

#include "tools/apiserver-lite/etcd/base64.h"
#include "tools/apiserver-lite/rest/api_error.h"

namespace hvo::apiserver {
namespace {

net::HttpRequest with_query(std::map<std::string, std::string> query) {
  net::HttpRequest request;
  request.query = std::move(query);
  return request;
}

TEST(ListOptions, ParsesWatchParameters) {
  const auto options = parse_list_options(with_query({{"watch", "1"},
                                                      {"allowWatchBookmarks", "true"},
                                                      {"timeoutSeconds", "30"},
                                                      {"resourceVersion", "15"},
                                                      {"labelSelector", "a=b"}}));
  EXPECT_TRUE(options.watch);
  EXPECT_TRUE(options.allow_bookmarks);
  EXPECT_EQ(options.timeout_seconds, 30);
  EXPECT_EQ(options.resource_version, "15");
  EXPECT_EQ(options.label_selector, "a=b");
}

TEST(ListOptions, RejectsMalformedNumbers) {
  EXPECT_THROW(parse_list_options(with_query({{"limit", "ten"}})), ApiError);
  EXPECT_THROW(parse_list_options(with_query({{"resourceVersion", "-3"}})), ApiError);
  EXPECT_THROW(parse_list_options(with_query({{"continue", "x"}, {"resourceVersion", "4"}})),
               ApiError);
}

TEST(ContinueToken, RoundTripsRelativeToThePrefix) {
  const std::string prefix = "/registry/example.io/widgets/ns/";
  const std::string token = encode_continue({42, prefix + "w7"}, prefix);
  const auto decoded = decode_continue(token, prefix);
  EXPECT_EQ(decoded.revision, 42);
  EXPECT_EQ(decoded.start_key, prefix + "w7");
}

TEST(ContinueToken, AnExpiredListsTokenContinuesAtTheLatestRevision) {
  const std::string prefix = "/registry/x/";
  const auto decoded = decode_continue(encode_continue({-1, prefix + "b"}, prefix), prefix);
  EXPECT_EQ(decoded.revision, 0);  // 0: read at the latest revision
  EXPECT_EQ(decoded.start_key, prefix + "b");
  EXPECT_THROW(decode_continue(encode_continue({0, prefix + "b"}, prefix), prefix), ApiError);
  EXPECT_THROW(decode_continue(encode_continue({-2, prefix + "b"}, prefix), prefix), ApiError);
}

TEST(ContinueToken, RejectsForeignOrEscapingTokens) {
  const std::string prefix = "/registry/x/";
  EXPECT_THROW(decode_continue("not base64!", prefix), ApiError);
  EXPECT_THROW(decode_continue(etcd::base64_encode(R"({"v":"other","rv":1,"start":"a"})"), prefix),
               ApiError);
  EXPECT_THROW(decode_continue(
                   etcd::base64_encode(R"({"v":"meta.k8s.io/v1","rv":1,"start":"../y"})"), prefix),
               ApiError);
}

}  // namespace
}  // namespace hvo::apiserver
