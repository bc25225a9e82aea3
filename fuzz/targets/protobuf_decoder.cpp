// The emulator's decoder of Kubernetes protobuf request bodies (the "k8s\0" envelope and the
// typed messages it has tables for): any client can send one. A decoded object must be dumpable
// JSON, as the emulator stores and returns it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_input.h"
#include "tools/apiserver-lite/protobuf/protobuf_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace hvo::apiserver::protobuf;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const DecodedBody decoded = decode_kubernetes_protobuf(body);
  if (decoded.outcome == DecodedBody::Outcome::kOk) {
    HVO_FUZZ_CHECK("protobuf_decoder", decoded.object.is_object(),
                   "a decoded body is not a JSON object: " + decoded.object.dump());
    (void)decoded.object.dump();
  }
  return 0;
}
