// apiserver-lite: a Kubernetes API server emulator on etcd, for tests and the local demo.
// Parses flags (kube-apiserver's names where they exist), starts the server, waits for a signal.
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include "common/net/http_client.h"
#include "tools/apiserver-lite/server/api_server.h"
#include "tools/apiserver-lite/util/go_duration.h"

namespace {

const char* kUsage = R"(usage: apiserver-lite [flags]
  --etcd-servers URL             etcd client URL (default http://127.0.0.1:2379)
  --bind-address IP              address to listen on (default 127.0.0.1)
  --secure-port N                HTTPS port (default 6443)
  --token-auth-file FILE         CSV token,user,uid[,"groups"] (required)
  --tls-cert-file FILE           serving certificate (with --tls-private-key-file)
  --tls-private-key-file FILE
  --cert-dir DIR                 generate ca.crt, server.crt, server.key here when no files are given
  --tls-san NAME                 extra DNS name or IP for the generated certificate (repeatable)
  --watch-bookmark-interval S    seconds between watch bookmarks (default 30)
  --watch-window N               recent changes kept per resource for resuming watches (default 10000)
  --etcd-compaction-interval D   compact etcd this often ("5m", "30s"; default 5m; 0 disables)
  --audit-log-path FILE          append one audit.k8s.io/v1 Event per request as a JSON line
  --v LEVEL                      log level: trace, debug, info, warn, error (default info)
)";

int usage_error(const std::string& message) {
  std::cerr << "apiserver-lite: " << message << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // The etcd client's socket I/O: a few threads are plenty (cpprest starts 40 by default).
  hvo::net::set_client_io_threads(8);
  hvo::apiserver::ApiServerOptions options;
  std::string log_level = "info";
  std::map<std::string, std::string*> string_flags = {
      {"--etcd-servers", &options.etcd_endpoint},
      {"--bind-address", &options.bind_address},
      {"--token-auth-file", &options.token_auth_file},
      {"--tls-cert-file", &options.tls_cert_file},
      {"--tls-private-key-file", &options.tls_key_file},
      {"--cert-dir", &options.cert_dir},
      {"--audit-log-path", &options.audit_log_path},
      {"--v", &log_level}};
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::string value;
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (const auto eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return usage_error("flag " + flag + " needs a value");
    }
    try {
      if (auto it = string_flags.find(flag); it != string_flags.end()) {
        *it->second = value;
      } else if (flag == "--secure-port") {
        options.port = static_cast<uint16_t>(std::stoi(value));
      } else if (flag == "--tls-san") {
        options.extra_san_names.push_back(value);
      } else if (flag == "--watch-bookmark-interval") {
        options.bookmark_interval =
            std::chrono::milliseconds(static_cast<int64_t>(std::stod(value) * 1000));
      } else if (flag == "--etcd-compaction-interval") {
        auto interval = hvo::apiserver::parse_go_duration(value);
        if (!interval)
          return usage_error("bad value for " + flag + ": " + value + " (want e.g. 5m, 30s, 0)");
        options.compaction_interval = *interval;
      } else if (flag == "--watch-window") {
        options.watch_window = static_cast<std::size_t>(std::stoul(value));
      } else {
        return usage_error("unknown flag " + flag);
      }
    } catch (const std::exception&) {
      return usage_error("bad value for " + flag + ": " + value);
    }
  }
  spdlog::set_level(spdlog::level::from_str(log_level));

  // Block the stop signals before any thread starts, then wait for one on this thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto server = hvo::apiserver::ApiServer::start(options);
  if (!server.ok()) {
    spdlog::critical("apiserver_start_failed error={}", server.error().message());
    return 1;
  }
  int received = 0;
  sigwait(&stop_signals, &received);
  spdlog::info("apiserver_stopping signal={}", received);
  (*server)->stop();
  return 0;
}
