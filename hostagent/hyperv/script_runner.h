// Runs one of the agent's fixed PowerShell scripts with a JSON input and returns its JSON
// result. The script is named from a closed set, never by text from a request, and the input
// travels as data (stdin or a framed request line), never as script text or a command-line
// argument.
#pragma once

#include <chrono>
#include <string>

#include "hostagent/protocol/agent_result.h"

namespace hvo::agent {

enum class Script { kHostInfo, kInventory, kEnsure, kPower, kRemove, kUsage, kMigrate };
// "host-info", "inventory", "ensure", "power", "remove", "usage", "migrate"
const char* script_name(Script script);

class ScriptRunner {
 public:
  virtual ~ScriptRunner() = default;
  // The script's `result` as JSON text, or its error (code, message, detail) as it reported it;
  // Timeout / DriverError when PowerShell itself failed. `waits` is time the script spends
  // waiting on purpose (a guest's shutdown): it is added to the runner's own call timeout, so a
  // slow guest is never mistaken for a hung worker.
  virtual AgentResult<std::string> run(Script script, const std::string& input_json,
                                       std::chrono::milliseconds waits) = 0;
  AgentResult<std::string> run(Script script, const std::string& input_json) {
    return run(script, input_json, std::chrono::milliseconds(0));
  }
};

// Reads a script's reply line {"ok":true,"result":…} / {"ok":false,"error":{…}}; a reply that is
// not of that shape is a DriverError quoting it.
AgentResult<std::string> parse_script_reply(const std::string& line, Script script);

}  // namespace hvo::agent
