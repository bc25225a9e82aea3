// The API group and version of the four kinds.
#pragma once

namespace hvo::api {

inline constexpr const char* kGroup = "hyperv.operator.io";
inline constexpr const char* kVersion = "v1alpha1";
inline constexpr const char* kApiVersion = "hyperv.operator.io/v1alpha1";

}  // namespace hvo::api
