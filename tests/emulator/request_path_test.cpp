#include "tools/apiserver-lite/rest/request_path.h"

#include <gtest/gtest.h>

namespace hvo::apiserver {
namespace {

struct PathCase {
  const char* name;
  const char* path;
  bool resource;
  ResourcePath expected;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const PathCase& c, std::ostream* os) {
  *os << c.name;
}

class RequestPathTest : public ::testing::TestWithParam<PathCase> {};

TEST_P(RequestPathTest, Splits) {
  const auto& c = GetParam();
  auto parsed = parse_resource_path(c.path);
  ASSERT_EQ(parsed.has_value(), c.resource);
  if (!c.resource)
    return;
  EXPECT_EQ(parsed->group, c.expected.group);
  EXPECT_EQ(parsed->version, c.expected.version);
  EXPECT_EQ(parsed->ns, c.expected.ns);
  EXPECT_EQ(parsed->plural, c.expected.plural);
  EXPECT_EQ(parsed->name, c.expected.name);
  EXPECT_EQ(parsed->subresource, c.expected.subresource);
}

INSTANTIATE_TEST_SUITE_P(
    Paths, RequestPathTest,
    ::testing::Values(
        PathCase{
            "core_collection", "/api/v1/namespaces", true, {"", "v1", "", "namespaces", "", ""}},
        PathCase{"namespace_object",
                 "/api/v1/namespaces/a",
                 true,
                 {"", "v1", "", "namespaces", "a", ""}},
        PathCase{"namespace_status",
                 "/api/v1/namespaces/a/status",
                 true,
                 {"", "v1", "", "namespaces", "a", "status"}},
        PathCase{"namespaced_collection",
                 "/api/v1/namespaces/a/configmaps",
                 true,
                 {"", "v1", "a", "configmaps", "", ""}},
        PathCase{"cr_object_status",
                 "/apis/g.io/v1/namespaces/a/things/x/status",
                 true,
                 {"g.io", "v1", "a", "things", "x", "status"}},
        PathCase{
            "cluster_cr", "/apis/g.io/v1/hosts/h1", true, {"g.io", "v1", "", "hosts", "h1", ""}},
        PathCase{
            "all_namespaces", "/apis/g.io/v1/things", true, {"g.io", "v1", "", "things", "", ""}},
        PathCase{"discovery_group", "/apis/g.io/v1", false, {}},
        PathCase{"too_deep", "/apis/g.io/v1/namespaces/a/things/x/status/more", false, {}},
        PathCase{"not_api", "/healthz", false, {}}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace hvo::apiserver
