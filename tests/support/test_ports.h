// Loopback ports for the servers tests start (etcd, apiserver-lite, agents, operators, in-process
// servers), safe from the other tests running on this machine at the same time.
//
// Why not net::pick_free_port() (bind to port 0, read the port, close): the port it hands out is
// free only at that instant, and it comes from the kernel's ephemeral range
// (/proc/sys/net/ipv4/ip_local_port_range), where the kernel also puts the local end of every
// outgoing connection. Until the child process binds it, any process's connection may take it as
// its source port, and another test may be handed the same port. A fixture that restarts a child
// on its port (ControlPlane::restart_apiserver) reopens that gap on every restart. A client that
// connects to its own, unbound, ephemeral port can even end up connected to itself.
//
// reserve_test_port() picks from below the ephemeral range (above it when there is more room
// there), where the kernel never places outgoing connections, and holds a lock on a file named
// for the port (flock, in kPortLockDir, shared by every build tree and worktree on the machine)
// for the rest of the process's life: no other test process takes the port while this one may
// still bind it, restart on it, or expect it to refuse connections. The kernel drops the lock
// when the process ends, however it ends. The port is also checked to be bindable right now.
//
//   config.port = hvo::testing::reserve_test_port();   // throws std::runtime_error when none
#pragma once

#include <cstdint>

namespace hvo::testing {

// Shared by every test process on the machine: ports are a machine-wide namespace.
inline constexpr const char* kPortLockDir = "/tmp/hvo-test-ports";

uint16_t reserve_test_port();

}  // namespace hvo::testing
