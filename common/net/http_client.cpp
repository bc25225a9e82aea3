// HttpClient over cpprest's http_client.
//
// One cpprest http_client serves every call: it keeps a pool of open (keep-alive) connections,
// TLS sessions included, and is safe for concurrent requests, so send() from many threads
// reuses connections instead of handshaking per request. cpprest's own timeout only measures
// idle time between reads; whole-request timeouts, idle timeouts of streams and cancellation
// are ours (TaskWaiter), and each ends the request through a cancellation token, which closes
// its connection rather than returning it to the pool.
//
// Stale connections: cpprest resends a request by itself when a pooled connection turns out to
// be closed while it waits for the status line, whatever the method, unless the body cannot be
// rewound. So bodies of non-idempotent requests go out as one-way streams, and the resend
// decision is ours (replay_policy.h): at most once, on a fresh pool. Whenever a pooled
// connection failed, or a response came with trailers (which cpprest does not read, leaving
// bytes on the connection that corrupt the next response: etcd's gateway sends them with
// errors), the pool is replaced, so the other idle connections of a restarted server are not
// tried one by one.
//
// Back-to-back requests: cpprest returns a connection to the pool when the request's context
// goes, on its I/O thread, just after the response completed; a request sent before that finds
// the pool empty and opens a new connection: another TCP and TLS handshake, another SSL context
// (cpprest builds one per connection; client_tls.h keeps the system CA bundle out of it), and
// one more connection kept open. A host poll (inventory right after host_info) paid that on a
// good share of polls. So send() returns once the connection is back (await_connection_release).
#include <cpprest/http_client.h>
#include <cpprest/producerconsumerstream.h>
#include <pplx/threadpool.h>
#include <spdlog/spdlog.h>
#include <strings.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "common/net/detail/client_tls.h"
#include "common/net/detail/cpprest_body.h"
#include "common/net/detail/task_waiter.h"
#include "common/net/http_client.h"
#include "common/net/line_splitter.h"
#include "common/net/replay_policy.h"

namespace hvo::net {
namespace {

using detail::Clock;
using detail::TaskWaiter;
using web::http::client::http_client;
using web::http::client::http_client_config;

// cpprest's timer is a backstop only (it restarts on every read, so it bounds silence, not
// length): a peer that vanished without a FIN cannot hold a stream forever.
constexpr auto kCpprestIdleBackstop = std::chrono::hours(1);
constexpr std::size_t kStreamReadChunk = 64 * 1024;
// How long a stream given up early waits for cpprest to let go of the dropped body.
constexpr std::chrono::seconds kStoppedStreamSettle{1};
constexpr std::size_t kMaxLineBytes = 64 * 1024 * 1024;
// The longest send() waits for cpprest to return the connection to the pool; it takes
// microseconds, unless the I/O thread is descheduled.
constexpr auto kConnectionReleaseWait = std::chrono::milliseconds(20);

// A request as cpprest holds it while it is under way: its context keeps the last reference,
// and gives the connection back to the pool before it drops it.
using InFlight = std::weak_ptr<web::http::details::_http_request>;

// Waits (briefly) until cpprest is done with the request, its connection back in the pool, so
// the caller's next request reuses it instead of opening another.
void await_connection_release(const InFlight& request) {
  const auto until = Clock::now() + kConnectionReleaseWait;
  while (!request.expired() && Clock::now() < until)
    std::this_thread::yield();
}

bool is_success(int status) {
  return status >= 200 && status < 300;
}

// Registers a callback with a Cancellation for the length of one call.
class CancelHook {
 public:
  CancelHook(std::shared_ptr<Cancellation> cancel, std::function<void()> callback)
      : cancel_(std::move(cancel)) {
    if (cancel_)
      id_ = cancel_->on_cancel(std::move(callback));
  }
  ~CancelHook() {
    if (cancel_)
      cancel_->remove_callback(id_);
  }
  CancelHook(const CancelHook&) = delete;
  CancelHook& operator=(const CancelHook&) = delete;

