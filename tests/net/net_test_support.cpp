#include "tests/net/net_test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "tests/net/raw_response_reader.h"

namespace hvo::net::testing {

RawConnection::RawConnection(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ADD_FAILURE() << "connect to 127.0.0.1:" << port << " failed";
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0)
    ::close(fd_);
}

void RawConnection::shrink_receive_buffer() {
  int size = 4096;
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

bool RawConnection::send_all(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool RawConnection::fill() {
  char buffer[4096];
  ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
  if (n <= 0)
    return false;
  pending_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

std::optional<std::string> RawConnection::read_head() {
  return read_response_head(pending_, [this] { return fill(); });
}

std::optional<std::string> RawConnection::read_response() {
  return read_whole_response(pending_, [this] { return fill(); });
}

bool RawConnection::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd poll_fd{fd_, POLLIN, 0};
    if (::poll(&poll_fd, 1, 50) > 0) {
      char buffer[4096];
      if (::recv(fd_, buffer, sizeof(buffer), 0) <= 0)
        return true;
    }
  }
  return false;
}

bool RawConnection::closed_now() {
  char buffer[4096];
  while (true) {
    ssize_t n = ::recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n == 0)
      return true;
    if (n < 0)
      return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

}  // namespace hvo::net::testing
