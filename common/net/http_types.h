// Plain HTTP request/response values shared by our server and client wrappers. No Beast or
// cpprest here: this header is included widely, they only by the .cpp files behind
// http_server/http_client.
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace hvo::net {

// ASCII case-insensitive order (header names are ASCII), the same on every platform.
struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const {
    return std::lexicographical_compare(
        a.begin(), a.end(), b.begin(), b.end(),
        [](unsigned char x, unsigned char y) { return std::tolower(x) < std::tolower(y); });
  }
};
using Headers = std::map<std::string, std::string, CaseInsensitiveLess>;

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, PATCH, DELETE, ...
  std::string path;            // percent-decoded path, e.g. "/apis/hyperv.operator.io/v1alpha1"
  std::string raw_query;       // as sent, without '?': "watch=1&labelSelector=a%3Db"
  std::map<std::string, std::string> query;  // decoded query parameters (last value wins)
  Headers headers;
  std::string body;
  // Server side only: the client's IP address as the socket reports it ("127.0.0.1").
  std::string remote_address;
  // Client side only: sending this request twice does no more than sending it once, so after a
  // connection failure it may be resent (replay_policy.h). GET, HEAD, OPTIONS and TRACE, and
  // requests with an Idempotency-Key header, always count as idempotent.
  bool idempotent = false;
  // Client side only: bounds this request instead of HttpClientConfig::timeout when non-zero.
  std::chrono::milliseconds timeout{0};

  // Value of a query parameter, or `fallback` when absent.
  std::string query_param(const std::string& name, const std::string& fallback = "") const {
    auto it = query.find(name);
    return it == query.end() ? fallback : it->second;
  }
  std::string header(const std::string& name, const std::string& fallback = "") const {
    auto it = headers.find(name);
    return it == headers.end() ? fallback : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;

  std::string header(const std::string& name, const std::string& fallback = "") const {
    auto it = headers.find(name);
    return it == headers.end() ? fallback : it->second;
  }
};

// Percent-encoding for building query strings: encodes everything but unreserved characters
// (RFC 3986: ALPHA / DIGIT / "-" / "." / "_" / "~"), as %XX with upper-case hex digits.
std::string url_encode(const std::string& text);
// Percent-encodes a path, keeping '/' as the segment separator: "/a b/c" -> "/a%20b/c".
std::string encode_path(const std::string& path);
// Decodes %XX escapes; '+' stays '+' (paths). Malformed escapes ("%zz", a trailing '%') are
// kept as they are rather than rejected, as Go's and browsers' lenient decoders do.
std::string percent_decode(const std::string& text);
// Builds "a=1&b=x%20y" from decoded parameters (in map order).
std::string encode_query(const std::map<std::string, std::string>& params);
// Parses "a=1&b=x%20y" into decoded parameters; '+' is a space, as browsers and Go send it.
// A name without '=' has the empty value; empty pieces ("a=1&&b=2") are skipped.
std::map<std::string, std::string> decode_query(const std::string& raw_query);

}  // namespace hvo::net
