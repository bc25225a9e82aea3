// run_as_service, seen from outside: the probe program (service_probe.cpp) runs as a service
// and the test plays the system that stops it.
#include <signal.h>

#include <gtest/gtest.h>

#include "common/process/process.h"

namespace hvo::process {
namespace {

constexpr auto kLong = std::chrono::seconds(20);

Process start_probe(const std::vector<std::string>& args = {}) {
  Options options;
  options.argv = {SERVICE_PROBE_PATH};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.std_out = Stdio::pipe();  // the runner's log lines
  options.std_err = Stdio::pipe();  // the probe's "running" and "stopping"
  auto probe = Process::spawn(options);
  if (!probe.ok()) {
    ADD_FAILURE() << probe.error().message();
    std::abort();
  }
  EXPECT_EQ(*probe->read_until(Stream::kStderr, "\n", kLong), "running\n");
  return std::move(probe).value();
}

TEST(ServiceRunner, StopSignalsRunTheStopHookAndTheExitCodeComesFromRun) {
  for (int stop_signal : {SIGTERM, SIGINT}) {
    Process probe = start_probe();
    ASSERT_TRUE(probe.signal(stop_signal).ok());
    EXPECT_EQ(*probe.read_until(Stream::kStderr, "\n", kLong), "stopping\n");
    const std::string log = probe.read_all(kLong)->out;
    const ExitStatus status = *probe.wait(kLong);
    EXPECT_TRUE(status.exited()) << status.describe();
    EXPECT_EQ(status.code, 7) << "signal " << stop_signal;
    const std::string signal_name = stop_signal == SIGTERM ? "SIGTERM" : "SIGINT";
    EXPECT_NE(log.find("service_stop_requested service=service-probe signal=" + signal_name),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("service_stopped service=service-probe exit_code=7"), std::string::npos)
        << log;
  }
}

TEST(ServiceRunner, ASecondStopSignalDoesNotKillTheServiceWhileItStops) {
  Process probe = start_probe();
  ASSERT_TRUE(probe.terminate().ok());
  ASSERT_TRUE(probe.terminate().ok());
  ASSERT_TRUE(probe.signal(SIGINT).ok());
  EXPECT_EQ(*probe.read_until(Stream::kStderr, "\n", kLong), "stopping\n");
  EXPECT_EQ(probe.wait(kLong)->code, 7);
}

TEST(ServiceRunner, ReturnsWhenRunFinishesByItself) {
  Process probe = start_probe({"finish"});
  const ExitStatus status = *probe.wait(kLong);
  EXPECT_TRUE(status.exited()) << status.describe();
  EXPECT_EQ(status.code, 3);
}

}  // namespace
}  // namespace hvo::process
