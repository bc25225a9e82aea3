// Internal to common/net: the ResponseStream behind Responder::stream(). Writers on any thread
// queue chunks (already in chunked transfer coding); the connection, on its own strand, takes
// what is queued and writes it. No Beast here: the connection is reached through StreamSink.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/net/http_server.h"

namespace hvo::net::detail {

// The connection's side, as a stream sees it. Both calls only post work to the connection's
// strand and return.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Data or the end of the stream is queued: take() it.
  virtual void stream_ready() = 0;
  // The stream gave up (its client reads too slowly): close the connection.
  virtual void abort_stream() = 0;
};

class ChunkedStream : public ResponseStream {
 public:
  // `description` ("GET /api/v1/pods") names the stream in logs. Once more than
  // `max_unsent_bytes` wait unsent (the client reads too slowly or has gone without a word), the
  // stream closes itself and its connection: memory per stream stays bounded.
  ChunkedStream(std::string description, std::size_t max_unsent_bytes,
                std::shared_ptr<StreamSink> sink);
  // The handler holds a handle whose destructor calls close(), so a forgotten stream cannot hold
  // its connection (and the server's stop()) forever; the connection holds this object.
  ~ChunkedStream() override;

  bool write(std::string_view chunk) override;
  void close() override;
  bool closed() const override;

  // ---- the connection's side (on its strand) ----
  struct Batch {
    std::string bytes;        // chunk-encoded, the last chunk included when `last`
    std::size_t payload = 0;  // the writers' bytes in it
    bool last = false;
  };
  // Everything queued so far. After the batch with `last`, the stream no longer holds its sink.
  Batch take();
  // A batch reached the socket: its payload no longer counts as unsent.
  void written(std::size_t payload);
  // The connection is gone (write failed, server stopped, HEAD needs no body): later writes
  // return false, and the stream lets go of the connection.
  void detach(const char* reason);

 private:
  void notify_locked();

  const std::string description_;
  const std::size_t max_unsent_bytes_;
  mutable std::mutex mu_;
  std::shared_ptr<StreamSink> sink_;  // null once detached or fully taken
  std::string queued_;
  std::size_t queued_payload_ = 0;
  std::size_t unsent_ = 0;  // queued plus being written
  bool closed_ = false;     // no more writes; the last chunk is queued unless detached
  bool last_queued_ = false;
  bool notified_ = false;  // stream_ready() posted and not yet followed by take()
};

}  // namespace hvo::net::detail
