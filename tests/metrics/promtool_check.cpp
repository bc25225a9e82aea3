#include "tests/metrics/promtool_check.h"

#include <gtest/gtest.h>

#include "common/process/executable_path.h"
#include "common/process/process.h"
#include "tests/runtime/temp_dir.h"

namespace hvo::metrics::testing {

PromtoolVerdict promtool_check(const std::string& exposition) {
  const auto promtool = process::find_executable("promtool");
  if (!promtool) {
    ADD_FAILURE() << "promtool not on PATH: scripts/install-deps.sh installs Debian's prometheus";
    return {};
  }
  kube::testing::TempDir dir;
  const std::string file = dir.write("metrics.txt", exposition);
  process::Options options;
  options.argv = {*promtool, "check", "metrics"};
  options.std_in = process::Stdio::file(file);
  options.std_out = process::Stdio::pipe();
  options.std_err = process::Stdio::pipe();
  auto run = process::Process::spawn(options);
  if (!run.ok()) {
    ADD_FAILURE() << run.error().message();
    return {};
  }
  auto output = run->read_all(std::chrono::seconds(60));
  auto status = run->wait(std::chrono::seconds(60));
  if (!output.ok() || !status.ok()) {
    ADD_FAILURE() << "promtool did not finish";
    return {};
  }
  return {status->success(), output->out + output->err};
}

}  // namespace hvo::metrics::testing
