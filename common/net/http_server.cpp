// HttpServer over Boost.Beast and Boost.Asio (OpenSSL through asio::ssl).
//
// Threading: `io_threads` threads run the io_context: accepting, TLS, parsing and writing for
// every connection, each connection on a strand of its own (server_connection.cpp). A request is
// handed to a worker thread (ElasticThreadPool) only once its headers and body are in and it got
// a place among the requests in flight, so slow or idle clients cost a socket and a little
// memory, never a thread. Handlers may block (a watch handler may write a stream for minutes).
//
// Stopping: stop accepting, end every stream, close idle connections, wait for the handlers,
// give responses in progress stop_grace to finish, close what is left, then stop the I/O
// threads. Connections and streams are detached before the io_context goes away.
#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/net/detail/chunked_stream.h"
#include "common/net/detail/server_connection.h"
#include "common/net/detail/server_core.h"
#include "common/net/detail/server_tls.h"
#include "common/net/elastic_thread_pool.h"
#include "common/net/http_server.h"

namespace hvo::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

constexpr auto kAcceptRetry = std::chrono::milliseconds(100);
constexpr auto kForceCloseWait = std::chrono::seconds(2);

class ServerImpl : public HttpServer, public detail::ServerCore {
 public:
  ServerImpl(const HttpServerConfig& config, HttpHandler handler)
      : config_(config),
        handler_(std::move(handler)),
        acceptor_(asio::make_strand(ioc_)),
        accept_retry_(acceptor_.get_executor()) {}
  ~ServerImpl() override { stop(); }

  Status open();
  uint16_t port() const override { return port_; }
  void stop() override;

  // detail::ServerCore
  const HttpServerConfig& config() const override { return config_; }
  const HttpHandler& handler() const override { return handler_; }
  bool stopping() const override { return stopping_; }
  bool try_acquire_slot() override;
  void release_slot() override { --in_flight_; }
  bool submit(std::function<void()> task) override { return handlers_.submit(std::move(task)); }
  void track_stream(const std::shared_ptr<detail::ChunkedStream>& stream) override;
  void register_connection(const std::shared_ptr<detail::Connection>& connection) override;
  void unregister_connection(const detail::Connection* connection) override;

 private:
  Result<tcp::endpoint> endpoint() const;
  void accept();
  std::vector<std::shared_ptr<detail::Connection>> open_connections();
  // Waits until every connection is gone or `deadline` passes; true when none is left.
  bool wait_for_connections(std::chrono::steady_clock::time_point deadline);

  const HttpServerConfig config_;
  const HttpHandler handler_;
  std::unique_ptr<asio::ssl::context> tls_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> in_flight_{0};

  // Connections unregister from their destructors, which may run while ioc_ is destroyed:
  // declared before ioc_, these outlive it. Two mutexes: letting go of a stream under
  // streams_mu_ may destroy its connection, which then takes connections_mu_.
  std::mutex connections_mu_;
  std::condition_variable connections_changed_;
  std::unordered_map<const detail::Connection*, std::weak_ptr<detail::Connection>> connections_;
  std::mutex streams_mu_;
  std::vector<std::weak_ptr<detail::ChunkedStream>> streams_;

  ElasticThreadPool handlers_;
  asio::io_context ioc_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::vector<std::thread> io_threads_;
  std::once_flag stopped_;
};

Result<tcp::endpoint> ServerImpl::endpoint() const {
  error_code ec;
  auto address = asio::ip::make_address(config_.host, ec);
  if (!ec)
    return tcp::endpoint(address, config_.port);
  asio::io_context scratch;
  tcp::resolver resolver(scratch);
  auto results = resolver.resolve(config_.host, std::to_string(config_.port), ec);
  if (ec || results.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "http server: host " + config_.host + " does not resolve: " + ec.message());
  }
  return results.begin()->endpoint();
}

Status ServerImpl::open() {
  if (config_.port == 0) {
    return Error(ErrorCode::kInvalidArgument, "http server: port must be set (pick_free_port())");
  }
  if (config_.tls) {
    auto tls = detail::make_server_tls_context(*config_.tls);
    if (!tls.ok())
      return tls.error().with_context("http server");
    tls_ = std::move(tls).value();
  }
  auto where = endpoint();
  if (!where.ok())
    return where.error();
  const std::string address = config_.host + ":" + std::to_string(config_.port);
  error_code ec;
  acceptor_.open(where->protocol(), ec);
#ifndef _WIN32
  // Rebinding right after a restart despite connections in TIME_WAIT. Not on Windows, where
  // SO_REUSEADDR would let another process bind the same port while we listen.
  if (!ec)
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
#endif
  if (!ec)
    acceptor_.bind(*where, ec);
  if (!ec)
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error(ErrorCode::kUnavailable,
                 "http server: listen on " + address + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  work_.emplace(ioc_.get_executor());
  accept();
  const std::size_t threads = std::max<std::size_t>(1, config_.io_threads);
  for (std::size_t i = 0; i < threads; ++i) {
    io_threads_.emplace_back([this] {
      while (true) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("http_server_io_error error=\"{}\"", e.what());
        }
      }
    });
  }
  spdlog::info(
      "http_server_listening address={} tls={} client_certs={} max_in_flight={} io_threads={}",
      address, config_.tls.has_value(),
      !config_.tls || config_.tls->client_ca_file.empty() ? "none"
      : config_.tls->require_client_cert                  ? "required"
                                                          : "optional",
      config_.max_in_flight_requests, threads);
  return OkStatus();
}

