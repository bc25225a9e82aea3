#include "api/k8s/selector.h"

#include <gtest/gtest.h>

namespace hvo::k8s {
namespace {

struct ParseCase {
  const char* text;
  const char* canonical;  // Selector::to_string() of the parsed selector
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const ParseCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.text));
}

class SelectorParse : public testing::TestWithParam<ParseCase> {};

TEST_P(SelectorParse, ParsesAndPrintsSortedByKey) {
  const auto selector = Selector::parse(GetParam().text);
  ASSERT_TRUE(selector.ok()) << selector.error().message();
  EXPECT_EQ(selector->to_string(), GetParam().canonical);
  const auto again = Selector::parse(selector->to_string());
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(again->to_string(), GetParam().canonical);
}

INSTANTIATE_TEST_SUITE_P(
    Table, SelectorParse,
    testing::Values(ParseCase{"", ""}, ParseCase{"  ", ""}, ParseCase{"a=b", "a=b"},
                    ParseCase{"a==b", "a==b"}, ParseCase{"a!=b", "a!=b"},
                    ParseCase{"a in (y,x)", "a in (x,y)"}, ParseCase{"a notin (x)", "a notin (x)"},
                    ParseCase{"a", "a"}, ParseCase{"!a", "!a"},
                    ParseCase{"d,!c,b in (x,y),a=b", "a=b,b in (x,y),!c,d"},
                    ParseCase{" a = b , c in ( x , y ) ", "a=b,c in (x,y)"}, ParseCase{"a=", "a="},
                    ParseCase{"a in ()", "a in ()"}, ParseCase{"a in (x,)", "a in (,x)"},
                    ParseCase{"a in (x,x)", "a in (x)"},
                    ParseCase{"x in (in,notin)", "x in (in,notin)"},
                    ParseCase{"example.com/tier=web", "example.com/tier=web"},
                    ParseCase{"a>3,b<10", "a>3,b<10"}));

struct ParseErrorCase {
  const char* text;
  const char* message;
};

void PrintTo(const ParseErrorCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.text));
}

class SelectorParseError : public testing::TestWithParam<ParseErrorCase> {};

TEST_P(SelectorParseError, NamesTheProblem) {
  const auto selector = Selector::parse(GetParam().text);
  ASSERT_FALSE(selector.ok()) << GetParam().text;
  EXPECT_EQ(selector.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(selector.error().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, SelectorParseError,
    testing::Values(ParseErrorCase{"a=b,",
                                   "label selector \"a=b,\": found end of string, expected "
                                   "identifier after ','"},
                    ParseErrorCase{"a in x", "label selector \"a in x\": found 'x', expected '('"},
                    ParseErrorCase{"a in (x",
                                   "label selector \"a in (x\": found end of string, expected "
                                   "',' or ')'"},
                    ParseErrorCase{
                        "a b",
                        "label selector \"a b\": found 'b', expected one of =, ==, !=, in, "
                        "notin, >, <"},
                    ParseErrorCase{"=b", "label selector \"=b\": found '=', expected identifier"},
                    ParseErrorCase{"!a=b",
                                   "label selector \"!a=b\": found '=', expected ',' or end of "
                                   "string after '!a'"},
                    ParseErrorCase{"a=b c",
                                   "label selector \"a=b c\": found 'c', expected ',' or end of "
                                   "string"},
                    ParseErrorCase{"a>x",
                                   "label selector \"a>x\": label selector requirement on \"a\": > "
                                   "and < need exactly one integer value"},
                    ParseErrorCase{"-a=b",
                                   "label selector \"-a=b\": label selector requirement on \"-a\": "
                                   "invalid key: name part must consist of alphanumeric "
                                   "characters, '-', '_' or '.', and must start and end with an "
                                   "alphanumeric character (e.g. 'MyName', or 'my.name', or "
                                   "'123-abc')"},
                    ParseErrorCase{"a=b-",
                                   "label selector \"a=b-\": label selector requirement on \"a\": "
                                   "invalid value \"b-\": a valid label must be an empty string or "
                                   "consist of alphanumeric characters, '-', '_' or '.', and must "
                                   "start and end with an alphanumeric character (e.g. 'MyValue', "
                                   "or 'my_value', or '12345')"}));

struct MatchCase {
  const char* selector;
  StringMap labels;
  bool matches;
};

void PrintTo(const MatchCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.selector)) << " on "
      << ::testing::PrintToString(c.labels);
}

