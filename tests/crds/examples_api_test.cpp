// Every example, as the API server would store it (pruned and defaulted by its CRD schema), read
// into the operator's C++ types (api/v1alpha1), passing their semantic validation, and written
// back unchanged.
#include <string>

#include <gtest/gtest.h>

#include "api/schema/structural_schema.h"
#include "api/v1alpha1/validation.h"
#include "tests/crds/manifest_files.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

json as_stored(const json& object) {
  static const auto crds = crds_by_kind();
  json stored = object;
  const json& schema = openapi_schema(crds.at(object["kind"].get<std::string>()));
  schema::prune(schema, stored);
  schema::apply_defaults(schema, stored);
  return stored;
}

template <typename Kind>
void expect_parses_validates_and_round_trips(const Manifest& m) {
  const json stored = as_stored(m.object);
  auto parsed = Kind::from_json(stored);
  ASSERT_TRUE(parsed.ok()) << m.label() << ": " << parsed.error().message();
  const auto problems = api::validate(*parsed);
  std::string listed;
  for (const auto& p : problems)
    listed += "\n  " + p.to_string();
  EXPECT_TRUE(problems.empty()) << m.label() << listed;
  EXPECT_EQ(parsed->to_json(), stored) << m.label();
}

TEST(ExamplesAsApiTypes, EveryCustomResourceParsesValidatesAndRoundTrips) {
  int parsed = 0;
  for (const Manifest& m : load_manifests(examples_dir())) {
    const std::string kind = m.object.value("kind", "");
    if (kind == "VirtualMachine") {
      expect_parses_validates_and_round_trips<api::VirtualMachine>(m);
    } else if (kind == "HyperVHost") {
      expect_parses_validates_and_round_trips<api::HyperVHost>(m);
    } else if (kind == "Tenant") {
      expect_parses_validates_and_round_trips<api::Tenant>(m);
    } else if (kind == "Quota") {
      expect_parses_validates_and_round_trips<api::Quota>(m);
    } else {
      continue;  // Namespace and Secret are core objects, not the operator's types
    }
    ++parsed;
  }
  EXPECT_GE(parsed, 7);
}

}  // namespace
}  // namespace hvo::testing
