#include "tests/support/control_plane.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/net/http_server.h"
#include "tests/support/test_ports.h"

namespace hvo::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(30);

std::string random_token() {
  std::random_device random;
  std::mt19937_64 engine(random());
  std::uniform_int_distribution<int> digit(0, 15);
  std::string token;
  for (int i = 0; i < 40; ++i)
    token += "0123456789abcdef"[digit(engine)];
  return token;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out)
    throw std::runtime_error("control plane: cannot write " + path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool is_executable(const std::string& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

std::string tail_of(const std::string& path) {
  const std::string text = read_file(path);
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

}  // namespace

std::string find_kubectl() {
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      if (!dir.empty() && is_executable(dir + "/kubectl"))
        return dir + "/kubectl";
    }
  }
  const std::string bundled = std::string(HVO_SOURCE_DIR) + "/.tools/bin/kubectl";
  if (is_executable(bundled))
    return bundled;
  throw std::runtime_error("kubectl not found on PATH nor at " + bundled + " (run `make deps`)");
}

std::string apiserver_binary() {
  return std::string(HVO_BINARY_DIR) + "/tools/apiserver-lite/apiserver-lite";
}

ControlPlane::ControlPlane(ControlPlaneOptions options) : options_(options) {
  etcd_port_ = reserve_test_port();
  etcd_peer_port_ = reserve_test_port();
  apiserver_port_ = reserve_test_port();
  admin_token_ = random_token();
  secrets_.add("admin token", admin_token_);
  token_file_ = dir() + "/tokens.csv";
  std::string tokens = admin_token_ + ",admin,admin-uid,\"system:masters\"\n";
  for (const auto& user : options_.users) {
    const std::string token = random_token();
    user_tokens_[user.name] = token;
    secrets_.add("token of " + user.name, token);
    std::string groups;
    for (const auto& group : user.groups)
      groups += (groups.empty() ? "" : ",") + group;
    tokens += token + "," + user.name + "," + user.name + "-uid,\"" + groups + "\"\n";
  }
  write_file(token_file_, tokens);
  ca_file_ = dir() + "/certs/ca.crt";
  kubeconfig_path_ = dir() + "/kubeconfig";
  start_etcd();
  start_apiserver();
  write_kubeconfig(kubeconfig_path_, "admin", admin_token_);
  if (options_.apply_project_crds) {
    auto applied = kubectl({"apply", "-f", std::string(HVO_SOURCE_DIR) + "/crds/"});
    if (!applied.ok())
      throw std::runtime_error("control plane: applying crds/ failed: " + applied.err);
  }
}

ControlPlane::~ControlPlane() {
  if (apiserver_)
    apiserver_->stop(std::chrono::seconds(5));
  if (etcd_)
    etcd_->stop(std::chrono::seconds(5));
  const auto leaks = secret_leaks();
  if (!leaks.empty())
    ADD_FAILURE() << "secrets found in the logs of this test's processes:\n" << describe(leaks);
}

std::vector<SecretLeak> ControlPlane::secret_leaks() const {
  secrets_.add_key_files(dir());
  return secrets_.scan_dir(dir());
}

std::string ControlPlane::server_url() const {
  return "https://127.0.0.1:" + std::to_string(apiserver_port_);
}

std::string ControlPlane::etcd_url() const {
  return "http://127.0.0.1:" + std::to_string(etcd_port_);
}

void ControlPlane::wait_until_ready(const std::string& what, const std::function<bool()>& ready) {
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready())
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("control plane: " + what + " did not become ready; log tail:\n" +
                           tail_of(dir() + "/" + what + ".log"));
}

