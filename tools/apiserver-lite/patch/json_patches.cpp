#include "tools/apiserver-lite/patch/json_patches.h"

namespace hvo::apiserver {

using nlohmann::json;

Result<json> apply_merge_patch(const json& target, const json& patch) {
  if (!patch.is_object()) {
    return Error(ErrorCode::kInvalidArgument, "a merge patch must be a JSON object");
  }
  json result = target;
  result.merge_patch(patch);
  return result;
}

Result<json> apply_json_patch(const json& target, const json& patch) {
  if (!patch.is_array()) {
    return Error(ErrorCode::kInvalidArgument, "a JSON patch must be a JSON array of operations");
  }
  try {
    return target.patch(patch);
  } catch (const json::exception& e) {
    return Error(ErrorCode::kInvalidArgument,
                 std::string("the JSON patch cannot apply: ") + e.what());
  }
}

}  // namespace hvo::apiserver
