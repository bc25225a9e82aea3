#include "tools/apiserver-lite/etcd/etcd_json.h"

#include <gtest/gtest.h>

#include <vector>

#include "tools/apiserver-lite/etcd/base64.h"

namespace hvo::apiserver::etcd {
namespace {

using nlohmann::json;

TEST(Base64, RoundTripsEveryPaddingLength) {
  const std::vector<std::string> texts = {"", "a", "ab", "abc", "abcd", std::string("\0\xff", 2)};
  for (const auto& text : texts) {
    auto decoded = base64_decode(base64_encode(text));
    ASSERT_TRUE(decoded.has_value()) << text;
    EXPECT_EQ(*decoded, text);
  }
  EXPECT_FALSE(base64_decode("abc").has_value());
  EXPECT_FALSE(base64_decode("a!c=").has_value());
}

TEST(PrefixRangeEnd, IncrementsTheLastByte) {
  EXPECT_EQ(prefix_range_end("/registry/"), "/registry0");
  EXPECT_EQ(prefix_range_end(std::string("a\xff", 2)), "b");
}

TEST(EtcdJson, CreateIsACompareOnModRevisionZero) {
  const json request = put_if_mod_revision_request("/k", "v", 0, 7);
  EXPECT_EQ(request["compare"][0]["target"], "MOD");
  EXPECT_EQ(request["compare"][0]["mod_revision"], "0");
  EXPECT_EQ(request["success"][0]["request_put"]["value"], base64_encode("v"));
  EXPECT_EQ(request["success"][0]["request_put"]["lease"], "7");
  EXPECT_EQ(request["failure"][0]["request_range"]["key"], base64_encode("/k"));
}

TEST(EtcdJson, ParsesRangeWithStringNumbers) {
  const json body = {{"header", {{"revision", "12"}}},
                     {"kvs", json::array({{{"key", base64_encode("/a")},
                                           {"value", base64_encode("{}")},
                                           {"create_revision", "3"},
                                           {"mod_revision", "9"},
                                           {"version", "2"}}})},
                     {"more", true},
                     {"count", "5"}};
  auto parsed = parse_range_response(body);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->revision, 12);
  ASSERT_EQ(parsed->kvs.size(), 1u);
  EXPECT_EQ(parsed->kvs[0].key, "/a");
  EXPECT_EQ(parsed->kvs[0].mod_revision, 9);
  EXPECT_TRUE(parsed->more);
  EXPECT_EQ(parsed->count, 5);
}

TEST(EtcdJson, FailedTxnReportsTheCurrentValue) {
  const json body = {
      {"header", {{"revision", "4"}}},
      {"responses",
       json::array(
           {{{"response_range",
              {{"kvs", json::array({{{"key", base64_encode("/a")}, {"mod_revision", "4"}}})}}}}})}};
  auto parsed = parse_txn_response(body);
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->succeeded);
  ASSERT_TRUE(parsed->current.has_value());
  EXPECT_EQ(parsed->current->mod_revision, 4);
}

TEST(EtcdJson, WatchLineCarriesEventsAndPreviousValues) {
  const std::string line =
      R"({"result":{"header":{"revision":"6"},"events":[{"type":"DELETE","kv":{"key":")" +
      base64_encode("/b") + R"(","mod_revision":"6"},"prev_kv":{"key":")" + base64_encode("/b") +
      R"(","mod_revision":"5","value":")" + base64_encode("x") + R"("}}]}})";
  auto parsed = parse_watch_line(line);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->events.size(), 1u);
  EXPECT_EQ(parsed->events[0].type, WatchEvent::Type::kDelete);
  EXPECT_EQ(parsed->events[0].kv.mod_revision, 6);
  ASSERT_TRUE(parsed->events[0].prev_kv.has_value());
  EXPECT_EQ(parsed->events[0].prev_kv->value, "x");
}

TEST(EtcdJson, CompactedWatchIsCanceledWithTheRevision) {
  auto parsed = parse_watch_line(R"({"result":{"canceled":true,"compact_revision":"2"}})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->canceled);
  EXPECT_EQ(parsed->compact_revision, 2);
}

TEST(EtcdJson, MalformedInputIsAnErrorNotACrash) {
  EXPECT_FALSE(parse_watch_line("not json").ok());
  EXPECT_FALSE(parse_watch_line(R"({"result":{"events":[{"kv":{"key":"%%%"}}]}})").ok());
  EXPECT_FALSE(parse_range_response(json{{"kvs", json::array({{{"mod_revision", "x"}}})}}).ok());
}

TEST(EtcdJson, CompactionErrorsMapToGone) {
  const Error error = gateway_error(
      400, R"({"error":"etcdserver: mvcc: required revision has been compacted","code":11})",
      "range");
  EXPECT_EQ(error.code(), ErrorCode::kGone);
  EXPECT_EQ(gateway_error(503, "down", "range").code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace hvo::apiserver::etcd
