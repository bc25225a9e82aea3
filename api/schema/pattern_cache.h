// Compiled `pattern` regular expressions, compiled once per distinct pattern and shared by every
// validation after that (the API server emulator validates every write of a custom resource).
#pragma once

#include <cstddef>
#include <memory>
#include <regex>
#include <string>

namespace hvo::schema {

// The compiled form of `pattern` (ECMAScript syntax, which agrees with Go's RE2 for the patterns
// CRDs use), or nullptr when it does not compile. Thread-safe; entries live for the process.
std::shared_ptr<const std::regex> compiled_pattern(const std::string& pattern);

// Longest text pattern_matches runs through the regex engine.
constexpr size_t kMaxPatternInput = 16 * 1024;

// Whether `text` contains a match of `pattern` (OpenAPI patterns are not anchored implicitly).
// A pattern that does not compile, or text longer than kMaxPatternInput, matches nothing.
bool pattern_matches(const std::string& pattern, const std::string& text);

}  // namespace hvo::schema
