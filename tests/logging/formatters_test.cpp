#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <sstream>

#include "common/logging/logging.h"

namespace hvo::logging {
namespace {

// A logger writing into a string through the formatter under test.
class Capture {
 public:
  explicit Capture(Format format)
      : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)), logger_("agent", sink_) {
    logger_.set_formatter(make_formatter(format));
    logger_.set_level(spdlog::level::trace);
  }
  spdlog::logger& logger() { return logger_; }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
  spdlog::logger logger_;
};

TEST(JsonFormat, WritesOneObjectPerLineWithEnvelopeAndFields) {
  Capture capture(Format::kJson);
  capture.logger().warn("vm_create_failed vm={} host={} error=\"{}\"", "default/web-1", "hv-01",
                        "disk full");
  std::string text = capture.text();
  ASSERT_EQ(text.back(), '\n');
  ASSERT_EQ(text.find('\n'), text.size() - 1) << "one line";
  auto line = nlohmann::json::parse(text);
  EXPECT_TRUE(std::regex_match(line["ts"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << line["ts"];
  EXPECT_EQ(line["level"], "warning");
  EXPECT_EQ(line["logger"], "agent");
  EXPECT_EQ(line["msg"], "vm_create_failed vm=default/web-1 host=hv-01 error=\"disk full\"");
  EXPECT_EQ(line["event"], "vm_create_failed");
  EXPECT_EQ(line["vm"], "default/web-1");
  EXPECT_EQ(line["host"], "hv-01");
  EXPECT_EQ(line["error"], "disk full");
}

TEST(JsonFormat, KeepsTheEnvelopeWhenAFieldHasTheSameName) {
  Capture capture(Format::kJson);
  capture.logger().info("evt level=3 msg=hi");
  auto line = nlohmann::json::parse(capture.text());
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["_level"], "3");
  EXPECT_EQ(line["_msg"], "hi");
}

TEST(JsonFormat, EscapesControlCharactersAndSurvivesInvalidUtf8) {
  Capture capture(Format::kJson);
  capture.logger().error("evt detail=\"line1\nline2\" raw={}", std::string("\xff\xfe"));
  std::string text = capture.text();
  ASSERT_EQ(text.find('\n'), text.size() - 1) << "the newline inside is escaped";
  auto line = nlohmann::json::parse(text);
  EXPECT_EQ(line["detail"], "line1\nline2");
}

TEST(JsonFormat, MasksSecretValues) {
  Capture capture(Format::kJson);
  capture.logger().info("kubeconfig_loaded user=admin token={}", "s3cr3t-value");
  std::string text = capture.text();
  EXPECT_EQ(text.find("s3cr3t-value"), std::string::npos) << text;
  EXPECT_EQ(nlohmann::json::parse(text)["token"], "<redacted>");
}

TEST(TextFormat, WritesTimestampLevelLoggerAndTheScrubbedMessage) {
  Capture capture(Format::kText);
  capture.logger().info("agent_started port={} password={}", 9443, "hunter2");
  std::string text = capture.text();
  EXPECT_TRUE(std::regex_match(
      text, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info  agent agent_started )"
                       R"(port=9443 password=<redacted>\n)")))
      << text;
}

}  // namespace
}  // namespace hvo::logging
