#include "tests/support/test_ports.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace hvo::testing {
namespace {

// Ports below this are left to well-known services.
constexpr int kLowestPort = 20000;
constexpr int kHighestPort = 65535;
// Fewer candidates than this means the machine's ephemeral range leaves no room for tests.
constexpr int kMinimumCandidates = 100;

struct PortRange {
  int first = 0;
  int last = -1;
  int size() const { return last - first + 1; }
};

// The kernel's ephemeral range, or Linux's default when it cannot be read.
PortRange ephemeral_range() {
  PortRange range{32768, 60999};
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  int first = 0;
  int last = 0;
  if (in >> first >> last && first <= last)
    range = PortRange{first, last};
  return range;
}

// The larger stretch of [kLowestPort, kHighestPort] outside the ephemeral range.
PortRange candidate_range() {
  const PortRange ephemeral = ephemeral_range();
  const PortRange below{kLowestPort, std::min(ephemeral.first - 1, kHighestPort)};
  const PortRange above{std::max(ephemeral.last + 1, kLowestPort), kHighestPort};
  const PortRange& larger = below.size() >= above.size() ? below : above;
  if (larger.size() < kMinimumCandidates) {
    throw std::runtime_error(
        "reserve_test_port: the ephemeral range " + std::to_string(ephemeral.first) + "-" +
        std::to_string(ephemeral.last) + " leaves fewer than " +
        std::to_string(kMinimumCandidates) + " ports between " + std::to_string(kLowestPort) +
        " and " + std::to_string(kHighestPort) + " for test servers");
  }
  return larger;
}

// Whether 127.0.0.1:port can be bound right now. Without SO_REUSEADDR, so a port with
// connections still in TIME_WAIT is passed over too.
bool bindable(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return ok;
}

// Locks kPortLockDir/<port>.lock without waiting; returns the open descriptor, or -1 when
// another process (or this one) holds the port.
int try_lock(int port) {
  const std::string path = std::string(kPortLockDir) + "/" + std::to_string(port) + ".lock";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) {
    throw std::runtime_error("reserve_test_port: cannot open " + path + ": " +
                             std::strerror(errno));
  }
  // flock() needs no write access, so a file another user created serves as well.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void make_lock_dir() {
  if (::mkdir(kPortLockDir, 0777) != 0 && errno != EEXIST) {
    throw std::runtime_error(std::string("reserve_test_port: cannot create ") + kPortLockDir +
                             ": " + std::strerror(errno));
  }
  // Whoever created it, every user's tests share it (as they share the ports).
  ::chmod(kPortLockDir, 01777);
}

}  // namespace

uint16_t reserve_test_port() {
  // The descriptors stay open (and locked) until the process exits.
  static std::mutex mu;
  static std::vector<int> held;
  std::lock_guard<std::mutex> lock(mu);
  make_lock_dir();
  const PortRange range = candidate_range();
  // A random start spreads concurrent processes over the range, so they rarely probe the same
  // ports; the scan then visits every candidate once.
  std::random_device random;
  const int start = std::uniform_int_distribution<int>(0, range.size() - 1)(random);
  for (int i = 0; i < range.size(); ++i) {
    const int port = range.first + (start + i) % range.size();
    const int fd = try_lock(port);
    if (fd < 0)
      continue;
    if (!bindable(port)) {
      ::close(fd);  // in use by something that is not a test: leave it
      continue;
    }
    held.push_back(fd);
    return static_cast<uint16_t>(port);
  }
  throw std::runtime_error("reserve_test_port: every port in " + std::to_string(range.first) + "-" +
                           std::to_string(range.last) + " is reserved or in use");
}

}  // namespace hvo::testing
