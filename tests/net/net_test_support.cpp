#include "tests/net/net_test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

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

std::optional<std::string> RawConnection::read_response() {
  std::string data;
  char buffer[4096];
  std::size_t header_end = std::string::npos;
  while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0)
      return std::nullopt;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  std::string headers = data.substr(0, header_end);
  std::size_t length = 0;
  for (const char* name : {"Content-Length: ", "content-length: "}) {
    auto at = headers.find(name);
    if (at != std::string::npos)
      length = std::strtoul(headers.c_str() + at + 16, nullptr, 10);
  }
  std::string body = data.substr(header_end + 4);
  while (body.size() < length) {
    ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0)
      return std::nullopt;
    body.append(buffer, static_cast<std::size_t>(n));
  }
  return headers.substr(0, headers.find("\r\n")) + "\n" + body;
}

}  // namespace hvo::net::testing
