// The emulator's PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and
// server-side apply's merge with managed fields. The input is a JSON array [live, patch]; the
// first byte picks the patch type. Whatever a client sends, the emulator must answer with an
// error or a result, never crash; a result must be dumpable JSON.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "fuzz/fuzz_input.h"
#include "tools/apiserver-lite/patch/json_patches.h"
#include "tools/apiserver-lite/patch/server_side_apply.h"

namespace {

// What a stored object looks like to the patch code: the emulator checks metadata (an object)
// on every write. managedFields of any shape are fed as they come: the field manager reads
// malformed ones as none, as upstream does.
bool stored_shape(const nlohmann::json& live) {
  if (live.is_null())
    return true;
  if (!live.is_object())
    return false;
  const auto metadata = live.find("metadata");
  return metadata == live.end() || metadata->is_object();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace hvo::apiserver;
  hvo::fuzz::FuzzInput input(data, size);
  const uint8_t which = input.take_byte();
  const std::string_view text = input.rest();
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_array() || json.size() != 2)
    return 0;
  const nlohmann::json& live = json[0];
  const nlohmann::json& patch = json[1];
  switch (which % 3) {
    case 0: {
      auto merged = apply_merge_patch(live, patch);
      if (merged.ok())
        (void)merged->dump();
      break;
    }
    case 1: {
      auto patched = apply_json_patch(live, patch);
      if (patched.ok())
        (void)patched->dump();
      break;
    }
    default: {
      // What the emulator's apply handler guarantees: the body is an object, and the live
      // object a stored object or null (apply that creates).
      if (!stored_shape(live) || !patch.is_object())
        return 0;
      ApplyRequest request;
      request.manager = (which & 0x80) ? "kubectl" : "hyperv-operator";
      request.api_version = "hyperv.operator.io/v1alpha1";
      request.now = "2026-12-07T19:00:00Z";
      request.force = (which & 0x40) != 0;
      try {
        (void)server_side_apply(live, patch, request).dump();
      } catch (const ApplyConflicts&) {
        // A conflict is an answer (409), not a failure.
      }
      break;
    }
  }
  return 0;
}
