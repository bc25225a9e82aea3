#include "operator/base64.h"

#include <gtest/gtest.h>

namespace hvo::kube {
namespace {

struct DecodeCase {
  const char* name;
  const char* input;
  std::optional<std::string> expected;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const DecodeCase& c, std::ostream* os) {
  *os << c.name;
}

class Base64DecodeTest : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(Base64DecodeTest, DecodesOrRejects) {
  EXPECT_EQ(base64_decode(GetParam().input), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Base64DecodeTest,
    ::testing::Values(DecodeCase{"Empty", "", std::string()},
                      DecodeCase{"NoPadding", "Zm9vYmFy", std::string("foobar")},
                      DecodeCase{"OnePad", "Zm9vYmE=", std::string("fooba")},
                      DecodeCase{"TwoPads", "Zm9vYg==", std::string("foob")},
                      DecodeCase{"WrappedLines", "Zm9v\nYmFy\n", std::string("foobar")},
                      DecodeCase{"BinaryBytes", "/+8A", std::string("\xff\xef\x00", 3)},
                      DecodeCase{"BadLength", "Zm9vY", std::nullopt},
                      DecodeCase{"BadCharacter", "Zm9v*mFy", std::nullopt},
                      DecodeCase{"PaddingInMiddle", "Zg==Zm9v", std::nullopt},
                      DecodeCase{"ThreePads", "Z===", std::nullopt},
                      DecodeCase{"DataAfterPad", "Zm=v", std::nullopt}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace hvo::kube
