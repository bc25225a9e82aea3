#include "api/schema/pattern_cache.h"

#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace hvo::schema {
namespace {

struct Cache {
  std::shared_mutex mutex;
  // nullptr values remember patterns that failed to compile, so they are not retried each time.
  std::unordered_map<std::string, std::shared_ptr<const std::regex>> entries;
};

Cache& cache() {
  static Cache instance;
  return instance;
}

}  // namespace

std::shared_ptr<const std::regex> compiled_pattern(const std::string& pattern) {
  Cache& c = cache();
  {
    std::shared_lock lock(c.mutex);
    auto it = c.entries.find(pattern);
    if (it != c.entries.end())
      return it->second;
  }
  std::shared_ptr<const std::regex> compiled;
  try {
    compiled = std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    compiled = nullptr;
  }
  std::unique_lock lock(c.mutex);
  return c.entries.emplace(pattern, compiled).first->second;
}

bool pattern_matches(const std::string& pattern, const std::string& text) {
  // libstdc++'s regex engine recurses once per character; on very long input that would exhaust
  // the stack. Patterns in CRDs guard short fields (names, quantities), so longer text is
  // reported as not matching instead of being run through the engine.
  if (text.size() > kMaxPatternInput)
    return false;
  const auto re = compiled_pattern(pattern);
  if (!re)
    return false;
  try {
    return std::regex_search(text, *re);
  } catch (const std::regex_error&) {
    // libstdc++ throws error_complexity / error_stack on pathological input: treat as no match.
    return false;
  }
}

}  // namespace hvo::schema
