// The main() of every test program. Same as GoogleTest's own, plus one listener: when a suite's
// SetUpTestSuite fails, GoogleTest reports that suite's tests as skipped, and ctest (whose
// gtest_discover_tests marks any "[  SKIPPED ]" output as skipped) would show a broken fixture
// as skipped tests instead of failures. The listener turns each such test into a failure.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

class SuiteSetupFailureFailsTests : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo&) override {
    const ::testing::TestSuite* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
    if (suite != nullptr && suite->ad_hoc_test_result().Failed())
      ADD_FAILURE() << "SetUpTestSuite of " << suite->name() << " failed (see above)";
  }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleMock(&argc, argv);
  // GoogleTest owns and deletes appended listeners.
  ::testing::UnitTest::GetInstance()->listeners().Append(new SuiteSetupFailureFailsTests);
  return RUN_ALL_TESTS();
}
