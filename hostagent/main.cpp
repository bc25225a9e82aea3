// hyperv-agent: parses the command line and wires the agent together.
//   hyperv-agent [serve] --config agent.yaml
//   hyperv-agent certs ... (see `hyperv-agent certs --help`)
//   hyperv-agent --version
#include <spdlog/spdlog.h>

#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "common/logging/logging.h"
#include "hostagent/app/agent_app.h"
#include "hostagent/app/service_host.h"
#include "hostagent/certs/certs_command.h"

namespace {

constexpr const char* kUsage =
    "usage: hyperv-agent [serve] --config <agent.yaml> [--log-format text|json] "
    "[--log-level info]\n"
    "       hyperv-agent certs --out-dir DIR --host NAME [--dns NAME]... [--ip ADDRESS]...\n"
    "                          [--ca-dir DIR] [--secret-out FILE] (see certs --help)\n"
    "       hyperv-agent --version\n";

// Writes the certificate files; the Secret manifest goes to --secret-out or stdout, notes on
// where everything went to stderr.
int certs(const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << hvo::agent::kCertsUsage;
    return 0;
  }
  auto options = hvo::agent::parse_certs_args(args);
  if (!options.ok()) {
    std::cerr << "hyperv-agent: " << options.error().message() << "\n" << hvo::agent::kCertsUsage;
    return 2;
  }
  auto outcome = hvo::agent::run_certs(options.value());
  if (!outcome.ok()) {
    std::cerr << "hyperv-agent: " << outcome.error().message() << "\n";
    return 1;
  }
  for (const auto& note : outcome->notes)
    std::cerr << "hyperv-agent certs: " << note << "\n";
  if (options->secret_out.empty())
    std::cout << outcome->manifest;
  return 0;
}

int serve(const std::vector<std::string>& args) {
  std::string config_path;
  std::string log_format;
  std::string log_level;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto value = [&]() { return i + 1 < args.size() ? args[++i] : std::string(); };
    if (args[i] == "--config") {
      config_path = value();
    } else if (args[i] == "--log-format") {
      log_format = value();
    } else if (args[i] == "--log-level") {
      log_level = value();
    } else {
      std::cerr << "hyperv-agent: unknown argument " << args[i] << "\n" << kUsage;
      return 2;
    }
  }
  if (config_path.empty()) {
    std::cerr << "hyperv-agent: --config is required\n" << kUsage;
    return 2;
  }
  auto config = hvo::agent::load_agent_config(config_path);
  if (!config.ok()) {
    std::cerr << "hyperv-agent: " << config.error().message() << "\n";
    return 2;
  }
  if (auto status = hvo::logging::init(log_format.empty() ? config->log_format : log_format,
                                       log_level.empty() ? config->log_level : log_level, "agent");
      !status.ok()) {
    std::cerr << "hyperv-agent: " << status.error().message() << "\n";
    return 2;
  }
  std::unique_ptr<hvo::agent::AgentApp> app;
  return hvo::agent::run_until_stopped(
      "hyperv-agent", {[&]() -> hvo::Status {
                         auto started = hvo::agent::AgentApp::start(config.value());
                         if (!started.ok())
                           return started.error();
                         app = std::move(started).value();
                         return hvo::OkStatus();
                       },
                       [&] { app.reset(); }});
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--version" || args[0] == "version")) {
    std::cout << "hyperv-agent " << HVO_VERSION << "\n";
    return 0;
  }
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  if (!args.empty() && args[0] == "certs")
    return certs({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "serve")
    args.erase(args.begin());
  return serve(args);
}
