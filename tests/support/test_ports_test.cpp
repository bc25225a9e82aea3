#include "tests/support/test_ports.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <set>
#include <string>

namespace hvo::testing {
namespace {

// Binds 127.0.0.1:port as a server would (SO_REUSEADDR) and reports whether it could.
bool server_can_bind(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                  ::listen(fd, 1) == 0;
  ::close(fd);
  return ok;
}

TEST(ReserveTestPort, GivesDistinctBindablePortsOutsideTheEphemeralRange) {
  int first = 0;
  int last = 0;
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  ASSERT_TRUE(range >> first >> last);
  std::set<uint16_t> ports;
  for (int i = 0; i < 20; ++i) {
    const uint16_t port = reserve_test_port();
    EXPECT_TRUE(port < first || port > last) << port << " is in " << first << "-" << last;
    EXPECT_TRUE(server_can_bind(port)) << port;
    ports.insert(port);
  }
  EXPECT_EQ(ports.size(), 20u);
}

TEST(ReserveTestPort, KeepsThePortLockedForTheRestOfTheProcess) {
  const uint16_t port = reserve_test_port();
  // A second open file description is what another process would have: its lock must fail.
  const std::string path = std::string(kPortLockDir) + "/" + std::to_string(port) + ".lock";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0) << path;
  EXPECT_NE(::flock(fd, LOCK_EX | LOCK_NB), 0);
  EXPECT_EQ(errno, EWOULDBLOCK);
  ::close(fd);
}

}  // namespace
}  // namespace hvo::testing
