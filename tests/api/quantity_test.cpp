#include "api/k8s/quantity.h"

#include <gtest/gtest.h>

#include <limits>

namespace hvo::k8s {
namespace {

struct CanonicalCase {
  const char* input;
  const char* canonical;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const CanonicalCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.input));
}

// Inputs and the canonical form Kubernetes prints for them (apimachinery's quantity tests).
class QuantityCanonical : public testing::TestWithParam<CanonicalCase> {};

TEST_P(QuantityCanonical, ParsesAndPrintsLikeKubernetes) {
  const auto q = Quantity::parse(GetParam().input);
  ASSERT_TRUE(q.ok()) << q.error().message();
  EXPECT_EQ(q->to_string(), GetParam().canonical);
  const auto again = Quantity::parse(q->to_string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *q) << "canonical form must parse back to the same value";
}

INSTANTIATE_TEST_SUITE_P(
    Table, QuantityCanonical,
    testing::Values(
        CanonicalCase{"2Gi", "2Gi"}, CanonicalCase{"1536Mi", "1536Mi"},
        CanonicalCase{"1.5Gi", "1536Mi"}, CanonicalCase{"1024Mi", "1Gi"},
        CanonicalCase{"500m", "500m"}, CanonicalCase{"1000m", "1"}, CanonicalCase{"1.5", "1500m"},
        CanonicalCase{"1.5G", "1500M"}, CanonicalCase{"1000M", "1G"}, CanonicalCase{"1e3", "1e3"},
        CanonicalCase{"1E3", "1e3"}, CanonicalCase{"1.5e3", "1500"}, CanonicalCase{"1e-3", "1e-3"},
        CanonicalCase{"80e-3", "80e-3"}, CanonicalCase{"1.3E+6", "1300e3"}, CanonicalCase{"0", "0"},
        CanonicalCase{"0Ki", "0"}, CanonicalCase{"-0", "0"}, CanonicalCase{"+5", "5"},
        CanonicalCase{"-1Ki", "-1Ki"}, CanonicalCase{"-1.5", "-1500m"}, CanonicalCase{".5", "500m"},
        CanonicalCase{"1.", "1"}, CanonicalCase{"1.G", "1G"}, CanonicalCase{"0.5Ki", "512"},
        CanonicalCase{".001Ki", "1024m"}, CanonicalCase{".000001Ki", "1024u"},
        CanonicalCase{".000000001Ki", "1024n"}, CanonicalCase{".000000000001Ki", "2n"},
        CanonicalCase{"3.001n", "4n"}, CanonicalCase{"0.9n", "1n"}, CanonicalCase{"-0.9n", "-1n"},
        CanonicalCase{"1e-1000", "1e-9"}, CanonicalCase{"0e1000", "0"},
        CanonicalCase{"0.00000012345", "124n"}, CanonicalCase{"100.035k", "100035"},
        CanonicalCase{"1025Ki", "1025Ki"}, CanonicalCase{"1025", "1025"},
        CanonicalCase{"100.035Ki", "102435840m"}, CanonicalCase{"000123.4500M", "123450k"},
        CanonicalCase{"1E", "1E"}, CanonicalCase{"9223372036854775807", "9223372036854775807"},
        CanonicalCase{"7Ei", "7Ei"}, CanonicalCase{"1u", "1u"}, CanonicalCase{"1080u", "1080u"},
        CanonicalCase{"0.0005k", "500m"}));

struct InvalidCase {
  const char* input;
  const char* message;
};

void PrintTo(const InvalidCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.input));
}

class QuantityInvalid : public testing::TestWithParam<InvalidCase> {};

