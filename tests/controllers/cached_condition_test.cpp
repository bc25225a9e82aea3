// Conditions read straight from a cached object's JSON (controllers/conditions.h), as informer
// handlers and cache observers do.
#include <gtest/gtest.h>

#include "controllers/conditions.h"

namespace hvo::controllers {
namespace {

using k8s::Json;

TEST(CachedCondition, FindsTheConditionOfAType) {
  const Json vm = Json::parse(R"({"status": {"conditions": [
      {"type": "QuotaReserved", "status": "True", "reason": "Reserved"},
      {"type": "Ready", "status": "False", "reason": "QuotaExceeded"}]}})");

  EXPECT_EQ(cached_condition_status(vm, condition_type::kQuotaReserved), "True");
  EXPECT_EQ(cached_condition_status(vm, condition_type::kReady), "False");
  ASSERT_NE(cached_condition(vm, condition_type::kReady), nullptr);
  EXPECT_EQ(cached_condition(vm, condition_type::kReady)->value("reason", ""), "QuotaExceeded");
  EXPECT_EQ(cached_condition(vm, condition_type::kProvisioned), nullptr);
  EXPECT_EQ(cached_condition_status(vm, condition_type::kProvisioned), "");
}

TEST(CachedCondition, MissingOrMistypedStatusHasNoCondition) {
  for (const char* text :
       {R"({})", R"({"status": null})", R"({"status": {"conditions": {"type": "Ready"}}})",
        R"({"status": {"conditions": ["Ready", 3, null]}})"}) {
    EXPECT_EQ(cached_condition(Json::parse(text), condition_type::kReady), nullptr) << text;
  }
}

}  // namespace
}  // namespace hvo::controllers
