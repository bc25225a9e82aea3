#include "common/metrics/text_format.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include <gtest/gtest.h>

namespace hvo::metrics {
namespace {

struct EscapeCase {
  const char* name;
  std::string input;
  std::string label_value;
  std::string help;
};

TEST(TextFormat, EscapesLabelValuesAndHelpText) {
  const EscapeCase cases[] = {
      {"plain", "virtualmachine", "virtualmachine", "virtualmachine"},
      {"backslash", R"(C:\VMs\disk.vhdx)", R"(C:\\VMs\\disk.vhdx)", R"(C:\\VMs\\disk.vhdx)"},
      {"double quote", R"(say "hi")", R"(say \"hi\")", R"(say "hi")"},
      {"line feed", "two\nlines", R"(two\nlines)", R"(two\nlines)"},
      {"all together", "a\\\"\n", R"(a\\\"\n)", "a\\\\\"\\n"},
      {"unicode passes through", "väst-1 ✓", "väst-1 ✓", "väst-1 ✓"},
      {"empty", "", "", ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(escape_label_value(c.input), c.label_value) << c.name;
    EXPECT_EQ(escape_help(c.input), c.help) << c.name;
  }
}

TEST(TextFormat, FormatsValuesLikeClientGolang) {
  const struct {
    double value;
    const char* text;
  } cases[] = {
      {0, "0"},
      {1, "1"},
      {-3, "-3"},
      {0.005, "0.005"},
      {0.1, "0.1"},
      {2.5, "2.5"},
      {1234567, "1234567"},
      {1e21, "1e+21"},
      {1.5e-7, "1.5e-07"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::nan(""), "NaN"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(format_value(c.value), c.text) << "value " << c.text;
  }
}

TEST(TextFormat, FormattedValuesReadBackExactly) {
  for (double value : {0.1 + 0.2, 1.0 / 3.0, 123456.789e10, 5e-324}) {
    EXPECT_EQ(std::strtod(format_value(value).c_str(), nullptr), value);  // strtod takes subnormals
  }
}

}  // namespace
}  // namespace hvo::metrics
