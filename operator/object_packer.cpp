#include "operator/object_packer.h"

#include <zlib.h>

#include <stdexcept>
#include <string>

namespace hvo::kube {
namespace {

// Raw deflate (no zlib header: the store knows what it holds) with a 4 KB window, enough to
// reach back over a ~2 KB dictionary and a ~2 KB object; memLevel 5 keeps the compressor's
// state at ~32 KB per call instead of ~256 KB.
constexpr int kWindowBits = -12;
constexpr int kMemLevel = 5;
constexpr int kLevel = 6;

[[noreturn]] void fail(const char* step, int code) {
  throw std::runtime_error(std::string("object packer: ") + step + " failed (zlib " +
                           std::to_string(code) + ")");
}

// One compressor and one decompressor per thread, reset between objects: their state is tens
// of KB, and allocating it per object made every store write and read a large malloc (glibc
// consolidates its free lists on each one, a tenth of the operator's CPU at 10,000 VMs).
class Deflater {
 public:
  Deflater() {
    if (int code =
            deflateInit2(&stream_, kLevel, Z_DEFLATED, kWindowBits, kMemLevel, Z_DEFAULT_STRATEGY);
        code != Z_OK)
      fail("deflateInit2", code);
  }
  ~Deflater() { deflateEnd(&stream_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;
  z_stream* operator->() { return &stream_; }
  z_stream* get() { return &stream_; }

  // This thread's compressor, ready for a new object.
  static Deflater& fresh() {
    thread_local Deflater deflater;
    if (int code = deflateReset(deflater.get()); code != Z_OK)
      fail("deflateReset", code);
    return deflater;
  }

 private:
  z_stream stream_{};
};

class Inflater {
 public:
  Inflater() {
    if (int code = inflateInit2(&stream_, kWindowBits); code != Z_OK)
      fail("inflateInit2", code);
  }
  ~Inflater() { inflateEnd(&stream_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  z_stream* operator->() { return &stream_; }
  z_stream* get() { return &stream_; }

  // This thread's decompressor, ready for a new object.
  static Inflater& fresh() {
    thread_local Inflater inflater;
    if (int code = inflateReset(inflater.get()); code != Z_OK)
      fail("inflateReset", code);
    return inflater;
  }

 private:
  z_stream stream_{};
};

Bytef* bytes(const std::vector<std::uint8_t>& data) {
  return const_cast<Bytef*>(reinterpret_cast<const Bytef*>(data.data()));
}

}  // namespace

ObjectPacker::ObjectPacker(const nlohmann::json& sample) {
  if (!sample.is_null())
    dictionary_ = nlohmann::json::to_cbor(sample);
}

std::vector<std::uint8_t> ObjectPacker::pack(const nlohmann::json& object) const {
  // Scratch buffers kept per thread for the same reason as the streams.
  thread_local std::vector<std::uint8_t> cbor;
  thread_local std::vector<std::uint8_t> out;
  cbor.clear();
  nlohmann::json::to_cbor(object, cbor);
  Deflater& deflater = Deflater::fresh();
  if (!dictionary_.empty()) {
    if (int code = deflateSetDictionary(deflater.get(), bytes(dictionary_),
                                        static_cast<uInt>(dictionary_.size()));
        code != Z_OK)
      fail("deflateSetDictionary", code);
  }
  out.resize(deflateBound(deflater.get(), cbor.size()));
  deflater->next_in = bytes(cbor);
  deflater->avail_in = static_cast<uInt>(cbor.size());
  deflater->next_out = out.data();
  deflater->avail_out = static_cast<uInt>(out.size());
  if (int code = deflate(deflater.get(), Z_FINISH); code != Z_STREAM_END)
    fail("deflate", code);
  return std::vector<std::uint8_t>(out.begin(), out.begin() + deflater->total_out);
}

nlohmann::json ObjectPacker::unpack(const std::vector<std::uint8_t>& packed) const {
  thread_local std::vector<std::uint8_t> cbor;
  cbor.clear();
  Inflater& inflater = Inflater::fresh();
  // A raw stream takes its dictionary before the first byte (no header asks for it).
  if (!dictionary_.empty()) {
    if (int code = inflateSetDictionary(inflater.get(), bytes(dictionary_),
                                        static_cast<uInt>(dictionary_.size()));
        code != Z_OK)
      fail("inflateSetDictionary", code);
  }
  inflater->next_in = bytes(packed);
  inflater->avail_in = static_cast<uInt>(packed.size());
  std::uint8_t chunk[8192];
  int code = Z_OK;
  while (code != Z_STREAM_END) {
    inflater->next_out = chunk;
    inflater->avail_out = sizeof(chunk);
    code = inflate(inflater.get(), Z_NO_FLUSH);
    if (code != Z_OK && code != Z_STREAM_END)
      fail("inflate", code);
    cbor.insert(cbor.end(), chunk, chunk + (sizeof(chunk) - inflater->avail_out));
    if (code == Z_OK && inflater->avail_in == 0 && inflater->avail_out != 0)
      fail("inflate (truncated input)", Z_DATA_ERROR);
  }
  return nlohmann::json::from_cbor(cbor);
}

}  // namespace hvo::kube
