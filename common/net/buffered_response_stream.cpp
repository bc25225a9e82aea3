#include "common/net/detail/buffered_response_stream.h"

#include <spdlog/spdlog.h>

namespace hvo::net::detail {

BufferedResponseStream::BufferedResponseStream(std::string description,
                                               std::size_t max_buffered_bytes)
    : description_(std::move(description)), max_buffered_bytes_(max_buffered_bytes) {}

BufferedResponseStream::~BufferedResponseStream() {
  close();
}

bool BufferedResponseStream::write(std::string_view chunk) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_)
    return false;
  if (chunk.empty())
    return true;
  std::size_t unsent = buffer_.in_avail();
  if (unsent + chunk.size() > max_buffered_bytes_) {
    spdlog::warn("http_stream_closed_slow_client stream=\"{}\" unsent_bytes={} limit_bytes={}",
                 description_, unsent, max_buffered_bytes_);
    close_locked();
    return false;
  }
  // The producer/consumer buffer copies synchronously; both tasks are complete on return.
  buffer_.putn_nocopy(reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()).wait();
  buffer_.sync().wait();
  return true;
}

void BufferedResponseStream::close() {
  std::lock_guard<std::mutex> lock(mu_);
  close_locked();
}

void BufferedResponseStream::close_locked() {
  if (closed_)
    return;
  closed_ = true;
  // Closing the write end lets cpprest send what is buffered, then the last (empty) chunk.
  buffer_.close(std::ios_base::out).wait();
}

bool BufferedResponseStream::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

void BufferedResponseStream::on_send_failed(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_)
    return;
  spdlog::debug("http_stream_client_gone stream=\"{}\" reason=\"{}\"", description_, reason);
  closed_ = true;
  // Nobody will read what is buffered: drop it with both ends.
  buffer_.close().wait();
}

}  // namespace hvo::net::detail
