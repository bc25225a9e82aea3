// Internal to common/net: one accepted connection of the HTTP server. Everything it does runs on
// its own strand: TLS handshake, reading a request (headers, checks, body), handing it to a
// worker thread, writing the response or the chunks of a stream, and then the next request of a
// kept-alive connection. Requests on one connection are handled one after the other, so
// pipelined requests wait in the read buffer until the previous response is out.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/net/detail/chunked_stream.h"
#include "common/net/detail/flex_stream.h"
#include "common/net/detail/server_core.h"

namespace hvo::net::detail {

class Connection : public StreamSink, public std::enable_shared_from_this<Connection> {
 public:
  Connection(ServerCore& core, boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls);
  ~Connection() override;

  // Registers with the server and begins (handshake, then the first request).
  void start();

  // ---- from worker threads: the handler's answer ----
  void send_response(HttpResponse response);
  void start_stream(int status, Headers headers, std::shared_ptr<ChunkedStream> stream);

  // ---- from the server's stop() ----
  // Closes the connection at once unless a request is being handled or answered; then it
  // closes once the response is out.
  void server_stopping();
  void force_close();

  // StreamSink
  void stream_ready() override;
  void abort_stream() override;

 private:
  enum class State {
    kHandshake,
    kIdle,
    kReadingHeader,
    kReadingBody,
    kHandling,
    kWriting,
    kClosed
  };
  // What follows an answer sent before (or instead of) the handler.
  enum class After { kNextRequest, kClose, kDrainAndClose };

  void read_request(bool first);
  void read_header();
  void on_header(boost::system::error_code ec);
  void read_body();
  void on_body(boost::system::error_code ec);
  void dispatch();
  void run_handler(const HttpRequest& request, const std::shared_ptr<InFlightSlot>& slot);

  void write_response(HttpResponse response, After after);
  void reply_early(int status, const std::string& message, After after, Headers headers = {});
  void write_stream_head(int status, Headers headers, std::shared_ptr<ChunkedStream> stream);
  void pump_stream();
  void response_done(After after);

  void close_gracefully();
  void drain_and_close();
  void drain();
  void close_now();

  std::string describe() const;

  ServerCore& core_;
  FlexStream stream_;
  const FlexStream::executor_type executor_;
  const std::string remote_address_;
  State state_ = State::kHandshake;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::empty_body>> head_parser_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> body_parser_;
  HttpRequest request_;     // the request being read or handled
  bool head_only_ = false;  // HEAD: the answer goes without its body
  bool keep_alive_ = false;
  std::shared_ptr<ChunkedStream> stream_body_;  // the stream being written, if any
  bool stream_writing_ = false;
  std::size_t drain_budget_ = 0;
  std::uint64_t announced_body_bytes_ = 0;  // Content-Length of the request being read, or 0
  std::vector<char> drain_buffer_;
};

}  // namespace hvo::net::detail
