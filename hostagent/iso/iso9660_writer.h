// Writes a small ISO 9660 image with a Joliet supplementary tree, entirely in memory: enough for
// a cloud-init NoCloud seed (a handful of files in the root directory). The Joliet tree keeps the
// exact lower-case names ("user-data"); the primary tree carries 8.3 upper-case aliases for
// readers without Joliet.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "common/status.h"

namespace hvo::agent {

struct IsoFile {
  std::string name;     // [A-Za-z0-9._-], 1..64 characters, unique
  std::string content;  // any bytes
};

struct IsoImageSpec {
  std::string volume_id;  // up to 16 characters of [A-Za-z0-9_], e.g. "cidata"
  std::vector<IsoFile> files;
  std::time_t recorded_at = 0;  // volume and file timestamps (UTC); fixed time, same bytes
};

inline constexpr std::size_t kIsoSectorBytes = 2048;

// The image bytes, or kInvalidArgument naming the bad volume id or file name.
Result<std::string> build_iso9660(const IsoImageSpec& spec);

}  // namespace hvo::agent