class SelectorMatch : public testing::TestWithParam<MatchCase> {};

TEST_P(SelectorMatch, MatchesLikeKubernetes) {
  const auto selector = Selector::parse(GetParam().selector);
  ASSERT_TRUE(selector.ok()) << selector.error().message();
  EXPECT_EQ(selector->matches(GetParam().labels), GetParam().matches);
}

INSTANTIATE_TEST_SUITE_P(
    Table, SelectorMatch,
    testing::Values(
        MatchCase{"", {}, true}, MatchCase{"", {{"a", "b"}}, true},
        MatchCase{"a=b", {{"a", "b"}}, true}, MatchCase{"a=b", {{"a", "c"}}, false},
        MatchCase{"a=b", {}, false}, MatchCase{"a==b", {{"a", "b"}}, true},
        MatchCase{"a!=b", {}, true}, MatchCase{"a!=b", {{"a", "b"}}, false},
        MatchCase{"a!=b", {{"a", "c"}}, true}, MatchCase{"a in (x,y)", {{"a", "y"}}, true},
        MatchCase{"a in (x,y)", {{"a", "z"}}, false}, MatchCase{"a in (x,y)", {}, false},
        MatchCase{"a notin (x)", {}, true}, MatchCase{"a notin (x)", {{"a", "x"}}, false},
        MatchCase{"a", {{"a", ""}}, true}, MatchCase{"a", {}, false}, MatchCase{"!a", {}, true},
        MatchCase{"!a", {{"a", "x"}}, false}, MatchCase{"a=", {{"a", ""}}, true},
        MatchCase{"a>3", {{"a", "4"}}, true}, MatchCase{"a>3", {{"a", "3"}}, false},
        MatchCase{"a>3", {{"a", "x"}}, false}, MatchCase{"a>3", {}, false},
        MatchCase{"a<3", {{"a", "-1"}}, true}, MatchCase{"a=b,c", {{"a", "b"}, {"c", "1"}}, true},
        MatchCase{"a=b,c", {{"a", "b"}}, false}));

TEST(Selector, NothingMatchesNoObject) {
  EXPECT_FALSE(Selector::nothing().matches({}));
  EXPECT_TRUE(Selector::nothing().is_nothing());
  EXPECT_TRUE(Selector::everything().matches({}));
  EXPECT_TRUE(Selector::everything().is_everything());
}

struct RequirementErrorCase {
  SelectorOperator op;
  std::vector<std::string> values;
};

void PrintTo(const RequirementErrorCase& c, std::ostream* os) {
  static const char* const kSymbols[] = {"=", "==", "!=", "in", "notin", "exists", "!", ">", "<"};
  *os << kSymbols[static_cast<int>(c.op)] << " " << ::testing::PrintToString(c.values);
}

class RequirementValueCount : public testing::TestWithParam<RequirementErrorCase> {};

TEST_P(RequirementValueCount, IsRejected) {
  EXPECT_FALSE(Requirement::make("key", GetParam().op, GetParam().values).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Table, RequirementValueCount,
    testing::Values(RequirementErrorCase{SelectorOperator::kIn, {}},
                    RequirementErrorCase{SelectorOperator::kNotIn, {}},
                    RequirementErrorCase{SelectorOperator::kEquals, {}},
                    RequirementErrorCase{SelectorOperator::kEquals, {"a", "b"}},
                    RequirementErrorCase{SelectorOperator::kExists, {"a"}},
                    RequirementErrorCase{SelectorOperator::kDoesNotExist, {"a"}},
                    RequirementErrorCase{SelectorOperator::kGreaterThan, {"1", "2"}}));

}  // namespace
}  // namespace hvo::k8s
