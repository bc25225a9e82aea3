#include "fuzz/fuzz_input.h"

#include <cstdio>
#include <cstdlib>

namespace hvo::fuzz {

void property_failed(const char* target, const std::string& what) {
  std::fprintf(stderr, "fuzz target %s: property failed: %s\n", target, what.c_str());
  std::abort();
}

}  // namespace hvo::fuzz
