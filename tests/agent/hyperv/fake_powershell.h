// Puts tests/agent/hyperv/fake_pwsh.py on PATH as "pwsh" for one test, with its log file, and
// reads back what it recorded: the argv of every start and every stdin line.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hostagent/hyperv/powershell_worker.h"
#include "tests/net/test_certs.h"

namespace hvo::agent::testing {

class FakePowerShell {
 public:
  explicit FakePowerShell(const std::string& mode = "") {
    const std::string bin = dir_.path() + "/bin";
    std::filesystem::create_directories(bin);
    std::filesystem::copy_file(std::string(HVO_SOURCE_DIR) + "/tests/agent/hyperv/fake_pwsh.py",
                               bin + "/pwsh");
    std::filesystem::permissions(bin + "/pwsh", std::filesystem::perms::owner_all);
    saved_path_ = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", (bin + ":" + saved_path_).c_str(), 1);
    ::setenv("HVO_FAKE_PWSH_LOG", log_path().c_str(), 1);
    ::setenv("HVO_FAKE_PWSH_MODE", mode.c_str(), 1);
    ::setenv("HVO_FAKE_PWSH_STATE", (dir_.path() + "/crashed").c_str(), 1);
  }
  ~FakePowerShell() {
    ::setenv("PATH", saved_path_.c_str(), 1);
    ::unsetenv("HVO_FAKE_PWSH_MODE");
  }

  PowerShellSettings settings(std::chrono::milliseconds timeout = std::chrono::seconds(30)) const {
    PowerShellSettings settings;
    settings.executable = "pwsh";
    settings.script_dir = std::string(HVO_SOURCE_DIR) + "/hostagent/scripts";
    settings.call_timeout = timeout;
    return settings;
  }

  std::string log_path() const { return dir_.path() + "/calls.jsonl"; }

  // Every recorded entry: {"argv": [...]} per start, {"stdin": "..."} per request.
  std::vector<nlohmann::json> entries() const {
    std::vector<nlohmann::json> out;
    std::ifstream in(log_path());
    std::string line;
    while (std::getline(in, line))
      out.push_back(nlohmann::json::parse(line));
    return out;
  }
  std::vector<std::vector<std::string>> argvs() const {
    std::vector<std::vector<std::string>> out;
    for (const auto& entry : entries()) {
      if (entry.contains("argv"))
        out.push_back(entry["argv"].get<std::vector<std::string>>());
    }
    return out;
  }
  std::vector<std::string> stdin_lines() const {
    std::vector<std::string> out;
    for (const auto& entry : entries()) {
      if (entry.contains("stdin"))
        out.push_back(entry["stdin"].get<std::string>());
    }
    return out;
  }

 private:
  hvo::testing::TempDir dir_;
  std::string saved_path_;
};

}  // namespace hvo::agent::testing