TEST_P(QuantityInvalid, IsRejectedWithAClearMessage) {
  const auto q = Quantity::parse(GetParam().input);
  ASSERT_FALSE(q.ok()) << GetParam().input << " parsed as " << q->to_string();
  EXPECT_EQ(q.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(q.error().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, QuantityInvalid,
    testing::Values(InvalidCase{"2GB", "quantity \"2GB\": unknown suffix \"GB\""},
                    InvalidCase{"", "quantity \"\": must not be empty"},
                    InvalidCase{"Gi", "quantity \"Gi\": expected a number"},
                    InvalidCase{"-", "quantity \"-\": expected a number"},
                    InvalidCase{".", "quantity \".\": expected a number"},
                    InvalidCase{"1.1.M", "quantity \"1.1.M\": unknown suffix \".M\""},
                    InvalidCase{"1+1.0M", "quantity \"1+1.0M\": unknown suffix \"+1.0M\""},
                    InvalidCase{"0.1mi", "quantity \"0.1mi\": unknown suffix \"mi\""},
                    InvalidCase{"1i", "quantity \"1i\": unknown suffix \"i\""},
                    InvalidCase{"1K", "quantity \"1K\": unknown suffix \"K\""},
                    InvalidCase{"1e", "quantity \"1e\": unknown suffix \"e\""},
                    InvalidCase{"-3.01e-", "quantity \"-3.01e-\": unknown suffix \"e-\""},
                    InvalidCase{"1e1.5", "quantity \"1e1.5\": unknown suffix \"e1.5\""},
                    InvalidCase{" 1", "quantity \" 1\": expected a number"},
                    InvalidCase{"1 ", "quantity \"1 \": unknown suffix \" \""},
                    InvalidCase{"9Ei",
                                "quantity \"9Ei\": out of range: quantities are limited to "
                                "+/-9223372036854775807 units"},
                    InvalidCase{"12E",
                                "quantity \"12E\": out of range: quantities are limited to "
                                "+/-9223372036854775807 units"},
                    InvalidCase{"9223372036854775808",
                                "quantity \"9223372036854775808\": out of range: "
                                "quantities are limited to +/-9223372036854775807 "
                                "units"},
                    InvalidCase{"9223372036854775807.1",
                                "quantity \"9223372036854775807.1\": out of range: "
                                "quantities are limited to "
                                "+/-9223372036854775807 units"},
                    InvalidCase{"1e99999999999",
                                "quantity \"1e99999999999\": out of range: quantities are "
                                "limited to +/-9223372036854775807 units"}));

TEST(Quantity, FormatFollowsTheSuffixFamily) {
  EXPECT_EQ(Quantity::parse("1Gi")->format(), Quantity::Format::kBinarySI);
  EXPECT_EQ(Quantity::parse("1G")->format(), Quantity::Format::kDecimalSI);
  EXPECT_EQ(Quantity::parse("1")->format(), Quantity::Format::kDecimalSI);
  EXPECT_EQ(Quantity::parse("1e9")->format(), Quantity::Format::kDecimalExponent);
  EXPECT_EQ(Quantity::parse("0.5Ki")->format(), Quantity::Format::kBinarySI);
  EXPECT_EQ(Quantity::parse(".000000000001Ki")->format(), Quantity::Format::kDecimalSI);
}

struct ValueCase {
  const char* input;
  std::int64_t value;
  std::int64_t milli;
};

void PrintTo(const ValueCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.input));
}

class QuantityValue : public testing::TestWithParam<ValueCase> {};

TEST_P(QuantityValue, RoundsAwayFromZero) {
  const auto q = Quantity::parse(GetParam().input);
  ASSERT_TRUE(q.ok()) << q.error().message();
  EXPECT_EQ(q->value(), GetParam().value);
  const auto milli = q->milli_value();
  ASSERT_TRUE(milli.ok());
  EXPECT_EQ(*milli, GetParam().milli);
}

INSTANTIATE_TEST_SUITE_P(Table, QuantityValue,
                         testing::Values(ValueCase{"2Gi", 2147483648, 2147483648000},
                                         ValueCase{"1500m", 2, 1500},
                                         ValueCase{"-1500m", -2, -1500}, ValueCase{"1n", 1, 1},
                                         ValueCase{"-1n", -1, -1}, ValueCase{"1.0001", 2, 1001},
                                         ValueCase{"0", 0, 0}, ValueCase{"1e3", 1000, 1000000}));

