#include <gtest/gtest.h>

#include "common/net/http_types.h"

namespace hvo::net {
namespace {

struct EncodeCase {
  const char* name;
  std::string input;
  std::string want;
};

TEST(UrlEncode, EncodesAllButUnreservedCharacters) {
  const EncodeCase cases[] = {
      {"empty", "", ""},
      {"unreserved kept", "AZaz09-._~", "AZaz09-._~"},
      {"space", "a b", "a%20b"},
      {"plus", "a+b", "a%2Bb"},
      {"equals and ampersand", "a=b&c", "a%3Db%26c"},
      {"slash and colon", "/api:v1", "%2Fapi%3Av1"},
      {"percent", "100%", "100%25"},
      {"utf8 bytes", "\xc3\xa9", "%C3%A9"},
      {"nul byte", std::string("a\0b", 3), "a%00b"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(url_encode(c.input), c.want) << c.name;
}

TEST(EncodePath, KeepsSlashesAndEncodesTheRest) {
  const EncodeCase cases[] = {
      {"plain", "/api/v1/namespaces/default", "/api/v1/namespaces/default"},
      {"space in segment", "/a b/c", "/a%20b/c"},
      {"question mark", "/a?b", "/a%3Fb"},
      {"colon", "/system:node", "/system%3Anode"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(encode_path(c.input), c.want) << c.name;
}

TEST(PercentDecode, DecodesEscapesAndKeepsMalformedOnes) {
  const EncodeCase cases[] = {
      {"escape", "a%20b", "a b"},
      {"lower-case hex", "%c3%a9", "\xc3\xa9"},
      {"plus stays plus", "a+b", "a+b"},
      {"bad hex kept", "%zz", "%zz"},
      {"trailing percent kept", "abc%", "abc%"},
      {"truncated escape kept", "abc%4", "abc%4"},
      {"encoded percent", "%2541", "%41"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(percent_decode(c.input), c.want) << c.name;
}

TEST(EncodeQuery, JoinsEncodedPairsInMapOrder) {
  EXPECT_EQ(encode_query({}), "");
  EXPECT_EQ(encode_query({{"watch", "1"}, {"labelSelector", "app=web,tier in (a b)"}}),
            "labelSelector=app%3Dweb%2Ctier%20in%20%28a%20b%29&watch=1");
  EXPECT_EQ(encode_query({{"empty", ""}}), "empty=");
}

struct DecodeCase {
  const char* name;
  std::string raw;
  std::map<std::string, std::string> want;
};

TEST(DecodeQuery, ParsesPairsLeniently) {
  const DecodeCase cases[] = {
      {"empty", "", {}},
      {"one pair", "a=1", {{"a", "1"}}},
      {"plus is space", "q=x+y", {{"q", "x y"}}},
      {"escaped plus", "q=x%2By", {{"q", "x+y"}}},
      {"name without value", "watch", {{"watch", ""}}},
      {"empty value", "a=", {{"a", ""}}},
      {"empty pieces skipped", "a=1&&b=2&", {{"a", "1"}, {"b", "2"}}},
      {"last value wins", "a=1&a=2", {{"a", "2"}}},
      {"equals inside value", "sel=a%3Db=c", {{"sel", "a=b=c"}}},
      {"escaped name", "label%20Selector=x", {{"label Selector", "x"}}},
      {"malformed escape kept", "a=%zz", {{"a", "%zz"}}},
  };
  for (const auto& c : cases)
    EXPECT_EQ(decode_query(c.raw), c.want) << c.name;
}

TEST(DecodeQuery, RoundTripsEncodeQuery) {
  std::map<std::string, std::string> params = {
      {"fieldSelector", "metadata.name=vm-1"}, {"x y", "a&b=c+d%"}, {"unicode", "\xc3\xa9"}};
  EXPECT_EQ(decode_query(encode_query(params)), params);
}

}  // namespace
}  // namespace hvo::net