 private:
  std::shared_ptr<Cancellation> cancel_;
  Cancellation::CallbackId id_ = 0;
};

// The body as a stream cpprest cannot rewind, so it never resends the request on its own.
void set_one_way_body(web::http::http_request& out, const std::string& body) {
  concurrency::streams::producer_consumer_buffer<uint8_t> buffer;
  if (!body.empty()) {
    buffer.putn_nocopy(reinterpret_cast<const uint8_t*>(body.data()), body.size()).get();
  }
  buffer.close(std::ios_base::out).get();
  std::string content_type = "application/octet-stream";
  if (out.headers().has("Content-Type"))
    content_type = out.headers()["Content-Type"];
  out.set_body(buffer.create_istream(), body.size(), content_type);
}

class ClientImpl : public HttpClient {
 public:
  ClientImpl(HttpClientConfig config, web::uri base, http_client_config client_config)
      : config_(std::move(config)),
        base_(std::move(base)),
        client_config_(std::move(client_config)),
        client_(std::make_shared<http_client>(base_, client_config_)) {}

  Result<HttpResponse> send(const HttpRequest& request) override;
  Result<HttpResponse> stream_lines(const HttpRequest& request,
                                    const std::function<bool(std::string_view)>& on_line,
                                    std::shared_ptr<Cancellation> cancel,
                                    std::chrono::milliseconds idle_timeout) override;

 private:
  web::http::http_request to_cpprest(const HttpRequest& request) const;
  std::string describe(const HttpRequest& request) const;
  std::chrono::milliseconds timeout_for(const HttpRequest& request) const;
  Clock::time_point deadline_for(const HttpRequest& request) const;
  // Waits for `task` until `deadline` or a cancel; either ends the request's connection.
  template <typename T>
  Result<T> await_task(const HttpRequest& request, pplx::task<T> task,
                       pplx::cancellation_token_source& cancel_source, TaskWaiter& waiter,
                       Clock::time_point deadline, const char* waiting_for) const;
  Error to_error(const HttpRequest& request, std::exception_ptr failure) const;
  // Sends the request and waits for the response headers until `deadline`; resends it once
  // when replay_policy.h allows. `in_flight` is set to the request as sent (the last attempt).
  Result<web::http::http_response> await_headers(const HttpRequest& request,
                                                 pplx::cancellation_token_source& cancel_source,
                                                 TaskWaiter& waiter, Clock::time_point deadline,
                                                 InFlight& in_flight);
  Result<HttpResponse> await_body(const HttpRequest& request, web::http::http_response response,
                                  pplx::cancellation_token_source& cancel_source,
                                  TaskWaiter& waiter, Clock::time_point deadline);

  std::shared_ptr<http_client> current_client() const {
    std::lock_guard<std::mutex> lock(client_mu_);
    return client_;
  }
  // Replaces the pool of `used` (if still current) by an empty one; calls in flight finish on
  // the old one, whose idle connections close when the last of them is done.
  void discard_pool(const std::shared_ptr<http_client>& used, const char* reason) {
    std::lock_guard<std::mutex> lock(client_mu_);
    if (client_ != used)
      return;
    client_ = std::make_shared<http_client>(base_, client_config_);
    spdlog::debug("http_client_pool_discarded base_url={} reason={}", config_.base_url, reason);
  }
  Result<web::http::http_response> send_headers_once(const HttpRequest& request,
                                                     pplx::cancellation_token_source& cancel_source,
                                                     TaskWaiter& waiter, Clock::time_point deadline,
                                                     const std::shared_ptr<http_client>& client,
                                                     InFlight& in_flight);

