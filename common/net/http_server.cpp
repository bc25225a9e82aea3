// HttpServer over cpprest's http_listener.
//
// Threading: cpprest runs its socket I/O and our listener callback on its shared thread pool
// (crossplat::threadpool, 40 threads by default on Linux). Handlers may block for long (a watch
// handler may loop writing events), so the callback never runs them there: it hands each request
// to an ElasticThreadPool of our own, which starts a thread whenever none is idle. cpprest's
// threads therefore only ever do non-blocking I/O, and any number of open streams leaves them
// free; a stream costs cpprest nothing while idle (its connection waits on the stream's buffer).
#include <cpprest/http_listener.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "common/net/detail/buffered_response_stream.h"
#include "common/net/detail/cpprest_body.h"
#include "common/net/detail/tls_setup.h"
#include "common/net/elastic_thread_pool.h"
#include "common/net/http_server.h"

namespace hvo::net {
namespace {

using web::http::http_request;
using web::http::http_response;
using web::http::experimental::listener::http_listener;
using web::http::experimental::listener::http_listener_config;

constexpr std::size_t kBodyReadChunk = 64 * 1024;

std::string describe(const http_request& request) {
  return request.method() + " " + request.request_uri().path();
}

// Replies and makes sure a failed send is observed (pplx reports unobserved task exceptions).
void send_reply(http_request& request, http_response response) {
  request.reply(std::move(response)).then([](pplx::task<void> sent) {
    try {
      sent.wait();
    } catch (const std::exception& e) {
      spdlog::debug("http_reply_not_sent reason=\"{}\"", e.what());
    }
  });
}

void reply_status(http_request& request, int status, const std::string& message) {
  http_response response(static_cast<web::http::status_code>(status));
  detail::set_body_bytes(response, message + "\n", "text/plain; charset=utf-8");
  send_reply(request, std::move(response));
}

void copy_headers(const Headers& from, web::http::http_headers& to) {
  for (const auto& [name, value] : from) {
    if (strcasecmp(name.c_str(), "Content-Length") == 0)
      continue;  // cpprest sets it
    to[name] = value;
  }
}

// Reads the request body into memory, or reports that it is larger than `limit`. A body that is
// too large is still read to its end and dropped: cpprest sends no response before the whole
// request is in, and draining keeps memory bounded while it does.
std::optional<std::string> read_body(http_request& request, std::size_t limit) {
  auto stream = request.body();
  if (!stream)
    return std::string();
  std::string body;
  std::vector<uint8_t> chunk(kBodyReadChunk);
  bool too_large = false;
  auto length = request.headers().content_length();
  if (length > limit)
    too_large = true;
  while (true) {
    std::size_t got = stream.streambuf().getn(chunk.data(), chunk.size()).get();
    if (got == 0)
      break;
    if (too_large)
      continue;
    if (body.size() + got > limit) {
      too_large = true;
      std::string().swap(body);
      continue;
    }
    body.append(reinterpret_cast<const char*>(chunk.data()), got);
  }
  if (too_large)
    return std::nullopt;
  return body;
}

HttpRequest to_request(const http_request& request, std::string body) {
  HttpRequest out;
  out.method = request.method();
  const auto& uri = request.request_uri();
  out.path = percent_decode(uri.path());
  out.raw_query = uri.query();
  out.query = decode_query(out.raw_query);
  for (const auto& [name, value] : request.headers())
    out.headers[name] = value;
  out.body = std::move(body);
  out.remote_address = request.remote_address();
  return out;
}

class ServerImpl;

class ResponderImpl : public Responder {
 public:
  ResponderImpl(http_request request, ServerImpl& server)
      : request_(std::move(request)), server_(server) {}

  void reply(HttpResponse response) override;
  std::shared_ptr<ResponseStream> stream(int status, Headers headers) override;
  bool responded() const { return responded_; }

 private:
  bool claim(const char* what);

  http_request request_;
  ServerImpl& server_;
  bool responded_ = false;
};

class ServerImpl : public HttpServer {
 public:
  ServerImpl(const HttpServerConfig& config, HttpHandler handler)
      : config_(config), handler_(std::move(handler)) {}
  ~ServerImpl() override { stop(); }

  Status open();
  uint16_t port() const override { return config_.port; }
  void stop() override;

  // Registers a stream so stop() can close it; closes it at once when stopping.
  void track(const std::shared_ptr<detail::BufferedResponseStream>& stream);
  std::size_t max_stream_buffer_bytes() const { return config_.max_stream_buffer_bytes; }

 private:
  void dispatch(http_request request);
  void handle(http_request request);
  std::vector<std::shared_ptr<detail::BufferedResponseStream>> take_open_streams();