void ControlPlane::start_etcd() {
  const std::string peer = "http://127.0.0.1:" + std::to_string(etcd_peer_port_);
  process::Options options;
  options.argv = {"etcd",
                  "--name",
                  "hvo-test",
                  "--data-dir",
                  dir() + "/etcd",
                  "--listen-client-urls",
                  etcd_url(),
                  "--advertise-client-urls",
                  etcd_url(),
                  "--listen-peer-urls",
                  peer,
                  "--initial-advertise-peer-urls",
                  peer,
                  "--initial-cluster",
                  "hvo-test=" + peer,
                  "--log-level",
                  "warn"};
  options.std_out = process::Stdio::append_to(dir() + "/etcd.log");
  options.std_err = process::Stdio::append_to(dir() + "/etcd.log");
  options.new_process_group = true;
  auto spawned = process::Process::spawn(options);
  if (!spawned.ok())
    throw std::runtime_error("control plane: " + spawned.error().message());
  etcd_.emplace(std::move(spawned).value());
  net::HttpClientConfig config;
  config.base_url = etcd_url();
  config.timeout = std::chrono::seconds(2);
  auto client = net::HttpClient::create(config);
  if (!client.ok())
    throw std::runtime_error("control plane: " + client.error().message());
  wait_until_ready("etcd", [&] {
    net::HttpRequest health;
    health.path = "/health";
    auto response = (*client)->send(health);
    return response.ok() && response->status == 200;
  });
}

void ControlPlane::start_apiserver() {
  process::Options options;
  const double bookmark_seconds = options_.bookmark_interval.count() / 1000.0;
  options.argv = {apiserver_binary(),
                  "--etcd-servers",
                  etcd_url(),
                  "--secure-port",
                  std::to_string(apiserver_port_),
                  "--token-auth-file",
                  token_file_,
                  "--cert-dir",
                  dir() + "/certs",
                  "--watch-bookmark-interval",
                  std::to_string(bookmark_seconds)};
  options.argv.push_back("--etcd-compaction-interval");
  options.argv.push_back(std::to_string(options_.etcd_compaction_interval.count()) + "ms");
  if (options_.audit_log) {
    options.argv.push_back("--audit-log-path");
    options.argv.push_back(audit_log_path());
  }
  options.std_out = process::Stdio::append_to(dir() + "/apiserver.log");
  options.std_err = process::Stdio::append_to(dir() + "/apiserver.log");
  options.new_process_group = true;
  auto spawned = process::Process::spawn(options);
  if (!spawned.ok())
    throw std::runtime_error("control plane: " + spawned.error().message());
  apiserver_.emplace(std::move(spawned).value());
  wait_until_ready("apiserver", [&] {
    if (!apiserver_->running()) {
      throw std::runtime_error("control plane: apiserver-lite exited; log tail:\n" +
                               tail_of(dir() + "/apiserver.log"));
    }
    if (!std::filesystem::exists(ca_file_))
      return false;
    auto client = http_client();
    auto response = client->send(request("GET", "/readyz"));
    return response.ok() && response->status == 200;
  });
}

std::string ControlPlane::audit_log_path() const {
  return options_.audit_log ? dir() + "/audit.log" : "";
}

std::vector<nlohmann::json> ControlPlane::audit_events() const {
  if (!options_.audit_log)
    throw std::runtime_error("control plane: audit_events() needs ControlPlaneOptions.audit_log");
  std::ifstream in(audit_log_path());
  std::vector<nlohmann::json> events;
  std::string line;
  // A line without its newline yet is one the server is still writing: left for the next read.
  while (std::getline(in, line) && !in.eof())
    events.push_back(nlohmann::json::parse(line));
  return events;
}

void ControlPlane::restart_apiserver() {
  if (apiserver_)
    apiserver_->stop(std::chrono::seconds(5));
  apiserver_.reset();
  start_apiserver();
}

int64_t ControlPlane::compact() {
  auto response = http_client()->send(request("POST", "/admin/compact"));
  if (!response.ok() || response->status != 200) {
    throw std::runtime_error("control plane: compaction failed: " +
                             (response.ok() ? response->body : response.error().message()));
  }
  return nlohmann::json::parse(response->body).at("revision").get<int64_t>();
}

