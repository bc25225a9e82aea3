// Splits a log message written as `event_name key=value key2="quoted value"` into its event name
// and fields, so JSON logs carry them as fields a log pipeline can filter on. Pure logic.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hvo::logging {

struct MessageFields {
  std::string event;  // the first word, when it is not itself a key=value pair
  std::vector<std::pair<std::string, std::string>> fields;  // in message order, unquoted
};

// Keys are [A-Za-z0-9_.-/]+. A value is a double-quoted string (\" and \\ escapes) or runs to
// the next space. Words that are not key=value pairs (free text) are left out of `fields`.
MessageFields parse_message_fields(std::string_view message);

}  // namespace hvo::logging
