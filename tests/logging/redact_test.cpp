#include "common/logging/redact.h"

#include <gtest/gtest.h>

namespace hvo::logging {
namespace {

TEST(IsSensitiveKey, RecognisesSecretNamesAndNotOrdinaryOnes) {
  for (const char* key : {"token", "bearer_token", "Authorization", "password", "client-key-data",
                          "clientKeyData", "secretValue", "Cookie", "tls.key_pem", "private_key",
                          "X-Auth-Token", "credentials", "secretName"}) {
    EXPECT_TRUE(is_sensitive_key(key)) << key;
  }
  for (const char* key : {"key", "vm", "resource", "host", "keyspace", "namespace", "monkey"}) {
    EXPECT_FALSE(is_sensitive_key(key)) << key;
  }
}

TEST(Redact, MasksValuesOfSensitiveKeysOnly) {
  EXPECT_EQ(redact("Authorization", "Bearer abc"), kRedacted);
  EXPECT_EQ(redact("Content-Type", "application/json"), "application/json");
}

struct ScrubCase {
  const char* name;
  std::string message;
  std::string want;
};

TEST(ScrubMessage, MasksSecretValuesAndBearerCredentials) {
  const ScrubCase cases[] = {
      {"plain pair", "login user=bob password=hunter2 ok=1",
       "login user=bob password=<redacted> ok=1"},
      {"quoted value", R"(cfg token="a b c" host=h)", "cfg token=<redacted> host=h"},
      {"bearer in free text", "header Authorization: Bearer eyJhbGciOi.x.y seen",
       "header Authorization: Bearer <redacted> seen"},
      {"bearer inside a quoted value", R"(req auth="Bearer abc" x=1)",
       R"(req auth="Bearer <redacted>" x=1)"},
      {"ordinary message untouched", "watch_restarted resource=vms reason=\"410 Gone\"",
       "watch_restarted resource=vms reason=\"410 Gone\""},
      {"key inside a value is not a key", "evt path=/a=token=b", "evt path=/a=token=b"},
      {"secret at the start", "token=abc", "token=<redacted>"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(scrub_message(c.message), c.want) << c.name;
}

}  // namespace
}  // namespace hvo::logging