  const HttpClientConfig config_;
  const web::uri base_;
  const http_client_config client_config_;
  mutable std::mutex client_mu_;
  std::shared_ptr<http_client> client_;
};

std::string ClientImpl::describe(const HttpRequest& request) const {
  return request.method + " " + config_.base_url + request.path;
}

std::chrono::milliseconds ClientImpl::timeout_for(const HttpRequest& request) const {
  return request.timeout.count() > 0 ? request.timeout : config_.timeout;
}

Clock::time_point ClientImpl::deadline_for(const HttpRequest& request) const {
  return Clock::now() + timeout_for(request);
}

web::http::http_request ClientImpl::to_cpprest(const HttpRequest& request) const {
  web::http::http_request out(request.method);
  std::string target = encode_path(request.path);
  std::string query = request.raw_query.empty() ? encode_query(request.query) : request.raw_query;
  if (!query.empty())
    target += "?" + query;
  out.set_request_uri(web::uri(target));
  for (const auto& [name, value] : request.headers) {
    if (strcasecmp(name.c_str(), "Content-Length") == 0)
      continue;  // cpprest sets it
    out.headers()[name] = value;
  }
  // cpprest takes the Host header as the name for SNI and certificate verification.
  if (!config_.tls.server_name.empty())
    out.headers()["Host"] = config_.tls.server_name;
  if (!is_idempotent(request)) {
    if (!out.headers().has("Content-Type") && !request.body.empty())
      out.headers().add("Content-Type", "application/octet-stream");
    set_one_way_body(out, request.body);
  } else if (!request.body.empty()) {
    detail::set_body_bytes(out, request.body, "application/octet-stream");
  }
  return out;
}

Error ClientImpl::to_error(const HttpRequest& request, std::exception_ptr failure) const {
  try {
    std::rethrow_exception(failure);
  } catch (const web::http::http_exception& e) {
    auto code = ErrorCode::kUnavailable;
    if (e.error_code() == std::make_error_code(std::errc::timed_out))
      code = ErrorCode::kTimeout;
    if (e.error_code() == std::make_error_code(std::errc::operation_canceled)) {
      code = ErrorCode::kCancelled;
    }
    return Error(code, describe(request) + ": " + e.what());
  } catch (const pplx::task_canceled&) {
    return Error(ErrorCode::kCancelled, describe(request) + ": cancelled");
  } catch (const web::uri_exception& e) {
    return Error(ErrorCode::kInvalidArgument, describe(request) + ": bad URL: " + e.what());
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternal, describe(request) + ": " + e.what());
  }
}

template <typename T>
Result<T> ClientImpl::await_task(const HttpRequest& request, pplx::task<T> task,
                                 pplx::cancellation_token_source& cancel_source, TaskWaiter& waiter,
                                 Clock::time_point deadline, const char* waiting_for) const {
  switch (waiter.wait(task, deadline)) {
    case TaskWaiter::Outcome::kDeadline:
      cancel_source.cancel();
      return Error(ErrorCode::kTimeout, describe(request) + ": " + waiting_for + " within " +
                                            std::to_string(timeout_for(request).count()) + "ms");
    case TaskWaiter::Outcome::kInterrupted:
      cancel_source.cancel();
      return Error(ErrorCode::kCancelled, describe(request) + ": cancelled");
    case TaskWaiter::Outcome::kReady:
      break;
  }
  try {
    return task.get();
  } catch (...) {
    return to_error(request, std::current_exception());
  }
}

Result<web::http::http_response> ClientImpl::send_headers_once(
    const HttpRequest& request, pplx::cancellation_token_source& cancel_source, TaskWaiter& waiter,
    Clock::time_point deadline, const std::shared_ptr<http_client>& client, InFlight& in_flight) {
  pplx::task<web::http::http_response> sent;
  try {
    web::http::http_request out = to_cpprest(request);
    in_flight = out._get_impl();
    sent = client->request(std::move(out), cancel_source.get_token());
  } catch (...) {
    return to_error(request, std::current_exception());
  }
  return await_task(request, sent, cancel_source, waiter, deadline, "no response");
}

Result<web::http::http_response> ClientImpl::await_headers(
    const HttpRequest& request, pplx::cancellation_token_source& cancel_source, TaskWaiter& waiter,
    Clock::time_point deadline, InFlight& in_flight) {
  auto client = current_client();
  auto response = send_headers_once(request, cancel_source, waiter, deadline, client, in_flight);
  if (!response.ok() && response.error().code() == ErrorCode::kUnavailable) {
    const FailurePoint failure = classify_failure(response.error().message());
    if (failure != FailurePoint::kNotConnected)
      discard_pool(client, "connection failed");
    const ReplayDecision decision = decide_replay(request, failure);
    if (!decision.replay) {
      if (decision.caution.empty())
        return response;
      return Error(response.error().code(),
                   response.error().message() + " (" + decision.caution + ")");
    }
    spdlog::info("http_request_resent request=\"{}\" error=\"{}\"", describe(request),
                 response.error().message());
    client = current_client();
    response = send_headers_once(request, cancel_source, waiter, deadline, client, in_flight);
    if (!response.ok()) {
      return Error(response.error().code(),
                   response.error().message() + " (also when resent on a new connection)");
    }
  }
  if (response.ok() && response->headers().has("Trailer"))
    discard_pool(client, "response with trailers");
  return response;
}

HttpResponse to_response(const web::http::http_response& response, std::string body) {
  HttpResponse out;
  out.status = response.status_code();
  for (const auto& [name, value] : response.headers())
    out.headers[name] = value;
  out.body = std::move(body);
  return out;
}

Result<HttpResponse> ClientImpl::await_body(const HttpRequest& request,
                                            web::http::http_response response,
                                            pplx::cancellation_token_source& cancel_source,
                                            TaskWaiter& waiter, Clock::time_point deadline) {
  auto bytes = await_task(request, response.extract_vector(), cancel_source, waiter, deadline,
                          "response body not complete");
  if (!bytes.ok())
    return bytes.error();
  return to_response(response, std::string(bytes->begin(), bytes->end()));
}

Result<HttpResponse> ClientImpl::send(const HttpRequest& request) {
  pplx::cancellation_token_source cancel_source;
  TaskWaiter waiter;
  auto deadline = deadline_for(request);
  InFlight in_flight;
  auto response = await_headers(request, cancel_source, waiter, deadline, in_flight);
  if (!response.ok())
    return response.error();
  auto answer = await_body(request, std::move(response).value(), cancel_source, waiter, deadline);
  if (answer.ok())
    await_connection_release(in_flight);  // a failed exchange closed its connection
  return answer;
}

Result<HttpResponse> ClientImpl::stream_lines(const HttpRequest& request,
                                              const std::function<bool(std::string_view)>& on_line,
                                              std::shared_ptr<Cancellation> cancel,
                                              std::chrono::milliseconds idle_timeout) {
  if (cancel && cancel->cancelled()) {
    return Error(ErrorCode::kCancelled, describe(request) + ": cancelled before it started");
  }
  pplx::cancellation_token_source cancel_source;
  TaskWaiter waiter;
  // Closing the connection fails a pending read; interrupting the waiter returns at once even
  // if cpprest takes a moment to notice.
  CancelHook hook(cancel, [cancel_source, interrupt = waiter.interrupter()] {
    cancel_source.cancel();
    interrupt();
  });
  auto deadline = deadline_for(request);
  InFlight in_flight;  // a stream's connection is not reused soon enough to wait for it
  auto headers = await_headers(request, cancel_source, waiter, deadline, in_flight);
  if (!headers.ok())
    return headers.error();
  web::http::http_response response = std::move(headers).value();
  if (!is_success(response.status_code())) {
    return await_body(request, std::move(response), cancel_source, waiter, deadline);
  }

  HttpResponse result = to_response(response, "");
  // Drops the rest of the stream: the connection goes, and cpprest gets a moment to finish the
  // dropped body before the response goes; its pending tasks are otherwise left behind (pplx
  // keeps continuations until their antecedent completes: LeakSanitizer saw them).
  const auto drop_stream = [&] {
    cancel_source.cancel();
    TaskWaiter settle;
    settle.wait(response.content_ready(), Clock::now() + kStoppedStreamSettle);
  };
  auto body = response.body().streambuf();
  auto chunk = std::make_shared<std::vector<uint8_t>>(kStreamReadChunk);
  LineSplitter splitter(kMaxLineBytes);
  while (true) {
    // Ask for what has arrived (at least one byte): cpprest does not flush its writes into the
    // body buffer, so a larger request would wait for more data than one line may hold.
    std::size_t wanted = std::clamp<std::size_t>(body.in_avail(), 1, chunk->size());
    auto read = body.getn(chunk->data(), wanted);
    std::optional<Clock::time_point> idle_deadline;
    if (idle_timeout.count() > 0)
      idle_deadline = Clock::now() + idle_timeout;
    switch (waiter.wait(read, idle_deadline, chunk)) {
      case TaskWaiter::Outcome::kDeadline:
        drop_stream();
        return Error(ErrorCode::kTimeout, describe(request) + ": stream idle for " +
                                              std::to_string(idle_timeout.count()) + "ms");
      case TaskWaiter::Outcome::kInterrupted:
        drop_stream();
        return result;
      case TaskWaiter::Outcome::kReady:
        break;
    }
    std::size_t got = 0;
    try {
      got = read.get();
    } catch (...) {
      if (cancel && cancel->cancelled())
        return result;
      return to_error(request, std::current_exception()).with_context("stream broken");
    }
    LineSplitter::Result fed =
        got == 0
            ? splitter.finish(on_line)
            : splitter.feed(std::string_view(reinterpret_cast<const char*>(chunk->data()), got),
                            on_line);
    if (fed == LineSplitter::Result::kLineTooLong) {
      drop_stream();
      return Error(ErrorCode::kResourceExhausted, describe(request) + ": a line is longer than " +
                                                      std::to_string(kMaxLineBytes) + " bytes");
    }
    if (fed == LineSplitter::Result::kStoppedByCallback) {
      cancel_source.cancel();  // the rest of the stream is not wanted: drop the connection
      drop_stream();
      return result;
    }
    if (got == 0)
      return result;  // the server ended the response
  }
}

}  // namespace

