#include "common/net/detail/server_connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl.hpp>

#include <limits>

namespace hvo::net::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

constexpr std::size_t kReadChunk = 16 * 1024;
// After an answer sent while a request body was still coming (413, 431, ...), the connection
// reads and drops up to this much for up to kDrainTime before closing: closing with unread data
// makes the kernel send a reset, which can destroy the answer before the client reads it.
// A body whose announced length is at most kDrainAnnouncedBytes is drained whole instead: a
// client that writes the whole body before it reads (cpprest does) then reads the answer.
constexpr std::size_t kDrainBytes = 1024 * 1024;
constexpr std::uint64_t kDrainAnnouncedBytes = 16 * 1024 * 1024;
constexpr auto kDrainTime = std::chrono::seconds(2);
constexpr auto kTlsShutdownTime = std::chrono::seconds(1);
constexpr const char* kAllowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE";

std::string remote_address_of(const asio::ip::tcp::socket& socket) {
  error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string() : endpoint.address().to_string();
}

bool is_parse_error(const error_code& ec) {
  return &ec.category() == &http::make_error_code(http::error::bad_target).category();
}

bool status_has_body(int status) {
  return status >= 200 && status != 204 && status != 304;
}

HttpResponse plain_text(int status, const std::string& message, Headers headers = {}) {
  headers["Content-Type"] = "text/plain; charset=utf-8";
  return HttpResponse{status, std::move(headers), message + "\n"};
}

// Header fields a handler may not set: the server frames the message itself.
bool framing_field(const std::string& name) {
  for (const char* field : {"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"}) {
    if (beast::iequals(name, field))
      return true;
  }
  return false;
}

template <class Fields>
void copy_headers(const Headers& from, Fields& to) {
  for (const auto& [name, value] : from) {
    if (!framing_field(name))
      to.set(name, value);
  }
}

// The request as handlers see it, from the parsed header (the body comes later).
HttpRequest request_of(const http::request<http::empty_body>& message,
                       const std::string& remote_address) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  const std::string target(message.target());
  const auto question = target.find('?');
  request.path = percent_decode(target.substr(0, question));
  if (question != std::string::npos)
    request.raw_query = target.substr(question + 1);
  request.query = decode_query(request.raw_query);
  for (const auto& field : message) {
    std::string name(field.name_string());
    auto [it, inserted] = request.headers.emplace(name, std::string(field.value()));
    if (!inserted)
      it->second += ", " + std::string(field.value());  // repeated fields fold into one list
  }
  request.remote_address = remote_address;
  return request;
}

// A response message and the serializer writing it, kept together for the asynchronous write.
template <class Body>
struct Outgoing {
  http::response<Body> message;
  http::response_serializer<Body> serializer{message};
};

}  // namespace

Connection::Connection(ServerCore& core, asio::ip::tcp::socket socket, asio::ssl::context* tls)
    : core_(core),
      stream_(std::move(socket), tls),
      executor_(stream_.get_executor()),
      remote_address_(remote_address_of(stream_.tcp().socket())) {}

Connection::~Connection() {
  core_.unregister_connection(this);
}

std::string Connection::describe() const {
  return request_.method + " " + request_.path;
}

void Connection::start() {
  core_.register_connection(shared_from_this());
  asio::dispatch(executor_, [self = shared_from_this()] {
    if (self->core_.stopping())
      return self->close_now();
    if (!self->stream_.is_tls())
      return self->read_request(true);
    self->state_ = State::kHandshake;
    self->stream_.tcp().expires_after(self->core_.config().handshake_timeout);
    self->stream_.tls().async_handshake(asio::ssl::stream_base::server, [self](error_code ec) {
      if (ec) {
        spdlog::debug("http_tls_handshake_failed remote={} reason=\"{}\"", self->remote_address_,
                      ec.message());
        return self->close_now();
      }
      self->read_request(true);
    });
  });
}

// ---- reading --------------------------------------------------------------------------------