void ServerImpl::accept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [this](error_code ec, tcp::socket socket) {
    if (stopping_ || ec == asio::error::operation_aborted)
      return;
    if (ec) {
      // Out of file descriptors, most likely: wait a little instead of spinning.
      spdlog::warn("http_accept_failed port={} error=\"{}\"", port_, ec.message());
      accept_retry_.expires_after(kAcceptRetry);
      accept_retry_.async_wait([this](error_code waited) {
        if (!waited && !stopping_)
          accept();
      });
      return;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // stream chunks leave at once
    std::make_shared<detail::Connection>(*this, std::move(socket), tls_.get())->start();
    accept();
  });
}

bool ServerImpl::try_acquire_slot() {
  std::size_t current = in_flight_.load();
  do {
    if (current >= config_.max_in_flight_requests)
      return false;
  } while (!in_flight_.compare_exchange_weak(current, current + 1));
  return true;
}

void ServerImpl::track_stream(const std::shared_ptr<detail::ChunkedStream>& stream) {
  {
    std::lock_guard<std::mutex> lock(streams_mu_);
    if (!stopping_) {
      streams_.erase(std::remove_if(streams_.begin(), streams_.end(),
                                    [](const auto& weak) {
                                      auto alive = weak.lock();
                                      return !alive || alive->closed();
                                    }),
                     streams_.end());
      streams_.push_back(stream);
      return;
    }
  }
  stream->close();
}

void ServerImpl::register_connection(const std::shared_ptr<detail::Connection>& connection) {
  std::lock_guard<std::mutex> lock(connections_mu_);
  connections_.emplace(connection.get(), connection);
}

void ServerImpl::unregister_connection(const detail::Connection* connection) {
  std::lock_guard<std::mutex> lock(connections_mu_);
  connections_.erase(connection);
  connections_changed_.notify_all();
}

std::vector<std::shared_ptr<detail::Connection>> ServerImpl::open_connections() {
  std::vector<std::shared_ptr<detail::Connection>> open;
  std::lock_guard<std::mutex> lock(connections_mu_);
  for (auto& [key, weak] : connections_) {
    if (auto alive = weak.lock())
      open.push_back(std::move(alive));
  }
  return open;
}

bool ServerImpl::wait_for_connections(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(connections_mu_);
  return connections_changed_.wait_until(lock, deadline, [this] { return connections_.empty(); });
}

void ServerImpl::stop() {
  std::call_once(stopped_, [this] {
    {
      std::lock_guard<std::mutex> lock(streams_mu_);  // track_stream() sees it under this lock
      stopping_ = true;
    }
    if (!work_) {
      return;  // never listened (open() failed): no thread, no connection
    }
    // 1. No new connections; the listening port is free when stop() returns.
    std::promise<void> closed;
    asio::post(acceptor_.get_executor(), [this, &closed] {
      error_code ignored;
      acceptor_.close(ignored);
      accept_retry_.cancel();
      closed.set_value();
    });
    closed.get_future().wait();
    // 2. End every stream (the last chunk goes out) and close connections waiting for a request.
    std::vector<std::shared_ptr<detail::ChunkedStream>> streams;
    {
      std::lock_guard<std::mutex> lock(streams_mu_);
      for (auto& weak : streams_) {
        if (auto alive = weak.lock())
          streams.push_back(std::move(alive));
      }
      streams_.clear();  // no stream is added once stopping_ is set
    }
    for (auto& stream : streams)
      stream->close();
    for (auto& connection : open_connections())
      connection->server_stopping();
    // 3. Handlers finish (those writing to a stream see their writes fail).
    handlers_.stop();
    // 4. Responses in progress get stop_grace; then whatever is left is closed.
    const auto now = std::chrono::steady_clock::now();
    if (!wait_for_connections(now + config_.stop_grace)) {
      auto left = open_connections();
      spdlog::warn("http_server_closing_connections port={} count={}", port_, left.size());
      for (auto& connection : left)
        connection->force_close();
      left.clear();
      wait_for_connections(std::chrono::steady_clock::now() + kForceCloseWait);
    }
    work_.reset();
    ioc_.stop();
    for (auto& thread : io_threads_)
      thread.join();
    // 5. Streams still referenced by their writers let go of their connections, which must not
    // outlive the io_context.
    for (auto& stream : streams)
      stream->detach("server stopped");
    streams.clear();
    spdlog::info("http_server_stopped port={}", port_);
  });
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::start(const HttpServerConfig& config,
                                                      HttpHandler handler) {
  auto server = std::make_unique<ServerImpl>(config, std::move(handler));
  Status opened = server->open();
  if (!opened.ok())
    return opened.error();
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace hvo::net