  const HttpServerConfig config_;
  const HttpHandler handler_;
  std::unique_ptr<http_listener> listener_;
  ElasticThreadPool handlers_;
  std::atomic<bool> stopping_{false};
  std::mutex streams_mu_;
  std::vector<std::weak_ptr<detail::BufferedResponseStream>> streams_;
  std::once_flag stopped_;
};

bool ResponderImpl::claim(const char* what) {
  if (responded_) {
    spdlog::error("http_responder_reused request=\"{}\" call={}", describe(request_), what);
    return false;
  }
  responded_ = true;
  return true;
}

void ResponderImpl::reply(HttpResponse response) {
  if (!claim("reply"))
    return;
  http_response out(static_cast<web::http::status_code>(response.status));
  copy_headers(response.headers, out.headers());
  if (!response.body.empty()) {
    detail::set_body_bytes(out, response.body, "text/plain; charset=utf-8");
  }
  send_reply(request_, std::move(out));
}

std::shared_ptr<ResponseStream> ResponderImpl::stream(int status, Headers headers) {
  auto stream = std::make_shared<detail::BufferedResponseStream>(describe(request_),
                                                                 server_.max_stream_buffer_bytes());
  if (!claim("stream")) {
    stream->close();
    return stream;
  }
  http_response out(static_cast<web::http::status_code>(status));
  copy_headers(headers, out.headers());
  out.headers().remove("Content-Length");
  out.headers()["Transfer-Encoding"] = "chunked";
  out.set_body(stream->body());
  std::weak_ptr<detail::BufferedResponseStream> weak = stream;
  request_.reply(std::move(out)).then([weak](pplx::task<void> sent) {
    try {
      sent.wait();
    } catch (const std::exception& e) {
      if (auto alive = weak.lock())
        alive->on_send_failed(e.what());
    }
  });
  server_.track(stream);
  return stream;
}

Status ServerImpl::open() {
  if (config_.port == 0) {
    return Error(ErrorCode::kInvalidArgument, "http server: port must be set (pick_free_port())");
  }
  http_listener_config listener_config;
  std::string scheme = "http";
  if (config_.tls) {
    Status tls = detail::check_server_tls(*config_.tls);
    if (!tls.ok())
      return tls.error().with_context("http server");
    scheme = "https";
    listener_config.set_ssl_context_callback(
        [tls_config = *config_.tls](boost::asio::ssl::context& context) {
          detail::apply_server_tls(context, tls_config);
        });
  }
  std::string address = config_.host + ":" + std::to_string(config_.port);
  try {
    listener_ = std::make_unique<http_listener>(scheme + "://" + address + "/", listener_config);
    listener_->support([this](http_request request) { dispatch(std::move(request)); });
    listener_->open().wait();
  } catch (const std::exception& e) {
    listener_.reset();
    return Error(ErrorCode::kUnavailable, "http server: listen on " + address + ": " + e.what());
  }
  spdlog::info("http_server_listening address={} tls={} client_certs={}", address,
               config_.tls.has_value(),
               !config_.tls || config_.tls->client_ca_file.empty() ? "none"
               : config_.tls->require_client_cert                  ? "required"
                                                                   : "optional");
  return OkStatus();
}

void ServerImpl::dispatch(http_request request) {
  // On a cpprest I/O thread: hand over and return at once.
  if (stopping_ || !handlers_.submit([this, request]() mutable { handle(std::move(request)); })) {
    reply_status(request, 503, "server is shutting down");
  }
}

void ServerImpl::handle(http_request request) {
  std::optional<std::string> body;
  try {
    body = read_body(request, config_.max_body_bytes);
  } catch (const std::exception& e) {
    spdlog::debug("http_request_body_unreadable request=\"{}\" reason=\"{}\"", describe(request),
                  e.what());
    return;  // the connection is gone; nobody to answer
  }
  if (!body) {
    spdlog::info("http_request_body_too_large request=\"{}\" limit_bytes={}", describe(request),
                 config_.max_body_bytes);
    reply_status(request, 413,
                 "request body larger than " + std::to_string(config_.max_body_bytes) + " bytes");
    return;
  }
  ResponderImpl responder(request, *this);
  try {
    handler_(to_request(request, std::move(*body)), responder);
  } catch (const std::exception& e) {
    spdlog::error("http_handler_failed request=\"{}\" error=\"{}\"", describe(request), e.what());
  }
  if (!responder.responded()) {
    spdlog::error("http_handler_no_response request=\"{}\"", describe(request));
    reply_status(request, 500, "internal error: the handler sent no response");
  }
}

void ServerImpl::track(const std::shared_ptr<detail::BufferedResponseStream>& stream) {
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

std::vector<std::shared_ptr<detail::BufferedResponseStream>> ServerImpl::take_open_streams() {
  std::vector<std::shared_ptr<detail::BufferedResponseStream>> open;
  std::lock_guard<std::mutex> lock(streams_mu_);
  for (auto& weak : streams_) {
    if (auto alive = weak.lock())
      open.push_back(std::move(alive));
  }
  streams_.clear();
  return open;
}

void ServerImpl::stop() {
  std::call_once(stopped_, [this] {
    {
      std::lock_guard<std::mutex> lock(streams_mu_);
      stopping_ = true;
    }
    // Order matters: cpprest's close() waits for every connection to finish its response, and a
    // stream's response only finishes when the stream is closed; handlers blocked writing to a
    // stream return once their writes fail.
    for (auto& stream : take_open_streams())
      stream->close();
    handlers_.stop();
    if (listener_) {
      try {
        listener_->close().wait();
      } catch (const std::exception& e) {
        spdlog::warn("http_server_close_failed port={} error=\"{}\"", config_.port, e.what());
      }
    }
    spdlog::info("http_server_stopped port={}", config_.port);
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
