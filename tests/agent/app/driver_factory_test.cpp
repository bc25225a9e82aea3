#include "hostagent/app/driver_factory.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/process/executable_path.h"
#include "hostagent/hyperv/powershell_worker.h"

namespace hvo::agent {
namespace {

AgentConfig hyperv_config(const std::string& powershell) {
  AgentConfig config;
  config.driver = "hyperv";
  config.hyperv.powershell = powershell;
  config.vm_dir = "/vms";
  config.image_dir = "/images";
  return config;
}

// PowerShell is started by its full path: a name would be looked up on PATH, where another
// program could take it.
TEST(DriverFactory, HypervDriverNeedsTheFullPathOfPowerShell) {
  for (const std::string name : {"pwsh", "powershell.exe", "bin/pwsh"}) {
    SCOPED_TRACE(name);
    const auto parts = make_driver(hyperv_config(name));
    ASSERT_FALSE(parts.ok());
    EXPECT_NE(parts.error().message().find("hyperv.powershell"), std::string::npos);
  }
  // Workers start on first use: building the driver starts nothing.
  const auto parts = make_driver(hyperv_config("/opt/powershell/pwsh"));
  ASSERT_TRUE(parts.ok()) << parts.error().message();
  EXPECT_EQ(parts->driver->name(), "hyperv");
}

TEST(DriverFactory, DefaultPowerShellIsWindowsPowerShellAtItsFixedPlace) {
#ifdef _WIN32
  EXPECT_NE(default_powershell_path().find("\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"),
            std::string::npos);
#else
  EXPECT_EQ(default_powershell_path(), "pwsh");  // a name: refused, the config must say
  EXPECT_FALSE(make_driver(hyperv_config("")).ok());
#endif
}

// The scripts' default folder is found from the running program's own path.
TEST(ExecutablePath, CurrentExecutableIsThisTestProgram) {
  const auto self = process::current_executable_path();
  ASSERT_TRUE(self.ok()) << self.error().message();
  EXPECT_TRUE(std::filesystem::path(*self).is_absolute());
  EXPECT_EQ(std::filesystem::path(*self).filename(), "test_agent_server");
}

}  // namespace
}  // namespace hvo::agent
