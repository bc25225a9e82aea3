// The emulator's CEL evaluator (tools/apiserver-lite/cel): one row per expression with the
// value of `self` (and `oldSelf`) it runs against and what it evaluates to, or the error, in
// cel-go's words.
#include "tools/apiserver-lite/cel/cel_program.h"

#include <gtest/gtest.h>

namespace hvo::apiserver::cel {
namespace {

using nlohmann::json;

struct EvalCase {
  const char* name;
  const char* rule;
  const char* self;
  json expected;           // the result as JSON, when it evaluates
  const char* error = "";  // else the start of the error
  const char* old_self = nullptr;
};

void PrintTo(const EvalCase& c, std::ostream* os) {
  *os << c.name;
}

class CelEvaluation : public ::testing::TestWithParam<EvalCase> {};

TEST_P(CelEvaluation, EvaluatesAsCelDoes) {
  const EvalCase& c = GetParam();
  auto program = Program::compile(c.rule);
  ASSERT_TRUE(program.ok()) << program.error().message();
  const json self = json::parse(c.self);
  const json old_self = c.old_self ? json::parse(c.old_self) : json();
  std::int64_t budget = 10000;
  auto result = program->evaluate({&self, c.old_self ? &old_self : nullptr}, budget);
  if (*c.error) {
    ASSERT_FALSE(result.ok()) << "evaluated to " << result->json.dump();
    EXPECT_EQ(result.error().message().rfind(c.error, 0), 0u) << result.error().message();
    return;
  }
  ASSERT_TRUE(result.ok()) << result.error().message();
  if (result->type == Value::Type::kQuantity)
    EXPECT_EQ(json(result->quantity.to_string()), c.expected);
  else
    EXPECT_EQ(result->json, c.expected);
}

const char* const kMemory =
    R"({"startup": "4Gi", "dynamic": {"minimum": "1Gi", "maximum": "8Gi"}})";

INSTANTIATE_TEST_SUITE_P(
    Rows, CelEvaluation,
    ::testing::Values(
        EvalCase{"FieldAccess", "self.startup", kMemory, "4Gi"},
        EvalCase{"NestedFieldAccess", "self.dynamic.maximum", kMemory, "8Gi"},
        EvalCase{"HasPresent", "has(self.dynamic)", kMemory, true},
        EvalCase{"HasAbsent", "has(self.dynamic.bufferPercent)", kMemory, false},
        EvalCase{"MissingKeyIsAnError", "self.nope == 1", kMemory, nullptr, "no such key: nope"},
        EvalCase{"OrAbsorbsAnErrorWhenTheOtherSideIsTrue", "self.nope == 1 || true", kMemory, true},
        EvalCase{"AndAbsorbsAnErrorWhenTheOtherSideIsFalse", "self.nope == 1 && false", kMemory,
                 false},
        EvalCase{"OrKeepsTheErrorWhenNothingDecides", "self.nope == 1 || false", kMemory, nullptr,
                 "no such key: nope"},
        EvalCase{"Negation", "!has(self.dynamic) || self.startup != ''", kMemory, true},
        EvalCase{"QuantityAtLeast32Mi", "quantity(self.startup).compareTo(quantity('32Mi')) >= 0",
                 kMemory, true},
        EvalCase{"QuantityBelow32Mi", "quantity(self.startup).compareTo(quantity('32Mi')) >= 0",
                 R"({"startup": "1Ki"})", false},
        EvalCase{"QuantityOfAnIntegerThroughString",
                 "quantity(string(self.startup)).isLessThan(quantity('1Gi'))",
                 R"({"startup": 1048576})", true},
        EvalCase{"DynamicMemoryOrdering",
                 "quantity(self.dynamic.minimum).compareTo(quantity(self.startup)) <= 0 && "
                 "quantity(self.startup).compareTo(quantity(self.dynamic.maximum)) <= 0",
                 kMemory, true},
        EvalCase{"QuantityGreaterThan", "quantity('1G').isGreaterThan(quantity('1Gi'))", "{}",
                 false},
        EvalCase{"QuantityAsInteger", "quantity('4Mi').asInteger() % 2097152 == 0", "{}", true},
        EvalCase{"QuantityAsIntegerOfAFraction", "quantity('500m').asInteger()", "{}", nullptr,
                 "cannot convert value to integer"},
        EvalCase{"QuantityAdd", "quantity('1Gi').add(quantity('512Mi'))", "{}", "1536Mi"},
        EvalCase{"BadQuantity", "quantity('2GB')", "{}", nullptr, "quantity parse error"},
        EvalCase{"IsQuantity", "isQuantity('2GB') || isQuantity('2G')", "{}", true},
        EvalCase{"FilterAndSize", "self.disks.filter(d, d.source == 'image').size() <= 1",
                 R"({"disks": [{"source": "image"}, {"source": "blank"}, {"source": "image"}]})",
                 false},
        EvalCase{"AllOnAList", "self.all(x, x > 0)", "[1, 2, 3]", true},
        EvalCase{"ExistsOnAMapRangesOverKeys", "self.exists(k, k == 'b')", R"({"a": 1, "b": 2})",
                 true},
        EvalCase{"ExistsOne", "self.exists_one(x, x == 2)", "[2, 2]", false},
        EvalCase{"Map", "self.map(x, x * 2)", "[1, 2]", json::array({2, 4})},
        EvalCase{"SizeOfAStringCountsCodePoints", "size(self.s) == 3 && self.s.size() == 3",
                 R"({"s": "héé"})", true},
        EvalCase{"Matches", "self.name.matches('^[a-z]+-[0-9]+$')", R"({"name": "web-1"})", true},
        EvalCase{"StartsEndsContains",
                 "self.n.startsWith('we') && self.n.endsWith('-1') && self.n.contains('b-')",
                 R"({"n": "web-1"})", true},
        EvalCase{"InList", "self.mode in ['Graceful', 'TurnOff']", R"({"mode": "TurnOff"})", true},
        EvalCase{"InMap", "'a' in self", R"({"a": 1})", true},
        EvalCase{"IndexOutOfBounds", "self[3]", "[1]", nullptr, "index out of bounds: 3"},
        EvalCase{"MapIndex", "self['a.b']", R"({"a.b": 7})", 7},
        EvalCase{"Conditional", "self.x > 2 ? 'big' : 'small'", R"({"x": 3})", "big"},
        EvalCase{"ArithmeticPrecedence", "1 + 2 * 3 - 4 / 2 == 5", "{}", true},
        EvalCase{"DivisionByZero", "1 / (self.x - 1)", R"({"x": 1})", nullptr, "division by zero"},
        EvalCase{"IntegerOverflow", "9223372036854775807 + self.x", R"({"x": 1})", nullptr,
                 "integer overflow"},
        EvalCase{"MixedNumericComparison", "self.x < 2.5 && self.x == 2.0", R"({"x": 2})", true},
        EvalCase{"StringConcatenation", "self.a + '-' + string(self.b) == 'x-2'",
                 R"({"a": "x", "b": 2})", true},
        EvalCase{"NoSuchOverload", "self.a < 'b'", R"({"a": 1})", nullptr, "no such overload"},
        EvalCase{"IntOfAString", "int('42') + 1", "{}", 43},
        EvalCase{"TransitionRuleEqual", "self == oldSelf", "2", true, "", "2"},
        EvalCase{"TransitionRuleChanged", "self == oldSelf", "2", false, "", "1"},
        EvalCase{"ObjectEquality", "self.a == oldSelf.a", R"({"a": {"b": [1]}})", true, "",
                 R"({"a": {"b": [1]}})"},
        EvalCase{"EscapesInStrings", R"(self.s == 'it\'s\n')", R"({"s": "it's\n"})", true}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(CelCompile, SyntaxErrorNamesTheColumn) {
  auto program = Program::compile("self.a ==");
  ASSERT_FALSE(program.ok());
  EXPECT_EQ(program.error().message(), "Syntax error: unexpected end of expression at column 10");
}

TEST(CelCompile, UnknownIdentifiersAndFunctionsAreUndeclared) {
  auto variable = Program::compile("other.a == 1");
  ASSERT_FALSE(variable.ok());
  EXPECT_EQ(variable.error().message(), "ERROR: undeclared reference to 'other'");
  auto function = Program::compile("self.a.lowerAscii() == 'a'");
  ASSERT_FALSE(function.ok());
  EXPECT_EQ(function.error().message(), "ERROR: undeclared reference to 'lowerAscii'");
  // A comprehension's variable is declared only inside it.
  EXPECT_TRUE(Program::compile("self.all(x, x > 0)").ok());
  EXPECT_FALSE(Program::compile("self.all(x, x > 0) && x > 0").ok());
}

TEST(CelCompile, DeepOrHugeExpressionsAreRefusedNotRecursedInto) {
  auto deep = Program::compile(std::string(5000, '!') + "true");
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message().find("nests too deeply"), std::string::npos);
  auto parens = Program::compile(std::string(5000, '(') + "1" + std::string(5000, ')'));
  ASSERT_FALSE(parens.ok());
  std::string chain = "1";
  for (int i = 0; i < 3000; ++i)
    chain += " + 1";
  auto huge = Program::compile(chain);
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message().find("more than 2000 nodes"), std::string::npos);
}

TEST(CelCompile, TransitionRulesAreRecognised) {
  EXPECT_TRUE(Program::compile("self == oldSelf")->uses_old_self());
  EXPECT_FALSE(Program::compile("self.a == 1")->uses_old_self());
}

TEST(CelCost, ExhaustedBudgetCancelsEvaluation) {
  auto program = Program::compile("self.all(x, self.all(y, x + y >= 0))");
  ASSERT_TRUE(program.ok());
  json self = json::array();
  for (int i = 0; i < 100; ++i)
    self.push_back(i);
  std::int64_t budget = 1000;
  auto result = program->evaluate({&self, nullptr}, budget);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message(), "operation cancelled: actual cost limit exceeded");
}

}  // namespace
}  // namespace hvo::apiserver::cel
