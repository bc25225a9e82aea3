#include "operator/store.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace hvo::kube {

// ctest names a row by what gtest prints for it: the layout's name, not its bytes. (Here, not
// in the anonymous namespace: gtest finds PrintTo by argument-dependent lookup.)
void PrintTo(StoreLayout layout, std::ostream* os) {
  *os << (layout == StoreLayout::kParsed ? "Parsed" : "Packed");
}

namespace {

using nlohmann::json;

ObjectPtr vm(const std::string& ns, const std::string& name, const std::string& tenant,
             const std::string& host) {
  json object = {{"metadata",
                  {{"namespace", ns},
                   {"name", name},
                   {"labels", {{"tenant", tenant}}},
                   {"ownerReferences", {{{"kind", "Tenant"}, {"name", tenant}}}}}},
                 {"status", {{"hostName", host}}}};
  return std::make_shared<const json>(std::move(object));
}

std::vector<std::string> names(const std::vector<ObjectPtr>& objects) {
  std::vector<std::string> out;
  for (const auto& object : objects)
    out.push_back((*object)["metadata"]["name"]);
  std::sort(out.begin(), out.end());
  return out;
}

// Every behaviour holds for both layouts: kept parsed, or packed and parsed on each read.
class StoreTest : public ::testing::TestWithParam<StoreLayout> {
 protected:
  StoreTest() {
    store.add_index("tenant", index_by_label("tenant"));
    store.add_index("host", index_by_field("/status/hostName"));
    store.add_index("owner", index_by_owner());
    store.upsert("a/web", vm("a", "web", "acme", "hv-01"));
    store.upsert("a/db", vm("a", "db", "acme", "hv-02"));
    store.upsert("b/web", vm("b", "web", "globex", "hv-01"));
  }
  Store store{GetParam()};
};

// An observer sees what is stored already, then every change in order, with both sides of it.
TEST_P(StoreTest, ObserverSeesExistingObjectsThenEveryChange) {
  std::vector<std::string> seen;
  store.add_observer(
      [&](const std::string& key, const ObjectPtr& previous, const ObjectPtr& current) {
        const std::string before = previous ? (*previous)["status"].value("hostName", "") : "-";
        const std::string after = current ? (*current)["status"].value("hostName", "") : "-";
        seen.push_back(key + ":" + before + ">" + after);
      });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"a/db:->hv-02", "a/web:->hv-01", "b/web:->hv-01"}));
  seen.clear();

  store.upsert("a/web", vm("a", "web", "acme", "hv-03"));
  store.remove("a/db");
  store.remove("a/none");  // nothing removed, nothing told
  EXPECT_EQ(seen, (std::vector<std::string>{"a/web:hv-01>hv-03", "a/db:hv-02>-"}));
}

TEST_P(StoreTest, IndexesByNamespaceLabelFieldAndOwner) {
  EXPECT_EQ(names(store.by_index(kNamespaceIndex, "a")), (std::vector<std::string>{"db", "web"}));
  EXPECT_EQ(names(store.by_index("tenant", "globex")), (std::vector<std::string>{"web"}));
  EXPECT_EQ(store.by_index("host", "hv-01").size(), 2u);
  EXPECT_EQ(store.by_index("owner", "Tenant/acme").size(), 2u);
  EXPECT_TRUE(store.by_index("host", "hv-99").empty());
  EXPECT_TRUE(store.by_index("no-such-index", "x").empty());
}

TEST_P(StoreTest, UpdateMovesAnObjectBetweenIndexValues) {
  ObjectPtr previous = store.upsert("a/web", vm("a", "web", "acme", "hv-03"));
  ASSERT_NE(previous, nullptr);
  EXPECT_EQ((*previous)["status"]["hostName"], "hv-01");  // readers keep the old version
  EXPECT_EQ(store.by_index("host", "hv-01").size(), 1u);
  EXPECT_EQ(names(store.by_index("host", "hv-03")), (std::vector<std::string>{"web"}));
}

TEST_P(StoreTest, RemoveDropsTheObjectFromEveryIndex) {
  ObjectPtr removed = store.remove("a/db");
  ASSERT_NE(removed, nullptr);
  EXPECT_EQ(store.remove("a/db"), nullptr);
  EXPECT_EQ(store.get("a/db"), nullptr);
  EXPECT_TRUE(store.by_index("host", "hv-02").empty());
  EXPECT_EQ(store.size(), 2u);
}

TEST_P(StoreTest, AnIndexAddedLaterCoversExistingObjects) {
  store.add_index("name", index_by_field("/metadata/name"));
  EXPECT_EQ(store.by_index("name", "web").size(), 2u);
}