Result<std::unique_ptr<HttpClient>> HttpClient::create(const HttpClientConfig& config) {
  web::uri base;
  try {
    base = web::uri(config.base_url);
  } catch (const web::uri_exception& e) {
    return Error(ErrorCode::kInvalidArgument,
                 "base_url \"" + config.base_url + "\": not a URL: " + e.what());
  }
  if ((base.scheme() != "http" && base.scheme() != "https") || base.host().empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "base_url \"" + config.base_url + "\": want http(s)://host[:port][/path]");
  }
  if (config.timeout.count() <= 0) {
    return Error(ErrorCode::kInvalidArgument, "timeout: must be positive");
  }
  http_client_config client_config;
  client_config.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(
      std::max<std::chrono::milliseconds>(config.timeout, kCpprestIdleBackstop)));
  if (base.scheme() == "https") {
    detail::keep_system_trust_out_of_new_connections();
    auto material = detail::load_client_tls(config.tls);
    if (!material.ok())
      return material.error().with_context("http client " + config.base_url);
    client_config.set_validate_certificates(!config.tls.insecure_skip_verify);
    client_config.set_ssl_context_callback(
        [material = std::move(material).value()](boost::asio::ssl::context& context) {
          detail::apply_client_tls(context, material);
        });
  }
  try {
    return std::unique_ptr<HttpClient>(
        std::make_unique<ClientImpl>(config, std::move(base), std::move(client_config)));
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInvalidArgument, "http client " + config.base_url + ": " + e.what());
  }
}

bool set_client_io_threads(std::size_t threads) {
  try {
    crossplat::threadpool::initialize_with_threads(threads);
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("http_client_threads_not_set threads={} reason=\"{}\"", threads, e.what());
    return false;
  }
}

}  // namespace hvo::net