std::unique_ptr<net::HttpClient> ControlPlane::http_client() const {
  net::HttpClientConfig config;
  config.base_url = server_url();
  config.tls.ca_file = ca_file_;
  config.timeout = std::chrono::seconds(30);
  auto client = net::HttpClient::create(config);
  if (!client.ok())
    throw std::runtime_error("control plane: " + client.error().message());
  return std::move(client).value();
}

net::HttpRequest ControlPlane::request(const std::string& method, const std::string& path,
                                       const std::string& body,
                                       const std::string& content_type) const {
  net::HttpRequest request;
  request.method = method;
  const auto question = path.find('?');
  request.path = path.substr(0, question);
  if (question != std::string::npos) {
    request.raw_query = path.substr(question + 1);
    request.query = net::decode_query(request.raw_query);
  }
  request.headers["Authorization"] = "Bearer " + admin_token_;
  request.headers["Accept"] = "application/json";
  if (!body.empty()) {
    request.headers["Content-Type"] = content_type;
    request.body = body;
    if (content_type.find("json") != std::string::npos ||
        content_type.find("yaml") != std::string::npos)
      secrets_.add_manifests(body);
  }
  return request;
}

const std::string& ControlPlane::token_of(const std::string& user) const {
  auto found = user_tokens_.find(user);
  if (found == user_tokens_.end())
    throw std::runtime_error("control plane: no user " + user + " in ControlPlaneOptions.users");
  return found->second;
}

std::string ControlPlane::kubeconfig_for(const std::string& user) const {
  std::string file = user;
  for (char& c : file) {
    if (c == ':' || c == '/')
      c = '_';
  }
  const std::string path = dir() + "/" + file + ".kubeconfig";
  write_kubeconfig(path, user, token_of(user));
  return path;
}

net::HttpRequest ControlPlane::request_as(const std::string& user, const std::string& method,
                                          const std::string& path, const std::string& body) const {
  net::HttpRequest request = this->request(method, path, body);
  request.headers["Authorization"] = "Bearer " + token_of(user);
  return request;
}

void ControlPlane::write_kubeconfig(const std::string& path, const std::string& user,
                                    const std::string& token) const {
  const nlohmann::json config = {
      {"apiVersion", "v1"},
      {"kind", "Config"},
      {"clusters",
       {{{"name", "apiserver-lite"},
         {"cluster", {{"server", server_url()}, {"certificate-authority", ca_file_}}}}}},
      {"users", {{{"name", user}, {"user", {{"token", token}}}}}},
      {"contexts",
       {{{"name", "apiserver-lite"},
         {"context", {{"cluster", "apiserver-lite"}, {"user", user}, {"namespace", "default"}}}}}},
      {"current-context", "apiserver-lite"}};
  write_file(path, config.dump(2));
}

process::Process ControlPlane::spawn_kubectl(const std::vector<std::string>& args) const {
  process::Options options;
  options.argv = {kubectl_binary_.empty() ? find_kubectl() : kubectl_binary_, "--kubeconfig",
                  kubeconfig_path_};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env["HOME"] = dir();  // kubectl's discovery cache stays inside the temp dir
  options.std_in = process::Stdio::pipe();
  options.std_out = process::Stdio::pipe();
  options.std_err = process::Stdio::pipe();
  auto spawned = process::Process::spawn(options);
  if (!spawned.ok())
    throw std::runtime_error("control plane: " + spawned.error().message());
  return std::move(spawned).value();
}

KubectlResult ControlPlane::kubectl(const std::vector<std::string>& args, const std::string& input,
                                    std::chrono::milliseconds timeout) const {
  if (!input.empty())
    secrets_.add_manifests(input);
  auto child = spawn_kubectl(args);
  auto output = child.communicate(input, timeout);
  KubectlResult result;
  if (!output.ok()) {
    child.stop(std::chrono::seconds(1));
    result.err = "kubectl did not finish: " + output.error().message();
    return result;
  }
  auto status = child.wait();
  result.exit_code = status.ok() ? status->code : -1;
  result.out = output->out;
  result.err = output->err;
  return result;
}

}  // namespace hvo::testing
