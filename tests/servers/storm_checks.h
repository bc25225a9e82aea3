// The two storms of tests/net/socket_storm.h run against another process, with the figures
// printed for the record: what the tests assert is in the .cpp.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>

#include "tests/net/socket_storm.h"

namespace hvo::testing {

// Connect/close storm (no TLS handshake): the process's fd count comes back to its baseline.
void expect_connect_storm_leaves_no_fds(const char* what, pid_t pid, uint16_t port);

// 1,000 slow TLS clients: the process's thread count stays bounded while they hold their
// connections, and `normal_request` (a request of a well-behaved client) still succeeds.
void expect_slow_clients_cost_no_threads(const char* what, pid_t pid, uint16_t port,
                                         const net::testing::SlowClientTls& tls,
                                         const std::function<bool()>& normal_request);

}  // namespace hvo::testing