TEST(Quantity, MilliValueReportsOverflow) {
  const auto q = Quantity::parse("7Ei");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->value(), std::int64_t{7} << 60);
  const auto milli = q->milli_value();
  ASSERT_FALSE(milli.ok());
  EXPECT_EQ(milli.error().message(), "quantity \"7Ei\": too large to count in thousandths");
}

struct ArithmeticCase {
  const char* a;
  const char* b;
  const char* sum;
  const char* difference;
};

void PrintTo(const ArithmeticCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.a)) << " and "
      << ::testing::PrintToString(std::string(c.b));
}

class QuantityArithmetic : public testing::TestWithParam<ArithmeticCase> {};

TEST_P(QuantityArithmetic, AddsAndSubtractsExactly) {
  const auto a = Quantity::parse(GetParam().a);
  const auto b = Quantity::parse(GetParam().b);
  ASSERT_TRUE(a.ok() && b.ok());
  const auto sum = a->add(*b);
  const auto difference = a->sub(*b);
  ASSERT_TRUE(sum.ok() && difference.ok());
  EXPECT_EQ(sum->to_string(), GetParam().sum);
  EXPECT_EQ(difference->to_string(), GetParam().difference);
}

INSTANTIATE_TEST_SUITE_P(
    Table, QuantityArithmetic,
    testing::Values(ArithmeticCase{"1Gi", "512Mi", "1536Mi", "512Mi"},
                    ArithmeticCase{"1", "500m", "1500m", "500m"},
                    ArithmeticCase{"500m", "1", "1500m", "-500m"},
                    ArithmeticCase{"0", "2Gi", "2Gi", "-2Gi"},  // zero takes the other's format
                    ArithmeticCase{"1n", "999999999n", "1", "-999999998n"},
                    ArithmeticCase{"-1500m", "700m", "-800m", "-2200m"},
                    ArithmeticCase{"9223372036854775806", "1", "9223372036854775807",
                                   "9223372036854775805"}));

TEST(Quantity, ArithmeticOutOfRangeIsAnError) {
  const auto max = Quantity::parse("9223372036854775807");
  ASSERT_TRUE(max.ok());
  const auto over = max->add(Quantity::from_milli(1));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().message(),
            "quantity arithmetic 9223372036854775807 + 1m: result out of range");
  EXPECT_FALSE(max->negated().sub(Quantity::from_int(1)).ok());
}

TEST(Quantity, ComparesNumericallyAcrossFormats) {
  EXPECT_EQ(*Quantity::parse("1Gi"), *Quantity::parse("1073741824"));
  EXPECT_EQ(*Quantity::parse("1k"), *Quantity::parse("1e3"));
  EXPECT_LT(*Quantity::parse("999m"), *Quantity::parse("1"));
  EXPECT_GT(*Quantity::parse("1Gi"), *Quantity::parse("1G"));
  EXPECT_LT(*Quantity::parse("-1"), *Quantity::parse("-500m"));
  EXPECT_LE(*Quantity::parse("1"), *Quantity::parse("1000m"));
  EXPECT_NE(*Quantity::parse("1"), *Quantity::parse("1001m"));
}

TEST(Quantity, ConstructorsPrintInTheirFormat) {
  EXPECT_EQ(Quantity::from_int(std::int64_t{8} << 30, Quantity::Format::kBinarySI).to_string(),
            "8Gi");
  EXPECT_EQ(Quantity::from_int(4).to_string(), "4");
  EXPECT_EQ(Quantity::from_int(4000).to_string(), "4k");
  EXPECT_EQ(Quantity::from_milli(1500).to_string(), "1500m");
  EXPECT_EQ(Quantity::from_milli(-2000).to_string(), "-2");
  EXPECT_EQ(Quantity().to_string(), "0");
  EXPECT_EQ(Quantity::from_milli(-250).sign(), -1);
}

}  // namespace
}  // namespace hvo::k8s
