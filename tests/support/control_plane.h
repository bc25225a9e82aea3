// A private control plane for tests: a real etcd and the apiserver-lite emulator on free loopback
// ports in a temporary directory, with a kubeconfig and an admin token, torn down (processes
// killed, directory removed) by the destructor. Also restarts the emulator over the same etcd,
// compacts etcd on demand, and runs the real kubectl against it.
//
//   hvo::testing::ControlPlane plane;                 // throws std::runtime_error on failure
//   auto applied = plane.kubectl({"apply", "-f", crd_file});
//   auto client = plane.http_client();
//   auto response = client->send(plane.request("GET", "/api/v1/namespaces"));
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/net/http_client.h"
#include "common/net/http_types.h"
#include "common/process/process.h"
#include "tests/net/test_certs.h"
#include "tests/support/log_secrets.h"

namespace hvo::testing {

// A user the emulator's token file knows besides the admin (system:masters), to test what RBAC
// lets them do.
struct TestUser {
  std::string name;  // "alice", "system:serviceaccount:hyperv-system:hyperv-operator"
  std::vector<std::string> groups;
};

struct ControlPlaneOptions {
  // Watch bookmarks come this often (the real server: about a minute).
  std::chrono::milliseconds bookmark_interval{std::chrono::seconds(1)};
  // Apply the project's crds/ folder once the emulator is up.
  bool apply_project_crds = false;
  // Start the emulator with --audit-log-path DIR/audit.log (kept across restarts): one
  // audit.k8s.io/v1 Event per request and stage; read it with audit_events().
  bool audit_log = false;
  // --etcd-compaction-interval; zero (the default here, unlike the emulator's 5m) keeps all
  // history, so tests compact only when they ask (compact()).
  std::chrono::milliseconds etcd_compaction_interval{0};
  // More identities, each with a token of its own (token_of, kubeconfig_for, request_as).
  std::vector<TestUser> users;
};

struct KubectlResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  bool ok() const { return exit_code == 0; }
};

class ControlPlane {
 public:
  explicit ControlPlane(ControlPlaneOptions options = {});
  ~ControlPlane();
  ControlPlane(const ControlPlane&) = delete;
  ControlPlane& operator=(const ControlPlane&) = delete;

  const std::string& dir() const { return dir_.path(); }
  const std::string& kubeconfig_path() const { return kubeconfig_path_; }
  const std::string& admin_token() const { return admin_token_; }
  // The token of a user of options.users. Throws for an unknown name.
  const std::string& token_of(const std::string& user) const;
  // A kubeconfig (written once, in dir()) that authenticates as that user.
  std::string kubeconfig_for(const std::string& user) const;
  const std::string& ca_file() const { return ca_file_; }
  std::string server_url() const;
  // DIR/audit.log when options.audit_log is set, else "".
  std::string audit_log_path() const;
  // Every complete line of the audit log so far, parsed (the server flushes each line at once,
  // before the response leaves). Throws when the audit log is off.
  std::vector<nlohmann::json> audit_events() const;
  std::string etcd_url() const;
  // The emulator process's id (for /proc/<pid>); 0 when it is not running.
  int apiserver_pid() const { return apiserver_ ? apiserver_->pid() : 0; }
  uint16_t apiserver_port() const { return apiserver_port_; }

  // Stops the emulator and starts it again on the same port and certificates; etcd keeps
  // running with its data. Returns once the new emulator answers. The port stays reserved to
  // this process meanwhile (test_ports.h), so no other test's server or connection takes it.
  void restart_apiserver();
  // Compacts etcd through the current revision (via the emulator's admin endpoint, so its watch
  // hub forgets the history too). Returns the compacted revision.
  int64_t compact();

  // An HTTPS client trusting the emulator's CA (no credentials: use request()).
  std::unique_ptr<net::HttpClient> http_client() const;
  // A request carrying the admin token.
  net::HttpRequest request(const std::string& method, const std::string& path,
                           const std::string& body = "",
                           const std::string& content_type = "application/json") const;
  // The same, as `user` (of options.users).
  net::HttpRequest request_as(const std::string& user, const std::string& method,
                              const std::string& path, const std::string& body = "") const;

  // Runs kubectl with this control plane's kubeconfig (the admin) and waits for it. As another
  // user: {"--token", token_of(user), ...}.
  KubectlResult kubectl(const std::vector<std::string>& args, const std::string& input = "",
                        std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;
  // Starts kubectl without waiting (get -w): stdout and stderr are pipes.
  process::Process spawn_kubectl(const std::vector<std::string>& args) const;
  // The kubectl binary kubectl() and spawn_kubectl() run from now on; empty: find_kubectl().
  void use_kubectl(const std::string& path) { kubectl_binary_ = path; }

  // No secret in any log: the secrets this control plane's tests use must not appear in any
  // *.log file under dir() (the emulator's, etcd's, and those of processes other fixtures start
  // there: agents, the operator). Registered already: the admin and user tokens, the secrets in
  // every manifest given to kubectl() and every request() body, and at teardown each *.key and
  // token file under dir(). The destructor scans the logs once the processes are stopped and
  // fails the running test on a hit (tests/support/log_secrets.h). Registering is bookkeeping,
  // so it is allowed on a const control plane.
  void register_secret(const std::string& label, const std::string& value) const {
    secrets_.add(label, value);
  }
  // The leaks in the logs so far.
  std::vector<SecretLeak> secret_leaks() const;

 private:
  void start_etcd();
  void start_apiserver();
  void wait_until_ready(const std::string& what, const std::function<bool()>& ready);
  void write_kubeconfig(const std::string& path, const std::string& user,
                        const std::string& token) const;

  ControlPlaneOptions options_;
  TempDir dir_;
  uint16_t etcd_port_ = 0;
  uint16_t etcd_peer_port_ = 0;
  uint16_t apiserver_port_ = 0;
  std::string admin_token_;
  std::map<std::string, std::string> user_tokens_;  // options.users by name
  std::string token_file_;
  std::string ca_file_;
  std::string kubeconfig_path_;
  std::string kubectl_binary_;
  std::optional<process::Process> etcd_;
  std::optional<process::Process> apiserver_;
  mutable LogSecrets secrets_;
};

// kubectl from PATH, else HVO_SOURCE_DIR/.tools/bin/kubectl. Throws when there is none.
std::string find_kubectl();
// The apiserver-lite binary of this build tree.
std::string apiserver_binary();

}  // namespace hvo::testing
