// `promtool check metrics` (Debian's prometheus package) over an exposition text: the real
// parser and linter. Shared by the registry's tests and the agent's live-scrape test.
#pragma once

#include <string>

namespace hvo::metrics::testing {

struct PromtoolVerdict {
  bool passed = false;
  std::string report;  // what promtool printed
};

// Writes `exposition` to a file and runs promtool with it on stdin. Fails the calling test
// (never skips it) when promtool is not installed or does not finish.
PromtoolVerdict promtool_check(const std::string& exposition);

}  // namespace hvo::metrics::testing
