#include "hostagent/hyperv/script_runner.h"

#include <nlohmann/json.hpp>

namespace hvo::agent {

const char* script_name(Script script) {
  switch (script) {
    case Script::kHostInfo:
      return "host-info";
    case Script::kInventory:
      return "inventory";
    case Script::kEnsure:
      return "ensure";
    case Script::kPower:
      return "power";
    case Script::kRemove:
      return "remove";
    case Script::kUsage:
      return "usage";
    case Script::kMigrate:
      return "migrate";
  }
  return "unknown";
}

AgentResult<std::string> parse_script_reply(const std::string& line, Script script) {
  const auto reply = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  const std::string what = std::string("script ") + script_name(script);
  if (!reply.is_object() || !reply.contains("ok") || !reply["ok"].is_boolean()) {
    return make_error(AgentErrorCode::kDriverError,
                      what +
                          " answered with something else than "
                          "a reply object",
                      line.substr(0, 2000));
  }
  if (reply["ok"].get<bool>()) {
    return reply.contains("result") ? reply["result"].dump() : std::string("null");
  }
  ErrorBody error = reply.contains("error") && reply["error"].is_object()
                        ? reply["error"].get<ErrorBody>()
                        : make_error(AgentErrorCode::kDriverError, "failed without details");
  return error.with_context(what);
}

}  // namespace hvo::agent
