#include "tests/net/socket_storm.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "tests/net/raw_response_reader.h"

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
    // Data waiting (a TLS session ticket) or nothing yet: open. End of file or an error: closed.
    ssize_t n = ::recv(client.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)))
      ++open;
  }
  return open;
}

TlsRawConnection::TlsRawConnection(uint16_t port, const SlowClientTls& tls) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  ctx_ = ctx;
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(ctx, tls.ca_file.c_str(), nullptr) != 1) {
    error_ = "cannot load " + tls.ca_file;
    return;
  }
  if (!tls.cert_file.empty() &&
      (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_file.c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(ctx, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1)) {
    error_ = "cannot load " + tls.cert_file;
    return;
  }
  fd_ = connect_loopback(port);
  if (fd_ < 0) {
    error_ = "connect failed";
    return;
  }
  SSL* ssl = SSL_new(ctx);
  ssl_ = ssl;
  SSL_set_fd(ssl, fd_);
  if (SSL_connect(ssl) != 1) {
    char reason[256];
    ERR_error_string_n(ERR_get_error(), reason, sizeof(reason));
    error_ = reason;
    ERR_clear_error();
    return;
  }
  connected_ = true;
}

TlsRawConnection::~TlsRawConnection() {
  if (ssl_ != nullptr)
    SSL_free(static_cast<SSL*>(ssl_));
  if (fd_ >= 0)
    ::close(fd_);
  SSL_CTX_free(static_cast<SSL_CTX*>(ctx_));
}

bool TlsRawConnection::send_all(const std::string& bytes) {
  if (!connected_)
    return false;
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    int n = SSL_write(static_cast<SSL*>(ssl_), bytes.data() + sent,
                      static_cast<int>(bytes.size() - sent));
    if (n <= 0) {
      ERR_clear_error();
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool TlsRawConnection::fill() {
  if (!connected_)
    return false;
  char buffer[4096];
  int n = SSL_read(static_cast<SSL*>(ssl_), buffer, sizeof(buffer));
  if (n <= 0) {
    ERR_clear_error();
    return false;
  }
  pending_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

std::optional<std::string> TlsRawConnection::read_head() {
  return read_response_head(pending_, [this] { return fill(); });
}

std::optional<std::string> TlsRawConnection::read_response() {
  return read_whole_response(pending_, [this] { return fill(); });
}

}  // namespace hvo::net::testing
