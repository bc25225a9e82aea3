// The "age" strings tables show ("45s", "3m20s", "5h", "12d"), following apimachinery's
// duration.HumanDuration.
#pragma once

#include <chrono>
#include <string>

namespace hvo::apiserver {

std::string human_duration(std::chrono::seconds duration);

}  // namespace hvo::apiserver
