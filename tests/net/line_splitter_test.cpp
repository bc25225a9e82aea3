#include "common/net/line_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hvo::net {
namespace {

struct Collector {
  std::vector<std::string> lines;
  std::size_t stop_after = SIZE_MAX;
  LineSplitter::OnLine callback() {
    return [this](std::string_view line) {
      lines.emplace_back(line);
      return lines.size() < stop_after;
    };
  }
};

TEST(LineSplitter, JoinsLinesSplitAcrossPieces) {
  LineSplitter splitter(1024);
  Collector out;
  EXPECT_EQ(splitter.feed("{\"a\":", out.callback()), LineSplitter::Result::kContinue);
  EXPECT_TRUE(out.lines.empty());
  EXPECT_EQ(splitter.feed("1}\n{\"b\"", out.callback()), LineSplitter::Result::kContinue);
  EXPECT_EQ(splitter.feed(":2}\n", out.callback()), LineSplitter::Result::kContinue);
  EXPECT_EQ(out.lines, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"}));
}

TEST(LineSplitter, DeliversSeveralLinesFromOnePieceAndSkipsEmptyOnes) {
  LineSplitter splitter(1024);
  Collector out;
  splitter.feed("one\r\n\ntwo\nthree\n\n", out.callback());
  EXPECT_EQ(out.lines, (std::vector<std::string>{"one", "two", "three"}));
}

TEST(LineSplitter, StopsAtTheFirstFalseFromTheCallback) {
  LineSplitter splitter(1024);
  Collector out;
  out.stop_after = 2;
  EXPECT_EQ(splitter.feed("a\nb\nc\n", out.callback()), LineSplitter::Result::kStoppedByCallback);
  EXPECT_EQ(out.lines, (std::vector<std::string>{"a", "b"}));
}

TEST(LineSplitter, FinishDeliversAnUnterminatedLastLine) {
  LineSplitter splitter(1024);
  Collector out;
  splitter.feed("a\nlast", out.callback());
  EXPECT_EQ(splitter.finish(out.callback()), LineSplitter::Result::kContinue);
  EXPECT_EQ(out.lines, (std::vector<std::string>{"a", "last"}));
  Collector none;
  EXPECT_EQ(splitter.finish(none.callback()), LineSplitter::Result::kContinue);
  EXPECT_TRUE(none.lines.empty());
}

TEST(LineSplitter, RefusesLinesLongerThanTheLimit) {
  Collector out;
  LineSplitter pieces(8);
  EXPECT_EQ(pieces.feed("12345", out.callback()), LineSplitter::Result::kContinue);
  EXPECT_EQ(pieces.feed("6789", out.callback()), LineSplitter::Result::kLineTooLong);
  LineSplitter whole(8);
  EXPECT_EQ(whole.feed("123456789\n", out.callback()), LineSplitter::Result::kLineTooLong);
  EXPECT_TRUE(out.lines.empty());
  LineSplitter exact(8);
  EXPECT_EQ(exact.feed("12345678\n", out.callback()), LineSplitter::Result::kContinue);
  EXPECT_EQ(out.lines, (std::vector<std::string>{"12345678"}));
}

}  // namespace
}  // namespace hvo::net
