// The agent's other request inputs: the power body (POST /v1/vms/{uid}/power), the operation and
// error bodies the operator's client decodes, the route matcher and the Authorization header.
// The first byte picks the decoder, the rest is its input.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz/fuzz_input.h"
#include "hostagent/protocol/operation.h"
#include "hostagent/server/bearer_token.h"
#include "hostagent/server/route.h"

namespace {
constexpr const char* kTarget = "agent_requests";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace hvo::agent;
  hvo::fuzz::FuzzInput input(data, size);
  const uint8_t which = input.take_byte();
  const std::string_view rest = input.rest();
  switch (which % 5) {
    case 0: {
      auto request = parse_power_request(rest);
      if (request.ok()) {
        // What the operator's client sends must decode to the same request.
        nlohmann::json wire;
        to_json(wire, *request);
        auto again = parse_power_request(wire.dump());
        HVO_FUZZ_CHECK(kTarget, again.ok(), "power request round trip: " + wire.dump());
        HVO_FUZZ_CHECK(
            kTarget,
            again->action == request->action && again->timeout_seconds == request->timeout_seconds,
            "power request changed on a round trip: " + wire.dump());
      }
      break;
    }
    case 1: {
      auto operation = parse_operation(rest);
      if (operation.ok()) {
        nlohmann::json wire;
        to_json(wire, *operation);
        auto again = parse_operation(wire.dump());
        HVO_FUZZ_CHECK(kTarget, again.ok(), "operation round trip: " + wire.dump());
      }
      break;
    }
    case 2:
      (void)parse_error_body(rest);
      break;
    case 3: {
      const RouteMatch match = match_route(rest);
      HVO_FUZZ_CHECK(kTarget, match.label != nullptr, "a route without a metrics label");
      break;
    }
    default: {
      auto token = bearer_token(rest);
      if (token)
        HVO_FUZZ_CHECK(kTarget, constant_time_equals(*token, std::string(*token)),
                       "a token does not equal itself");
      break;
    }
  }
  return 0;
}
