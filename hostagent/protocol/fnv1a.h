// 64-bit FNV-1a over a sequence of fields, as 16 hex digits: the fingerprints the agent and the
// operator compare (inventory digest, applied-spec hash). Not a security hash: a collision only
// delays noticing a change.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace hvo::agent {

class Fnv1a {
 public:
  // Each field ends with a NUL, so ("ab","c") and ("a","bc") hash apart.
  void add(const std::string& field) {
    for (const char c : field)
      mix(static_cast<unsigned char>(c));
    mix(0);
  }
  std::string hex() const {
    char text[17];
    std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(hash_));
    return text;
  }

 private:
  void mix(unsigned char byte) {
    hash_ ^= byte;
    hash_ *= 0x100000001b3ULL;
  }
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace hvo::agent
