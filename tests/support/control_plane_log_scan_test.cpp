// The control plane's teardown scan (ControlPlane::secret_leaks, log_secrets.h) fails the test
// that used it when a secret reached a log, and passes a test whose logs are clean. Real etcd and
// emulator processes, so the scan runs over the same files every e2e suite produces.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/support/control_plane.h"

namespace hvo::testing {
namespace {

TEST(ControlPlaneLogScan, ATokenWrittenToTheEmulatorLogFailsTheTest) {
  EXPECT_NONFATAL_FAILURE(
      {
        ControlPlane plane;
        // As if the emulator had logged the Authorization header of a request.
        std::ofstream(plane.dir() + "/apiserver.log", std::ios::app)
            << "request_failed authorization=Bearer " << plane.admin_token() << "\n";
        EXPECT_EQ(plane.secret_leaks().size(), 1u);
      },
      "apiserver.log:");
}

TEST(ControlPlaneLogScan, SecretDataAppliedWithKubectlIsScannedFor) {
  ControlPlane plane;
  const std::string value = "s3cr3t-value-for-the-scan";
  auto applied = plane.kubectl({"apply", "-f", "-"},
                               "apiVersion: v1\nkind: Secret\nmetadata: {name: probe, namespace: "
                               "default}\nstringData:\n  password: " +
                                   value + "\n");
  ASSERT_TRUE(applied.ok()) << applied.err;
  EXPECT_TRUE(plane.secret_leaks().empty()) << describe(plane.secret_leaks());
  std::ofstream(plane.dir() + "/etcd.log", std::ios::app) << "value=" << value << "\n";
  const auto leaks = plane.secret_leaks();
  ASSERT_EQ(leaks.size(), 1u);
  EXPECT_EQ(leaks[0].label, "Secret default/probe stringData.password");
  // Leave a clean log behind, so this test's own teardown passes.
  std::ofstream(plane.dir() + "/etcd.log", std::ios::trunc) << "";
}

}  // namespace
}  // namespace hvo::testing
