// HttpClient over cpprest's http_client.
//
// One cpprest http_client serves every call: it keeps a pool of open (keep-alive) connections,
// TLS sessions included, and is safe for concurrent requests, so send() from many threads
// reuses connections instead of handshaking per request. cpprest's own timeout only measures
// idle time between reads; whole-request timeouts, idle timeouts of streams and cancellation
// are ours (TaskWaiter), and each ends the request through a cancellation token, which closes
// its connection rather than returning it to the pool.
#include <cpprest/http_client.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "common/net/detail/cpprest_body.h"
#include "common/net/detail/task_waiter.h"
#include "common/net/detail/tls_setup.h"
#include "common/net/http_client.h"
#include "common/net/line_splitter.h"

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
constexpr std::size_t kMaxLineBytes = 64 * 1024 * 1024;

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

class ClientImpl : public HttpClient {
 public:
  ClientImpl(HttpClientConfig config, std::unique_ptr<http_client> client)
      : config_(std::move(config)), client_(std::move(client)) {}

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
  Result<web::http::http_response> await_headers(const HttpRequest& request,
                                                 pplx::cancellation_token_source& cancel_source,
                                                 TaskWaiter& waiter);
  Result<HttpResponse> await_body(const HttpRequest& request, web::http::http_response response,
                                  pplx::cancellation_token_source& cancel_source,
                                  TaskWaiter& waiter, Clock::time_point deadline);

  const HttpClientConfig config_;
  const std::unique_ptr<http_client> client_;
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
  if (!request.body.empty()) {
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

Result<web::http::http_response> ClientImpl::await_headers(
    const HttpRequest& request, pplx::cancellation_token_source& cancel_source,
    TaskWaiter& waiter) {
  pplx::task<web::http::http_response> sent;
  try {
    sent = client_->request(to_cpprest(request), cancel_source.get_token());
  } catch (...) {
    return to_error(request, std::current_exception());
  }
  return await_task(request, sent, cancel_source, waiter, deadline_for(request), "no response");
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
  auto response = await_headers(request, cancel_source, waiter);
  if (!response.ok())
    return response.error();
  return await_body(request, std::move(response).value(), cancel_source, waiter, deadline);
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
  auto headers = await_headers(request, cancel_source, waiter);
  if (!headers.ok())
    return headers.error();
  web::http::http_response response = std::move(headers).value();
  if (!is_success(response.status_code())) {
    return await_body(request, std::move(response), cancel_source, waiter, deadline);
  }

  HttpResponse result = to_response(response, "");
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
        cancel_source.cancel();
        return Error(ErrorCode::kTimeout, describe(request) + ": stream idle for " +
                                              std::to_string(idle_timeout.count()) + "ms");
      case TaskWaiter::Outcome::kInterrupted:
        cancel_source.cancel();
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
      cancel_source.cancel();
      return Error(ErrorCode::kResourceExhausted, describe(request) + ": a line is longer than " +
                                                      std::to_string(kMaxLineBytes) + " bytes");
    }
    if (fed == LineSplitter::Result::kStoppedByCallback) {
      cancel_source.cancel();  // the rest of the stream is not wanted: drop the connection
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
    auto client = std::make_unique<http_client>(base, client_config);
    return std::unique_ptr<HttpClient>(std::make_unique<ClientImpl>(config, std::move(client)));
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInvalidArgument, "http client " + config.base_url + ": " + e.what());
  }
}

}  // namespace hvo::net
