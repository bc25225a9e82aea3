// SecretCache against the runtime's in-memory API server: once a namespace is watched, reads
// come from the cache (no GET per poll), a rotated Secret reaches the change handler, and only
// the namespaces that were asked for are watched. Waits are bounded polls, never sleeps.
#include "controllers/secret_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "controllers/event_routing.h"
#include "tests/runtime/fake_api_server.h"

namespace hvo::controllers {
namespace {

using kube::testing::FakeApiServer;

const std::string kSecretsPath = "/api/v1/namespaces/hyperv-system/secrets/";

k8s::Json secret(const std::string& name, const std::string& token) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", name}, {"namespace", "hyperv-system"}}},
          {"data", {{"token", token}}}};
}

template <typename Predicate>
bool eventually(Predicate predicate) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return predicate();
}

// Counts the fallback's reads (the GETs the cache did not save).
class CountingFallback : public SecretSource {
 public:
  explicit CountingFallback(FakeApiServer& server) : server_(server) {}
  Result<kube::ObjectPtr> secret(const std::string& ns, const std::string& name) override {
    ++reads;
    auto found = server_.object("/api/v1/namespaces/" + ns + "/secrets/" + name);
    if (!found)
      return Error(ErrorCode::kNotFound, name + " not found");
    return kube::ObjectPtr(std::make_shared<const k8s::Json>(*found));
  }
  std::atomic<int> reads{0};

 private:
  FakeApiServer& server_;
};

class SecretCacheTest : public ::testing::Test {
 protected:
  int list_or_watch_requests(const std::string& path_part) {
    int count = 0;
    for (const auto& request : server->requests())
      count += request.path.find(path_part) != std::string::npos;
    return count;
  }

  std::shared_ptr<FakeApiServer> server = std::make_shared<FakeApiServer>();
  metrics::Registry registry;
  kube::RestClient client{server, "https://fake:6443", nullptr, registry};
  CountingFallback fallback{*server};
  std::mutex mu;
  std::vector<std::string> changed;
  SecretCache cache{client, fallback, [this](const k8s::Json& object) {
                      std::lock_guard<std::mutex> lock(mu);
                      changed.push_back(object["metadata"]["name"].get<std::string>() + "@" +
                                        object["data"].value("token", ""));
                    }};
  bool saw(const std::string& entry) {
    std::lock_guard<std::mutex> lock(mu);
    return std::find(changed.begin(), changed.end(), entry) != changed.end();
  }
};

TEST_F(SecretCacheTest, ReadsComeFromTheCacheOnceTheNamespaceSynced) {
  server->put_object(kSecretsPath + "hv-01-credentials", secret("hv-01-credentials", "dG9rZW4="));

  auto first = cache.secret("hyperv-system", "hv-01-credentials");  // starts the watch
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(eventually([&] { return cache.synced("hyperv-system"); }));
  const int fallback_reads = fallback.reads;
  for (int poll = 0; poll < 20; ++poll) {
    auto read = cache.secret("hyperv-system", "hv-01-credentials");
    ASSERT_TRUE(read.ok());
    EXPECT_EQ((**read)["data"]["token"], "dG9rZW4=");
  }

  EXPECT_EQ(fallback.reads, fallback_reads);
  auto missing = cache.secret("hyperv-system", "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_F(SecretCacheTest, RotatedSecretReachesTheHandlerAndTheNextRead) {
  server->put_object(kSecretsPath + "hv-01-credentials", secret("hv-01-credentials", "b2xk"));
  (void)cache.secret("hyperv-system", "hv-01-credentials");
  ASSERT_TRUE(eventually([&] { return cache.synced("hyperv-system"); }));

  server->put_object(kSecretsPath + "hv-01-credentials", secret("hv-01-credentials", "bmV3"));

  EXPECT_TRUE(eventually([&] { return saw("hv-01-credentials@bmV3"); }));
  EXPECT_TRUE(eventually([&] {
    auto read = cache.secret("hyperv-system", "hv-01-credentials");
    return read.ok() && (**read)["data"]["token"] == "bmV3";
  }));
}

TEST_F(SecretCacheTest, OnlyNamespacesAskedForAreWatched) {
  server->put_object("/api/v1/namespaces/team-a/secrets/private", secret("private", "eA=="));
  (void)cache.secret("hyperv-system", "hv-01-credentials");
  ASSERT_TRUE(eventually([&] { return cache.synced("hyperv-system"); }));

  EXPECT_FALSE(cache.synced("team-a"));
  EXPECT_EQ(list_or_watch_requests("/namespaces/team-a/"), 0);
  EXPECT_EQ(list_or_watch_requests("/api/v1/secrets"), 0);  // never cluster-wide
  EXPECT_FALSE(saw("private@eA=="));
}

TEST(SecretRouting, ChangedSecretRequeuesTheHostsThatNameIt) {
  kube::Store hosts;
  const auto host = [](const std::string& name, const std::string& secret_name) {
    return std::make_shared<const k8s::Json>(k8s::Json{
        {"metadata", {{"name", name}}},
        {"spec",
         {{"credentialsSecretRef", {{"name", secret_name}, {"namespace", "hyperv-system"}}}}}});
  };
  hosts.upsert("hv-01", host("hv-01", "shared"));
  hosts.upsert("hv-02", host("hv-02", "own"));
  hosts.upsert("hv-03", host("hv-03", "shared"));
  std::vector<std::string> enqueued;

  enqueue_hosts_using_secret(hosts, secret("shared", ""),
                             [&](const std::string& key) { enqueued.push_back(key); });

  std::sort(enqueued.begin(), enqueued.end());
  EXPECT_EQ(enqueued, (std::vector<std::string>{"hv-01", "hv-03"}));
}

}  // namespace
}  // namespace hvo::controllers
