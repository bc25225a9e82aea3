#include "tests/net/socket_storm.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace hvo::net::testing {
namespace {

int count_entries(const std::string& dir) {
  std::error_code ec;
  int count = 0;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    ++count;
  return ec ? -1 : count;
}

std::string proc_dir(pid_t pid) {
  return pid == 0 ? std::string("/proc/self") : "/proc/" + std::to_string(pid);
}

int connect_loopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

constexpr const char* kPartialRequest = "GET /v1/vms HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

}  // namespace

int count_fds(pid_t pid) {
  return count_entries(proc_dir(pid) + "/fd");
}

int count_threads(pid_t pid) {
  return count_entries(proc_dir(pid) + "/task");
}

std::uint64_t raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
    return 0;
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  ::getrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition())
      return true;
    if (std::chrono::steady_clock::now() >= deadline)
      return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

int connect_close_storm(uint16_t port, int count) {
  int failed = 0;
  for (int i = 0; i < count; ++i) {
    int fd = connect_loopback(port);
    if (fd < 0) {
      ++failed;
      continue;
    }
    ::close(fd);
  }
  return failed;
}

struct SlowClients::Impl {
  struct Client {
    int fd = -1;
    SSL* ssl = nullptr;
  };
  std::vector<Client> clients;
  SSL_CTX* ctx = nullptr;  // for the TLS clients, made on first use
};

SlowClients::SlowClients() : impl_(std::make_unique<Impl>()) {}

SlowClients::~SlowClients() {
  for (auto& client : impl_->clients) {
    if (client.ssl != nullptr)
      SSL_free(client.ssl);
    ::close(client.fd);
  }
  if (impl_->ctx != nullptr)
    SSL_CTX_free(impl_->ctx);
}

int SlowClients::open(uint16_t port, int count, const std::optional<SlowClientTls>& tls) {
  if (tls && impl_->ctx == nullptr) {
    impl_->ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(impl_->ctx, SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_load_verify_locations(impl_->ctx, tls->ca_file.c_str(), nullptr) != 1)
      throw std::runtime_error("slow clients: cannot load " + tls->ca_file);
    if (!tls->cert_file.empty() &&
        (SSL_CTX_use_certificate_chain_file(impl_->ctx, tls->cert_file.c_str()) != 1 ||
         SSL_CTX_use_PrivateKey_file(impl_->ctx, tls->key_file.c_str(), SSL_FILETYPE_PEM) != 1)) {
      throw std::runtime_error("slow clients: cannot load " + tls->cert_file);
    }
  }
  int failed = 0;
  for (int i = 0; i < count; ++i) {
    Impl::Client client;
    client.fd = connect_loopback(port);
    if (client.fd < 0) {
      ++failed;
      continue;
    }
    bool ok = true;
    if (tls) {
      client.ssl = SSL_new(impl_->ctx);
      SSL_set_fd(client.ssl, client.fd);
      ok = SSL_connect(client.ssl) == 1 &&
           SSL_write(client.ssl, kPartialRequest, static_cast<int>(strlen(kPartialRequest))) > 0;
      ERR_clear_error();
    } else {
      ok = ::send(client.fd, kPartialRequest, strlen(kPartialRequest), MSG_NOSIGNAL) > 0;
    }
    if (!ok)
      ++failed;
    impl_->clients.push_back(client);  // kept either way; the destructor closes it
  }
  return failed;
}

std::size_t SlowClients::size() const {
  return impl_->clients.size();
}

int SlowClients::still_open() const {
  int open = 0;
  char byte;
  for (const auto& client : impl_->clients) {
    ssize_t n = ::recv(client.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      ++open;
  }
  return open;
}

}  // namespace hvo::net::testing