void Connection::read_request(bool first) {
  if (state_ == State::kClosed)
    return;
  if (core_.stopping())
    return close_now();
  state_ = State::kIdle;
  request_ = HttpRequest();
  head_only_ = false;
  keep_alive_ = false;
  if (first || buffer_.size() > 0)
    return read_header();
  // Kept alive: wait (idle_timeout) for the next request's first byte; its header deadline
  // starts then.
  stream_.tcp().expires_after(core_.config().idle_timeout);
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](error_code ec, std::size_t n) {
                            if (ec)
                              return self->close_now();
                            self->buffer_.commit(n);
                            self->read_header();
                          });
}

void Connection::read_header() {
  if (state_ == State::kClosed)
    return;
  state_ = State::kReadingHeader;
  head_parser_.emplace();
  head_parser_->header_limit(static_cast<std::uint32_t>(core_.config().max_header_bytes));
  // Content-Length is checked by hand (on_header()) after the header check. Not boost::none:
  // Boost 1.74 compares Content-Length with the optional itself, and any value exceeds none.
  head_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  stream_.tcp().expires_after(core_.config().header_timeout);
  http::async_read_header(
      stream_, buffer_, *head_parser_,
      [self = shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
}

void Connection::on_header(error_code ec) {
  if (state_ == State::kClosed)
    return;
  const auto& config = core_.config();
  if (ec == http::error::header_limit) {
    spdlog::info("http_request_header_too_large remote={} limit_bytes={}", remote_address_,
                 config.max_header_bytes);
    return reply_early(
        431,
        "request header fields larger than " + std::to_string(config.max_header_bytes) + " bytes",
        After::kDrainAndClose);
  }
  if (ec && is_parse_error(ec) && ec != http::error::end_of_stream &&
      ec != http::error::partial_message) {
    return reply_early(400, "malformed request: " + ec.message(), After::kDrainAndClose);
  }
  if (ec) {
    if (ec == beast::error::timeout)
      spdlog::debug("http_request_header_timeout remote={}", remote_address_);
    return close_now();
  }
  const auto& message = head_parser_->get();
  request_ = request_of(message, remote_address_);
  keep_alive_ = message.keep_alive();
  const bool body_pending = !head_parser_->is_done();
  announced_body_bytes_ = head_parser_->content_length().value_or(0);
  const After after = body_pending ? After::kDrainAndClose : After::kNextRequest;
  head_only_ = message.method() == http::verb::head;

  if (message.version() != 11) {
    head_only_ = false;
    return reply_early(505, "only HTTP/1.1 is served", After::kDrainAndClose);
  }
  switch (message.method()) {
    case http::verb::trace:
    case http::verb::options:
    case http::verb::connect:
      // Refused before any handler: TRACE would echo credentials, OPTIONS and CONNECT have no
      // use here. The answer names no header of the request.
      return reply_early(405, request_.method + " is not allowed", after,
                         {{"Allow", kAllowedMethods}});
    default:
      break;
  }
  if (request_.path.empty() || request_.path[0] != '/') {
    return reply_early(400, "request target must be an absolute path", after);
  }
  if (head_only_)
    request_.method = "GET";  // handlers answer HEAD as GET; the body is not sent
  if (config.header_check) {
    std::optional<HttpResponse> refusal;
    try {
      refusal = (*config.header_check)(request_);
    } catch (const std::exception& e) {
      spdlog::error("http_header_check_failed request=\"{}\" error=\"{}\"", describe(), e.what());
      refusal = plain_text(500, "internal error");
    }
    if (refusal)
      return write_response(std::move(*refusal), after);
  }
  if (auto length = head_parser_->content_length(); length && *length > config.max_body_bytes) {
    spdlog::info("http_request_body_too_large request=\"{}\" content_length={} limit_bytes={}",
                 describe(), *length, config.max_body_bytes);
    return reply_early(
        413, "request body larger than " + std::to_string(config.max_body_bytes) + " bytes",
        After::kDrainAndClose);
  }
  if (!body_pending)
    return dispatch();
  if (beast::iequals(message[http::field::expect], "100-continue")) {
    // The client waits for this before it sends the body (curl does for large bodies).
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.tcp().expires_after(config.write_timeout);
    return asio::async_write(stream_, asio::buffer(kContinue),
                             [self = shared_from_this()](error_code ec, std::size_t) {
                               if (ec)
                                 return self->close_now();
                               self->read_body();
                             });
  }
  read_body();
}

void Connection::read_body() {
  if (state_ == State::kClosed)
    return;
  state_ = State::kReadingBody;
  body_parser_.emplace(std::move(*head_parser_));
  head_parser_.reset();
  body_parser_->body_limit(core_.config().max_body_bytes);
  stream_.tcp().expires_after(core_.config().body_timeout);
  http::async_read(stream_, buffer_, *body_parser_,
                   [self = shared_from_this()](error_code ec, std::size_t) { self->on_body(ec); });
}

void Connection::on_body(error_code ec) {
  if (state_ == State::kClosed)
    return;
  if (ec == http::error::body_limit) {
    spdlog::info("http_request_body_too_large request=\"{}\" limit_bytes={}", describe(),
                 core_.config().max_body_bytes);
    return reply_early(
        413, "request body larger than " + std::to_string(core_.config().max_body_bytes) + " bytes",
        After::kDrainAndClose);
  }
  if (ec && is_parse_error(ec) && ec != http::error::end_of_stream &&
      ec != http::error::partial_message) {
    return reply_early(400, "malformed request body: " + ec.message(), After::kDrainAndClose);
  }
  if (ec) {
    spdlog::debug("http_request_body_unread request=\"{}\" reason=\"{}\"", describe(),
                  ec.message());
    return close_now();
  }
  request_.body = std::move(body_parser_->get().body());
  body_parser_.reset();
  dispatch();
}

// ---- handling -------------------------------------------------------------------------------

void Connection::dispatch() {
  head_parser_.reset();
  stream_.tcp().expires_never();
  if (!core_.try_acquire_slot()) {
    spdlog::warn("http_request_refused_in_flight_limit request=\"{}\" limit={}", describe(),
                 core_.config().max_in_flight_requests);
    return reply_early(503, "too many requests in flight, retry later", After::kNextRequest,
                       {{"Retry-After", "1"}});
  }
  state_ = State::kHandling;
  auto slot = std::make_shared<InFlightSlot>(core_);
  auto self = shared_from_this();
  bool submitted = core_.submit(
      [self, request = std::move(request_), slot] { self->run_handler(request, slot); });
  request_ = HttpRequest();
  if (!submitted) {
    slot->release();
    reply_early(503, "server is shutting down", After::kClose);
  }
}

namespace {

// What the handler holds. The connection holds the ChunkedStream itself while it writes, so
// the handler's last reference going away must end the response explicitly.
class StreamHandle : public ResponseStream {
 public:
  explicit StreamHandle(std::shared_ptr<ChunkedStream> stream) : stream_(std::move(stream)) {}
  ~StreamHandle() override { stream_->close(); }
  bool write(std::string_view chunk) override { return stream_->write(chunk); }
  void close() override { stream_->close(); }
  bool closed() const override { return stream_->closed(); }

 private:
  std::shared_ptr<ChunkedStream> stream_;
};

class ResponderImpl : public Responder {
 public:
  ResponderImpl(std::shared_ptr<Connection> connection, std::shared_ptr<InFlightSlot> slot,
                std::string description, std::size_t max_stream_buffer_bytes, ServerCore& core)
      : connection_(std::move(connection)),
        slot_(std::move(slot)),
        description_(std::move(description)),
        max_stream_buffer_bytes_(max_stream_buffer_bytes),
        core_(core) {}

  void reply(HttpResponse response) override {
    if (!claim("reply"))
      return;
    // Answered: the place is free before the client can read the answer and send its next
    // request (released after the handler returned, a quick client found it still taken).
    slot_->release();
    connection_->send_response(std::move(response));
  }

  std::shared_ptr<ResponseStream> stream(int status, Headers headers) override {
    auto stream =
        std::make_shared<ChunkedStream>(description_, max_stream_buffer_bytes_, connection_);
    if (!claim("stream")) {
      stream->detach("responder already used");
      return std::make_shared<StreamHandle>(stream);
    }
    slot_->release();  // long-running: no longer counts against the in-flight cap
    core_.track_stream(stream);
    connection_->start_stream(status, std::move(headers), stream);
    return std::make_shared<StreamHandle>(stream);
  }

  bool responded() const { return responded_; }

 private:
  bool claim(const char* what) {
    if (responded_) {
      spdlog::error("http_responder_reused request=\"{}\" call={}", description_, what);
      return false;
    }
    responded_ = true;
    return true;
  }

  std::shared_ptr<Connection> connection_;
  std::shared_ptr<InFlightSlot> slot_;
  const std::string description_;
  const std::size_t max_stream_buffer_bytes_;
  ServerCore& core_;
  bool responded_ = false;
};

}  // namespace

void Connection::run_handler(const HttpRequest& request,
                             const std::shared_ptr<InFlightSlot>& slot) {
  const std::string description = request.method + " " + request.path;
  ResponderImpl responder(shared_from_this(), slot, description,
                          core_.config().max_stream_buffer_bytes, core_);
  try {
    core_.handler()(request, responder);
  } catch (const std::exception& e) {
    spdlog::error("http_handler_failed request=\"{}\" error=\"{}\"", description, e.what());
  }
  if (!responder.responded()) {
    spdlog::error("http_handler_no_response request=\"{}\"", description);
    responder.reply(plain_text(500, "internal error: the handler sent no response"));
  }
  slot->release();
}

// ---- writing --------------------------------------------------------------------------------

void Connection::send_response(HttpResponse response) {
  asio::post(executor_, [self = shared_from_this(), response = std::move(response)]() mutable {
    self->write_response(std::move(response), After::kNextRequest);
  });
}

void Connection::reply_early(int status, const std::string& message, After after, Headers headers) {
  write_response(plain_text(status, message, std::move(headers)), after);
}

void Connection::write_response(HttpResponse response, After after) {
  if (state_ == State::kClosed)
    return;
  state_ = State::kWriting;
  const bool keep_alive = after == After::kNextRequest && keep_alive_ && !core_.stopping();
  if (after == After::kNextRequest && !keep_alive)
    after = After::kClose;
  if (response.status < 200 || response.status > 999) {
    spdlog::error("http_handler_bad_status request=\"{}\" status={}", describe(), response.status);
    response = plain_text(500, "internal error: the handler answered an invalid status");
  }
  auto out = std::make_shared<Outgoing<http::string_body>>();
  auto& message = out->message;
  message.version(11);
  message.result(static_cast<unsigned>(response.status));
  copy_headers(response.headers, message);
  if (status_has_body(response.status)) {
    if (!response.body.empty() && message.find(http::field::content_type) == message.end())
      message.set(http::field::content_type, "text/plain; charset=utf-8");
    message.content_length(response.body.size());
    message.body() = std::move(response.body);
  }
  message.keep_alive(keep_alive);
  stream_.tcp().expires_after(core_.config().write_timeout);
  auto done = [self = shared_from_this(), out, after](error_code ec, std::size_t) {
    if (ec) {
      spdlog::debug("http_response_not_sent remote={} reason=\"{}\"", self->remote_address_,
                    ec.message());
      return self->close_now();
    }
    self->response_done(after);
  };
  if (head_only_)
    http::async_write_header(stream_, out->serializer, std::move(done));
  else
    http::async_write(stream_, out->serializer, std::move(done));
}

void Connection::start_stream(int status, Headers headers, std::shared_ptr<ChunkedStream> stream) {
  asio::post(executor_, [self = shared_from_this(), status, headers = std::move(headers),
                         stream = std::move(stream)]() mutable {
    self->write_stream_head(status, std::move(headers), std::move(stream));
  });
}

void Connection::write_stream_head(int status, Headers headers,
                                   std::shared_ptr<ChunkedStream> stream) {
  if (state_ == State::kClosed) {
    stream->detach("connection closed");
    return;
  }
  state_ = State::kWriting;
  auto out = std::make_shared<Outgoing<http::empty_body>>();
  auto& message = out->message;
  message.version(11);
  message.result(static_cast<unsigned>(status));
  copy_headers(headers, message);
  message.chunked(true);
  message.keep_alive(keep_alive_ && !core_.stopping());
  if (!message.keep_alive())
    keep_alive_ = false;
  stream_body_ = std::move(stream);
  stream_writing_ = true;
  stream_.tcp().expires_after(core_.config().write_timeout);
  http::async_write_header(stream_, out->serializer,
                           [self = shared_from_this(), out](error_code ec, std::size_t) {
                             self->stream_writing_ = false;
                             if (!self->stream_body_)
                               return self->close_now();  // aborted meanwhile
                             if (ec) {
                               self->stream_body_->detach(ec.message().c_str());
                               self->stream_body_.reset();
                               return self->close_now();
                             }
                             if (self->head_only_) {
                               self->stream_body_->detach("HEAD has no body");
                               self->stream_body_.reset();
                               return self->response_done(After::kNextRequest);
                             }
                             self->pump_stream();
                           });
}

void Connection::stream_ready() {
  asio::post(executor_, [self = shared_from_this()] { self->pump_stream(); });
}

void Connection::abort_stream() {
  asio::post(executor_, [self = shared_from_this()] {
    if (self->stream_body_) {
      self->stream_body_->detach("stream aborted");
      self->stream_body_.reset();
    }
    self->close_now();
  });
}

void Connection::pump_stream() {
  if (state_ == State::kClosed || !stream_body_ || stream_writing_)
    return;
  auto batch = std::make_shared<ChunkedStream::Batch>(stream_body_->take());
  if (batch->bytes.empty())
    return;
  stream_writing_ = true;
  stream_.tcp().expires_after(core_.config().write_timeout);
  asio::async_write(stream_, asio::buffer(batch->bytes),
                    [self = shared_from_this(), batch](error_code ec, std::size_t) {
                      self->stream_writing_ = false;
                      if (!self->stream_body_)
                        return;  // aborted meanwhile; the socket is closed
                      if (ec) {
                        self->stream_body_->detach(ec.message().c_str());
                        self->stream_body_.reset();
                        return self->close_now();
                      }
                      self->stream_body_->written(batch->payload);
                      if (batch->last) {
                        self->stream_body_.reset();
                        return self->response_done(After::kNextRequest);
                      }
                      self->pump_stream();
                    });
}

void Connection::response_done(After after) {
  if (state_ == State::kClosed)
    return;
  switch (after) {
    case After::kNextRequest:
      if (keep_alive_ && !core_.stopping())
        return read_request(false);
      return close_gracefully();
    case After::kClose:
      return close_gracefully();
    case After::kDrainAndClose:
      return drain_and_close();
  }
}

// ---- closing --------------------------------------------------------------------------------

void Connection::close_gracefully() {
  if (state_ == State::kClosed)
    return;
  if (!stream_.is_tls())
    return close_now();
  // close_notify, then wait briefly for the client's: many clients just close instead.
  stream_.tcp().expires_after(kTlsShutdownTime);
  stream_.tls().async_shutdown([self = shared_from_this()](error_code) { self->close_now(); });
}

void Connection::drain_and_close() {
  error_code ignored;
  stream_.tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  drain_budget_ = kDrainBytes;
  if (announced_body_bytes_ <= kDrainAnnouncedBytes)
    drain_budget_ = std::max<std::size_t>(drain_budget_, announced_body_bytes_ + kReadChunk);
  drain_buffer_.resize(kReadChunk);
  stream_.tcp().expires_after(kDrainTime);
  drain();
}

void Connection::drain() {
  if (state_ == State::kClosed)
    return;
  // Below TLS: what arrives now is only dropped.
  stream_.tcp().async_read_some(asio::buffer(drain_buffer_),
                                [self = shared_from_this()](error_code ec, std::size_t n) {
                                  if (ec || n >= self->drain_budget_)
                                    return self->close_now();
                                  self->drain_budget_ -= n;
                                  self->drain();
                                });
}

void Connection::close_now() {
  if (state_ == State::kClosed)
    return;
  state_ = State::kClosed;
  if (stream_body_) {
    stream_body_->detach("connection closed");
    stream_body_.reset();
  }
  error_code ignored;
  stream_.tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.tcp().close();
}

void Connection::server_stopping() {
  asio::post(executor_, [self = shared_from_this()] {
    switch (self->state_) {
      case State::kHandling:
      case State::kWriting:
        return;  // closes once the response is out (response_done sees stopping)
      default:
        self->close_now();
    }
  });
}

void Connection::force_close() {
  asio::post(executor_, [self = shared_from_this()] { self->close_now(); });
}

}  // namespace hvo::net::detail
