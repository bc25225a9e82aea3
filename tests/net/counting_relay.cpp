#include "tests/net/counting_relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "tests/support/test_ports.h"

namespace hvo::net::testing {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  return address;
}

// Copies what `from` has to `to`; false when `from` ended or either side failed.
bool pass_on(int from, int to) {
  char chunk[16 * 1024];
  const ssize_t got = ::recv(from, chunk, sizeof chunk, 0);
  if (got <= 0)
    return false;
  for (ssize_t sent = 0; sent < got;) {
    const ssize_t n = ::send(to, chunk + sent, static_cast<std::size_t>(got - sent), MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    sent += n;
  }
  return true;
}

}  // namespace

CountingRelay::CountingRelay(uint16_t target_port) : target_port_(target_port) {
  port_ = hvo::testing::reserve_test_port();
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  const int on = 1;
  sockaddr_in address = loopback(port_);
  if (listen_fd_ < 0 || ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 16) != 0) {
    if (listen_fd_ >= 0)
      ::close(listen_fd_);
    throw std::runtime_error("counting relay: cannot listen on 127.0.0.1:" + std::to_string(port_));
  }
  acceptor_ = std::thread([this] { accept_loop(); });
}

CountingRelay::~CountingRelay() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : fds_)
      ::shutdown(fd, SHUT_RDWR);  // wakes the relay threads; they close nothing themselves
  }
  for (auto& thread : threads_)
    thread.join();
  for (int fd : fds_)
    ::close(fd);
}

void CountingRelay::accept_loop() {
  while (!stopping_) {
    const int client = ::accept(listen_fd_, nullptr, nullptr);
    if (client < 0)
      return;
    ++accepted_;
    std::lock_guard<std::mutex> lock(mu_);
    fds_.push_back(client);
    threads_.emplace_back([this, client] { relay(client); });
  }
}

void CountingRelay::relay(int client_fd) {
  const int server_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  {
    std::lock_guard<std::mutex> lock(mu_);
    fds_.push_back(server_fd);
  }
  sockaddr_in target = loopback(target_port_);
  if (server_fd < 0 ||
      ::connect(server_fd, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
    ::shutdown(client_fd, SHUT_RDWR);
    return;
  }
  pollfd fds[2] = {{client_fd, POLLIN, 0}, {server_fd, POLLIN, 0}};
  while (!stopping_) {
    if (::poll(fds, 2, -1) < 0)
      break;
    if (fds[0].revents && !pass_on(client_fd, server_fd))
      break;
    if (fds[1].revents && !pass_on(server_fd, client_fd))
      break;
  }
  // Either side ended: end both, so the other peer sees the close as a real server would show it.
  ::shutdown(client_fd, SHUT_RDWR);
  ::shutdown(server_fd, SHUT_RDWR);
}

}  // namespace hvo::net::testing
