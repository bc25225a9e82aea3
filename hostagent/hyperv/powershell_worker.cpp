#include "hostagent/hyperv/powershell_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace hvo::agent {
namespace {

using Clock = std::chrono::steady_clock;

std::string script_path(const PowerShellSettings& settings, const std::string& file) {
  return settings.script_dir.empty() ? file : settings.script_dir + "/" + file;
}

ErrorBody powershell_failed(const std::string& what, const Error& error) {
  return make_error(
      error.code() == ErrorCode::kTimeout ? AgentErrorCode::kTimeout : AgentErrorCode::kDriverError,
      what, error.message());
}

// PowerShell may print warnings before the reply; the reply is the last line.
std::string last_nonempty_line(const std::string& text) {
  std::size_t end = text.find_last_not_of("\r\n");
  if (end == std::string::npos)
    return "";
  const std::size_t newline = text.rfind('\n', end);
  const std::size_t begin = newline == std::string::npos ? 0 : newline + 1;
  return text.substr(begin, end + 1 - begin);
}

// The reply line of request `id`: a JSON object whose "id" is that id.
bool is_reply_to(const std::string& line, const std::string& id) {
  if (line.empty() || line.front() != '{')
    return false;
  const auto reply = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  return reply.is_object() && reply.contains("id") && reply["id"].is_string() &&
         reply["id"].get<std::string>() == id;
}

}  // namespace

std::string default_powershell_path() {
#ifdef _WIN32
  const char* root = std::getenv("SystemRoot");
  const std::string system_root = root != nullptr && *root != '\0' ? root : "C:\\Windows";
  return system_root + "\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
#else
  return "pwsh";
#endif
}

std::vector<std::string> powershell_argv(const PowerShellSettings& settings,
                                         const std::string& script_file) {
  return {settings.executable, "-NoLogo", "-NoProfile", "-NonInteractive",
          "-ExecutionPolicy",  "Bypass",  "-File",      script_path(settings, script_file)};
}

PowerShellWorker::~PowerShellWorker() {
  std::lock_guard<std::mutex> lock(mu_);
  if (worker_) {
    worker_->close_stdin();  // worker.ps1 ends at end of input
    worker_->stop(std::chrono::seconds(5));
  }
}

int PowerShellWorker::restarts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return starts_ > 0 ? starts_ - 1 : 0;
}

AgentStatus PowerShellWorker::ensure_started_locked() {
  if (worker_ && worker_->running())
    return {};
  worker_.reset();
  process::Options options;
  options.argv = powershell_argv(settings_, "worker.ps1");
  options.std_in = process::Stdio::pipe();
  options.std_out = process::Stdio::pipe();
  options.std_err = process::Stdio::inherit();  // PowerShell's own complaints reach the log
  options.new_process_group = true;
  auto spawned = process::Process::spawn(options);
  if (!spawned.ok())
    return powershell_failed("cannot start the PowerShell worker", spawned.error());
  worker_ = std::move(spawned).value();
  ++starts_;
  spdlog::info("powershell_worker_started executable={} pid={} starts={}", settings_.executable,
               worker_->pid(), starts_);
  return {};
}

void PowerShellWorker::discard_locked(const char* reason) {
  if (!worker_)
    return;
  spdlog::warn("powershell_worker_discarded pid={} reason={}", worker_->pid(), reason);
  // Best effort: the worker is being thrown away whatever kill and wait report.
  (void)worker_->kill();
  (void)worker_->wait(std::chrono::seconds(5));
  worker_.reset();
}

AgentResult<std::string> PowerShellWorker::run(Script script, const std::string& input_json,
                                               std::chrono::milliseconds waits) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto started = ensure_started_locked(); !started.ok())
    return started.error();
  const std::string id = std::to_string(next_id_++);
  const auto timeout = settings_.call_timeout + waits;
  const auto deadline = Clock::now() + timeout;
  // JSON escapes every control character, so one request is exactly one line.
  const std::string request =
      nlohmann::json{
          {"id", id}, {"script", script_name(script)}, {"input", nlohmann::json::parse(input_json)}}
          .dump() +
      "\n";
  if (auto written = worker_->write_stdin(request, timeout); !written.ok()) {
    discard_locked("write_failed");
    return powershell_failed(std::string("cannot send ") + script_name(script) + " to the worker",
                             written.error());
  }
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto line = worker_->read_until(process::Stream::kStdout, "\n",
                                    std::max(left, std::chrono::milliseconds(1)));
    if (!line.ok()) {
      discard_locked(line.error().code() == ErrorCode::kTimeout ? "timeout" : "exited");
      return powershell_failed(
          std::string("PowerShell worker gave no answer to ") + script_name(script), line.error());
    }
    std::string text = std::move(line).value();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
      text.pop_back();
    if (is_reply_to(text, id))
      return parse_script_reply(text, script);
    spdlog::debug("powershell_worker_skipped_line script={} pid={} line=\"{}\"",
                  script_name(script), worker_->pid(), text.substr(0, 200));
  }
}

AgentResult<std::string> OneShotPowerShell::run(Script script, const std::string& input_json,
                                                std::chrono::milliseconds waits) {
  process::Options options;
  options.argv = powershell_argv(settings_, std::string(script_name(script)) + ".ps1");
  options.std_in = process::Stdio::pipe();
  options.std_out = process::Stdio::pipe();
  options.std_err = process::Stdio::pipe();
  options.new_process_group = true;
  auto spawned = process::Process::spawn(options);
  if (!spawned.ok())
    return powershell_failed("cannot start PowerShell", spawned.error());
  auto output = spawned->communicate(input_json, settings_.call_timeout + waits);
  if (!output.ok()) {
    (void)spawned->kill();  // the timeout is the error worth reporting
    return powershell_failed(std::string("PowerShell did not finish ") + script_name(script),
                             output.error());
  }
  const std::string last_line = last_nonempty_line(output->out);
  auto reply = parse_script_reply(last_line, script);
  if (!reply.ok() && reply.error().detail.empty()) {
    return ErrorBody{reply.error().code, reply.error().message, output->err.substr(0, 2000)};
  }
  return reply;
}

}  // namespace hvo::agent