TEST_P(StoreTest, IndexKeysAreSortedAndHandOutNothing) {
  const std::size_t before = store.objects_read();
  EXPECT_EQ(store.index_keys("host", "hv-01"), (std::vector<std::string>{"a/web", "b/web"}));
  EXPECT_TRUE(store.index_keys("host", "hv-99").empty());
  EXPECT_TRUE(store.index_keys("no-such-index", "x").empty());
  EXPECT_EQ(store.objects_read(), before);
  EXPECT_TRUE(store.has_index("host"));
  EXPECT_TRUE(store.has_index(kNamespaceIndex));
  EXPECT_FALSE(store.has_index("no-such-index"));
}

TEST_P(StoreTest, ObjectsReadCountsWhatReadsHandOut) {
  const std::size_t before = store.objects_read();
  (void)store.get("a/web");
  (void)store.get("a/missing");
  EXPECT_EQ(store.objects_read(), before + 1);
  (void)store.by_index("host", "hv-01");
  EXPECT_EQ(store.objects_read(), before + 3);
  (void)store.list();
  EXPECT_EQ(store.objects_read(), before + 6);
}

// What a packed store hands back is the object it was given, value for value.
TEST(PackedStore, ReadsGiveBackTheObjectAsStored) {
  Store store(StoreLayout::kPacked);
  const json object = {
      {"metadata", {{"name", "web"}, {"namespace", "a"}, {"resourceVersion", "42"}}},
      {"spec", {{"cpu", {{"count", 4}}}, {"ratio", 0.75}, {"big", 1LL << 40}, {"neg", -3}}},
      {"status",
       {{"ready", true},
        {"gone", nullptr},
        {"ips", {"10.0.0.1", "fe80::1"}},
        {"empty", json::object()}}}};
  store.upsert("a/web", std::make_shared<const json>(object));

  const ObjectPtr read = store.get("a/web");
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(*read, object);
  EXPECT_TRUE((*read)["spec"]["big"].is_number_integer());
  EXPECT_EQ(*store.list().at(0), object);
  EXPECT_EQ(*store.by_index(kNamespaceIndex, "a").at(0), object);
  EXPECT_EQ(store.layout(), StoreLayout::kPacked);
}

INSTANTIATE_TEST_SUITE_P(Layouts, StoreTest,
                         ::testing::Values(StoreLayout::kParsed, StoreLayout::kPacked),
                         [](const ::testing::TestParamInfo<StoreLayout>& info) {
                           return info.param == StoreLayout::kParsed ? "Parsed" : "Packed";
                         });

// A Tenant lists several namespaces: one index value each; a spec change moves it between them.
TEST(StoreStringListIndex, EveryListedValueFindsTheObject) {
  Store tenants;
  tenants.add_index("ns", index_by_string_list("/spec/namespaces"));
  const auto tenant = [](const std::string& name, json namespaces) {
    return std::make_shared<const json>(
        json{{"metadata", {{"name", name}}}, {"spec", {{"namespaces", std::move(namespaces)}}}});
  };
  tenants.upsert("acme", tenant("acme", {"a", "b"}));
  tenants.upsert("globex", tenant("globex", {"b", "c"}));
  EXPECT_EQ(tenants.index_keys("ns", "a"), (std::vector<std::string>{"acme"}));
  EXPECT_EQ(tenants.index_keys("ns", "b"), (std::vector<std::string>{"acme", "globex"}));

  tenants.upsert("acme", tenant("acme", {"d"}));
  EXPECT_TRUE(tenants.index_keys("ns", "a").empty());
  EXPECT_EQ(tenants.index_keys("ns", "b"), (std::vector<std::string>{"globex"}));
  EXPECT_EQ(tenants.index_keys("ns", "d"), (std::vector<std::string>{"acme"}));

  tenants.remove("globex");
  EXPECT_TRUE(tenants.index_keys("ns", "b").empty());
  EXPECT_TRUE(tenants.index_keys("ns", "c").empty());
  EXPECT_TRUE(
      index_by_string_list("/spec/namespaces")(json{{"spec", {{"namespaces", "a"}}}}).empty());
}

TEST(StoreIndexFuncs, IgnoreMissingOrMistypedFields) {
  const json bare = {{"metadata", {{"name", "x"}, {"ownerReferences", {{{"kind", 5}}}}}}};
  EXPECT_TRUE(index_by_namespace()(bare).empty());
  EXPECT_TRUE(index_by_label("tenant")(bare).empty());
  EXPECT_TRUE(index_by_field("/status/hostName")(bare).empty());
  EXPECT_TRUE(index_by_owner()(bare).empty());
}

}  // namespace
}  // namespace hvo::kube
