// The per-host client cache and the credentials Secret decoding.
#include "controllers/agent_client_cache.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/controllers/fake_agent.h"

namespace hvo::controllers {
namespace {

// Builds a new FakeAgent per connect (so rebuilt clients are distinct) and counts connects.
class CountingConnector : public AgentConnector {
 public:
  Result<std::shared_ptr<AgentClient>> connect(const AgentEndpoint& endpoint) override {
    ++connects;
    if (endpoint.address.empty())
      return Error(ErrorCode::kInvalidArgument, "host " + endpoint.host + ": no address");
    return std::shared_ptr<AgentClient>(std::make_shared<testing::FakeAgent>(endpoint.host));
  }
  int connects = 0;
};

AgentEndpoint endpoint(const std::string& host, const std::string& version) {
  AgentEndpoint endpoint;
  endpoint.host = host;
  endpoint.address = "https://" + host + ":9443";
  endpoint.credentials_version = version;
  return endpoint;
}

TEST(AgentClientCache, ReusesTheClientWhileAddressAndCredentialsStay) {
  CountingConnector connector;
  AgentClientCache cache(connector);

  auto first = cache.get(endpoint("hv-01", "7"));
  auto second = cache.get(endpoint("hv-01", "7"));

  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first.value(), second.value());
  EXPECT_EQ(connector.connects, 1);
}

// find() lets a poll skip decoding credentials: it answers only for the same address and
// Secret version, and never connects.
TEST(AgentClientCache, FindAnswersOnlyForTheBuiltAddressAndVersion) {
  CountingConnector connector;
  AgentClientCache cache(connector);
  EXPECT_EQ(cache.find("hv-01", "https://hv-01:9443", "7"), nullptr);

  auto built = cache.get(endpoint("hv-01", "7"));
  ASSERT_TRUE(built.ok());

  EXPECT_EQ(cache.find("hv-01", "https://hv-01:9443", "7"), built.value());
  EXPECT_EQ(cache.find("hv-01", "https://hv-01:9443", "8"), nullptr);
  EXPECT_EQ(cache.find("hv-01", "https://elsewhere:9443", "7"), nullptr);
  EXPECT_EQ(cache.find("hv-02", "https://hv-01:9443", "7"), nullptr);
  EXPECT_EQ(connector.connects, 1);
}

TEST(AgentClientCache, RebuildsWhenTheSecretChanges) {
  CountingConnector connector;
  AgentClientCache cache(connector);

  auto before = cache.get(endpoint("hv-01", "7"));
  auto after = cache.get(endpoint("hv-01", "8"));

  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_NE(before.value(), after.value());
  EXPECT_EQ(connector.connects, 2);
}

TEST(AgentClientCache, RebuildsWhenTheAddressChanges) {
  CountingConnector connector;
  AgentClientCache cache(connector);
  auto moved = endpoint("hv-01", "7");
  moved.address = "https://10.0.0.9:9443";

  ASSERT_TRUE(cache.get(endpoint("hv-01", "7")).ok());
  ASSERT_TRUE(cache.get(moved).ok());

  EXPECT_EQ(connector.connects, 2);
}

TEST(AgentClientCache, KeepsOneClientPerHostAndForgets) {
  CountingConnector connector;
  AgentClientCache cache(connector);

  auto a = cache.get(endpoint("hv-01", "1"));
  auto b = cache.get(endpoint("hv-02", "1"));
  cache.forget("hv-01");
  auto a_again = cache.get(endpoint("hv-01", "1"));

  ASSERT_TRUE(a.ok() && b.ok() && a_again.ok());
  EXPECT_NE(a.value(), b.value());
  EXPECT_NE(a.value(), a_again.value());
  EXPECT_EQ(connector.connects, 3);
}

TEST(AgentClientCache, ConnectFailureIsReturnedAndNotCached) {
  CountingConnector connector;
  AgentClientCache cache(connector);
  auto broken = endpoint("hv-01", "1");
  broken.address.clear();

  auto failed = cache.get(broken);
  auto fixed = cache.get(endpoint("hv-01", "1"));

  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message(), "host hv-01: no address");
  EXPECT_TRUE(fixed.ok());
}

nlohmann::json secret_with(nlohmann::json data) {
  return {{"metadata", {{"name", "hv-01-agent"}, {"namespace", "hyperv-system"}}},
          {"data", std::move(data)}};
}

TEST(AgentCredentials, DecodesEveryKeyAndTrimsTheTokenNewline) {
  // "ca", "cert", "key", "s3cret\n" in base64.
  const auto secret = secret_with({{"ca.crt", "Y2E="},
                                   {"tls.crt", "Y2VydA=="},
                                   {"tls.key", "a2V5"},
                                   {"token", "czNjcmV0Cg=="}});

  auto credentials = credentials_from_secret(secret);

  ASSERT_TRUE(credentials.ok()) << credentials.error().message();
  EXPECT_EQ(credentials->ca_pem, "ca");
  EXPECT_EQ(credentials->cert_pem, "cert");
  EXPECT_EQ(credentials->key_pem, "key");
  EXPECT_EQ(credentials->token, "s3cret");
}

TEST(AgentCredentials, MissingKeyIsNamedWithTheSecret) {
  const auto secret =
      secret_with({{"ca.crt", "Y2E="}, {"tls.crt", "Y2VydA=="}, {"tls.key", "a2V5"}});

  auto credentials = credentials_from_secret(secret);

  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(credentials.error().message(),
            "secret hyperv-system/hv-01-agent: key token is missing");
}

TEST(AgentCredentials, UndecodableKeyIsNamedWithoutItsContent) {
  const auto secret = secret_with(
      {{"ca.crt", "Y2E="}, {"tls.crt", "Y2VydA=="}, {"tls.key", "not base64!"}, {"token", "eA=="}});

  auto credentials = credentials_from_secret(secret);

  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().message(),
            "secret hyperv-system/hv-01-agent: key tls.key is not valid base64");
}

}  // namespace
}  // namespace hvo::controllers
