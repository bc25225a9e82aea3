// Kubernetes value parsers: resource quantities ("8Gi", "1500m", "1e3"), label selector text
// (the labelSelector= query parameter) and label selector JSON (matchLabels/matchExpressions).
// The first byte picks the parser. Printing must round-trip: what a parsed value prints parses
// back to the same value and prints the same (quotas and statuses are written in printed form).
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/k8s/json_codec.h"
#include "api/k8s/label_selector.h"
#include "api/k8s/quantity.h"
#include "api/k8s/selector.h"
#include "fuzz/fuzz_input.h"

namespace {

constexpr const char* kTarget = "quantity_selector";

void quantities(hvo::fuzz::FuzzInput& input) {
  using hvo::k8s::Quantity;
  const std::string_view first_text = input.take_until('\n');
  auto first = Quantity::parse(first_text);
  if (!first.ok())
    return;
  const std::string printed = first->to_string();
  auto reparsed = Quantity::parse(printed);
  HVO_FUZZ_CHECK(
      kTarget, reparsed.ok(),
      "quantity " + std::string(first_text) + " prints " + printed + ", which does not parse");
  HVO_FUZZ_CHECK(kTarget, *reparsed == *first && reparsed->to_string() == printed,
                 "quantity " + std::string(first_text) + " prints " + printed +
                     ", which parses to " + reparsed->to_string());
  (void)first->value();
  (void)first->milli_value();
  (void)first->negated();
  auto second = Quantity::parse(input.rest());
  if (!second.ok())
    return;
  (void)first->compare(*second);
  auto sum = first->add(*second);
  if (sum.ok()) {
    auto back = sum->sub(*second);
    if (back.ok())
      HVO_FUZZ_CHECK(kTarget, *back == *first,
                     "(a + b) - b != a for a=" + printed + " b=" + second->to_string());
  }
}

void selector_text(std::string_view text) {
  using hvo::k8s::Selector;
  auto selector = Selector::parse(text);
  if (!selector.ok())
    return;
  const std::string printed = selector->to_string();
  auto reparsed = Selector::parse(printed);
  HVO_FUZZ_CHECK(kTarget, reparsed.ok(),
                 "selector " + std::string(text) + " prints " + printed + ", which does not parse");
  HVO_FUZZ_CHECK(kTarget, reparsed->to_string() == printed,
                 "selector " + printed + " prints " + reparsed->to_string() + " once reparsed");
  (void)selector->matches({{"app", "web"}, {"tier", "frontend"}, {"zone", "a"}});
}

void selector_json(std::string_view text) {
  using namespace hvo::k8s;
  auto json = parse_json(text, "selector");
  if (!json.ok())
    return;
  FieldErrors errors;
  LabelSelector selector;
  decode(*json, "selector", errors, selector);
  if (!errors.empty())
    return;
  const bool valid = validate(selector, "selector").empty();
  auto converted = to_selector(selector);
  HVO_FUZZ_CHECK(kTarget, converted.ok() == valid,
                 "validate() and to_selector() disagree on " + json->dump());
  auto printed = to_string(selector);
  if (printed.ok()) {
    // The text form is what the operator sends as labelSelector=; the server must read it back.
    auto reparsed = Selector::parse(*printed);
    HVO_FUZZ_CHECK(
        kTarget, reparsed.ok(),
        "label selector " + json->dump() + " prints " + *printed +
            ", which does not parse: " + (reparsed.ok() ? "" : reparsed.error().message()));
  }
  (void)matches(selector, {{"app", "web"}, {"zone", "a"}});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  hvo::fuzz::FuzzInput input(data, size);
  switch (input.take_byte() % 3) {
    case 0:
      quantities(input);
      break;
    case 1:
      selector_text(input.rest());
      break;
    default:
      selector_json(input.rest());
      break;
  }
  return 0;
}
