// Internal to common/net: what a server connection needs from the server that accepted it. The
// server implements it (http_server.cpp); connections (server_connection.cpp) only call it.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "common/net/http_server.h"

namespace hvo::net::detail {

class Connection;
class ChunkedStream;

class ServerCore {
 public:
  virtual ~ServerCore() = default;
  virtual const HttpServerConfig& config() const = 0;
  virtual const HttpHandler& handler() const = 0;
  virtual bool stopping() const = 0;
  // A place among the requests in flight; false when max_in_flight_requests are taken.
  virtual bool try_acquire_slot() = 0;
  virtual void release_slot() = 0;
  // Runs a handler call on a worker thread; false once stopping.
  virtual bool submit(std::function<void()> task) = 0;
  // So stop() can end the stream; ends it at once when already stopping.
  virtual void track_stream(const std::shared_ptr<ChunkedStream>& stream) = 0;
  // So stop() can close the connection and wait for it; unregistered by its destructor.
  virtual void register_connection(const std::shared_ptr<Connection>& connection) = 0;
  virtual void unregister_connection(const Connection* connection) = 0;
};

// One request's place in flight, given back once: when its handler calls stream() or returns.
class InFlightSlot {
 public:
  explicit InFlightSlot(ServerCore& core) : core_(core) {}
  ~InFlightSlot() { release(); }
  InFlightSlot(const InFlightSlot&) = delete;
  InFlightSlot& operator=(const InFlightSlot&) = delete;
  void release() {
    if (!released_.exchange(true))
      core_.release_slot();
  }

 private:
  ServerCore& core_;
  std::atomic<bool> released_{false};
};

}  // namespace hvo::net::detail
