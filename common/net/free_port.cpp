// pick_free_port(): ask the kernel for an unused loopback port by binding to port 0.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "common/net/http_server.h"

namespace hvo::net {

uint16_t pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    throw std::runtime_error(std::string("pick_free_port: socket: ") + std::strerror(errno));
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  int saved_errno = errno;
  ::close(fd);
  if (!ok) {
    throw std::runtime_error(std::string("pick_free_port: bind 127.0.0.1:0: ") +
                             std::strerror(saved_errno));
  }
  return ntohs(address.sin_port);
}

}  // namespace hvo::net
