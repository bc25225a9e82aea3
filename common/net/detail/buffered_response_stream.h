// Internal to common/net (includes cpprest): the ResponseStream behind Responder::stream(). The
// handler's writes go into a producer/consumer buffer that cpprest's connection drains into
// chunks on the socket; sync() after every write makes each chunk leave at once.
#pragma once

#include <cpprest/producerconsumerstream.h>
#include <cpprest/streams.h>

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

#include "common/net/http_server.h"

namespace hvo::net::detail {

class BufferedResponseStream : public ResponseStream {
 public:
  // `description` ("GET /api/v1/pods") names the stream in logs. Once more than
  // `max_buffered_bytes` wait unsent (the client reads too slowly or has gone without a word),
  // the stream closes itself: memory per stream stays bounded.
  BufferedResponseStream(std::string description, std::size_t max_buffered_bytes);
  // Dropping the last reference ends the response, so a forgotten stream cannot hold its
  // connection (and the server's stop()) forever.
  ~BufferedResponseStream() override;

  bool write(std::string_view chunk) override;
  void close() override;
  bool closed() const override;

  // The body cpprest sends from.
  concurrency::streams::istream body() { return buffer_.create_istream(); }

  // Called when cpprest fails to send the response (the client went away): later writes fail.
  void on_send_failed(const std::string& reason);

 private:
  void close_locked();

  const std::string description_;
  const std::size_t max_buffered_bytes_;
  concurrency::streams::producer_consumer_buffer<uint8_t> buffer_;
  mutable std::mutex mu_;
  bool closed_ = false;
};

}  // namespace hvo::net::detail
