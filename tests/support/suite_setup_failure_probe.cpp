// A test program whose suite setup fails on purpose. CTest runs it directly (not through
// gtest_discover_tests) and passes when the test is reported FAILED, never SKIPPED: the proof
// that tests/support/gtest_main.cpp keeps a broken fixture from hiding as skipped tests.
#include <gtest/gtest.h>

namespace {

class BrokenSuiteSetup : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { FAIL() << "suite setup fails on purpose"; }
};

TEST_F(BrokenSuiteSetup, TestIsReportedFailed) {
  SUCCEED();
}

}  // namespace
