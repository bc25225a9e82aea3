// The official Kubernetes Python client (Debian's python3-kubernetes, run by /usr/bin/python3)
// against the emulator: python_client_checks.py does typed creates, custom objects, dry runs,
// paging, watches (ordered events, server-side timeouts), server-side apply with force, and
// 410 after compaction, printing "ok <check>" for each; this test runs it and requires every
// check to have passed.
#include <filesystem>

#include "common/process/process.h"
#include "tests/emulator/e2e/emulator_fixture.h"

namespace hvo::testing {
namespace {

const std::string kSource = HVO_SOURCE_DIR;
const char* kPython = "/usr/bin/python3";

class PythonClient : public EmulatorTest {
 protected:
  static void SetUpTestSuite() {
    auto crds = plane().kubectl({"apply", "-f", kSource + "/crds/"});
    ASSERT_TRUE(crds.ok()) << crds.err;
  }
};

TEST_F(PythonClient, OfficialClientWorksAgainstTheEmulator) {
  ASSERT_TRUE(std::filesystem::exists(kPython)) << kPython << " is missing";
  process::Options options;
  options.argv = {kPython, kSource + "/tests/emulator/e2e/python_client_checks.py"};
  options.env = {{"HVO_SERVER", plane().server_url()},
                 {"HVO_TOKEN", plane().admin_token()},
                 {"HVO_CA", plane().ca_file()},
                 {"HVO_NAMESPACE", "py-" + std::to_string(::getpid())},
                 {"PYTHONDONTWRITEBYTECODE", "1"}};
  options.std_out = process::Stdio::pipe();
  options.std_err = process::Stdio::pipe();
  options.new_process_group = true;
  auto child = process::Process::spawn(options);
  ASSERT_TRUE(child.ok()) << child.error().message();
  // A generous bound so a hung client fails the test instead of blocking it.
  auto output = child->read_all(std::chrono::minutes(3));
  ASSERT_TRUE(output.ok()) << output.error().message();
  auto status = child->wait(std::chrono::seconds(10));
  ASSERT_TRUE(status.ok()) << status.error().message();
  const std::string report = "stdout:\n" + output->out + "\nstderr:\n" + output->err;
  EXPECT_EQ(output->err.find("No module named 'kubernetes'"), std::string::npos)
      << "python3-kubernetes is not installed (scripts/install-deps.sh installs it)";
  for (const char* check : {"version", "typed_creates", "dry_run", "custom_objects", "paging",
                            "watch", "server_side_apply_force", "gone_after_compaction"}) {
    EXPECT_NE(output->out.find(std::string("ok ") + check + "\n"), std::string::npos)
        << "check " << check << " did not pass\n"
        << report;
  }
  EXPECT_NE(output->out.find("all checks passed"), std::string::npos) << report;
  EXPECT_TRUE(status->success()) << report;
}

}  // namespace
}  // namespace hvo::testing
