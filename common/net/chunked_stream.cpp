#include "common/net/detail/chunked_stream.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

namespace hvo::net::detail {

ChunkedStream::ChunkedStream(std::string description, std::size_t max_unsent_bytes,
                             std::shared_ptr<StreamSink> sink)
    : description_(std::move(description)),
      max_unsent_bytes_(max_unsent_bytes),
      sink_(std::move(sink)) {}

ChunkedStream::~ChunkedStream() {
  close();
}

bool ChunkedStream::write(std::string_view chunk) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_)
    return false;
  if (chunk.empty())
    return true;  // an empty chunk would end the response
  if (unsent_ + chunk.size() > max_unsent_bytes_) {
    spdlog::warn("http_stream_closed_slow_client stream=\"{}\" unsent_bytes={} limit_bytes={}",
                 description_, unsent_, max_unsent_bytes_);
    closed_ = true;
    queued_.clear();
    if (sink_)
      sink_->abort_stream();
    sink_.reset();
    return false;
  }
  char size_line[24];
  int length = std::snprintf(size_line, sizeof(size_line), "%zx\r\n", chunk.size());
  queued_.append(size_line, static_cast<std::size_t>(length));
  queued_.append(chunk.data(), chunk.size());
  queued_.append("\r\n");
  queued_payload_ += chunk.size();
  unsent_ += chunk.size();
  notify_locked();
  return true;
}

void ChunkedStream::close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_)
    return;
  closed_ = true;
  last_queued_ = true;
  queued_.append("0\r\n\r\n");
  notify_locked();
}

bool ChunkedStream::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

void ChunkedStream::notify_locked() {
  if (notified_ || !sink_)
    return;
  notified_ = true;
  sink_->stream_ready();
}

ChunkedStream::Batch ChunkedStream::take() {
  std::lock_guard<std::mutex> lock(mu_);
  notified_ = false;
  Batch batch;
  batch.bytes.swap(queued_);
  batch.payload = queued_payload_;
  queued_payload_ = 0;
  if (last_queued_ && sink_) {
    batch.last = true;
    sink_.reset();  // the connection holds itself while it writes the batch
  }
  return batch;
}

void ChunkedStream::written(std::size_t payload) {
  std::lock_guard<std::mutex> lock(mu_);
  unsent_ -= std::min(unsent_, payload);
}

void ChunkedStream::detach(const char* reason) {
  std::lock_guard<std::mutex> lock(mu_);
  if (sink_ && !closed_)
    spdlog::debug("http_stream_client_gone stream=\"{}\" reason=\"{}\"", description_, reason);
  closed_ = true;
  queued_.clear();
  queued_payload_ = 0;
  sink_.reset();
}

}  // namespace hvo::net::detail
