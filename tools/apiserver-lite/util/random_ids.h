// Random identifiers the server hands out: object UIDs (UUID v4) and generateName suffixes
// (five characters from the alphabet apimachinery uses, without vowels and look-alikes).
#pragma once

#include <string>

namespace hvo::apiserver {

std::string random_uuid();
std::string random_name_suffix();

}  // namespace hvo::apiserver
