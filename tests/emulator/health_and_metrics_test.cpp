#include <gtest/gtest.h>

#include "tools/apiserver-lite/server/health_checks.h"
#include "tools/apiserver-lite/server/request_metrics.h"

namespace hvo::apiserver {
namespace {

net::HttpRequest get(const std::string& path, const std::string& raw_query = "") {
  net::HttpRequest request;
  request.path = path;
  request.raw_query = raw_query;
  request.query = net::decode_query(raw_query);
  return request;
}

std::vector<HealthCheck> checks(bool etcd_healthy) {
  auto ok = [] { return std::optional<std::string>(); };
  return {{"ping", ok}, {"log", ok}, {"etcd", [etcd_healthy]() -> std::optional<std::string> {
                                        if (etcd_healthy)
                                          return std::nullopt;
                                        return std::string("etcd is away");
                                      }}};
}

TEST(HealthChecks, RootIsOkOrVerbose) {
  auto plain = serve_health(get("/livez"), checks(true));
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, "ok");
  EXPECT_EQ(plain.header("Content-Type"), "text/plain; charset=utf-8");
  auto verbose = serve_health(get("/livez", "verbose"), checks(true));
  EXPECT_EQ(verbose.status, 200);
  EXPECT_EQ(verbose.body, "[+]ping ok\n[+]log ok\n[+]etcd ok\nlivez check passed\n");
}

TEST(HealthChecks, AFailureIsAlwaysVerboseAnd500) {
  auto failed = serve_health(get("/readyz"), checks(false));
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(failed.body,
            "[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\nreadyz check failed\n");
}

TEST(HealthChecks, ExcludedChecksAreSkippedAndUnknownOnesWarned) {
  auto response = serve_health(get("/healthz", "verbose&exclude=etcd&exclude=nope"), checks(false));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body,
            "[+]ping ok\n[+]log ok\n[+]etcd excluded: ok\n"
            "warn: some health checks cannot be excluded: no matches for \"nope\"\n"
            "healthz check passed\n");
}

TEST(HealthChecks, EachCheckHasItsOwnPath) {
  auto ping = serve_health(get("/livez/ping"), checks(false));
  EXPECT_EQ(ping.status, 200);
  EXPECT_EQ(ping.body, "ok");
  auto etcd = serve_health(get("/readyz/etcd"), checks(false));
  EXPECT_EQ(etcd.status, 500);
  EXPECT_EQ(etcd.body, "internal server error: etcd is away\n");
  EXPECT_EQ(serve_health(get("/livez/nothing"), checks(true)).status, 404);
  EXPECT_TRUE(is_health_path("/readyz/etcd"));
  EXPECT_TRUE(is_health_path("/healthz"));
  EXPECT_FALSE(is_health_path("/livezz"));
  EXPECT_FALSE(is_health_path("/livez/"));
}

TEST(RequestMetrics, LabelsFollowUpstream) {
  struct Case {
    const char* name;
    const char* method;
    const char* path;
    const char* query;
    const char* content_type;
    int code;
    std::vector<std::string> labels;  // code component dry_run group resource scope
                                      // subresource verb version
  };
  const Case cases[] = {
      {"list",
       "GET",
       "/apis/example.io/v1/namespaces/a/widgets",
       "",
       "",
       200,
       {"200", "apiserver", "", "example.io", "widgets", "namespace", "", "LIST", "v1"}},
      {"watch_all",
       "GET",
       "/apis/example.io/v1/widgets",
       "watch=True",
       "",
       200,
       {"200", "apiserver", "", "example.io", "widgets", "cluster", "", "WATCH", "v1"}},
      {"get_status",
       "GET",
       "/apis/example.io/v1/namespaces/a/widgets/w/status",
       "",
       "",
       404,
       {"404", "apiserver", "", "example.io", "widgets", "resource", "status", "GET", "v1"}},
      {"create_dry",
       "POST",
       "/api/v1/namespaces/a/configmaps",
       "dryRun=All",
       "",
       201,
       {"201", "apiserver", "All", "", "configmaps", "namespace", "", "POST", "v1"}},
      {"apply",
       "PATCH",
       "/apis/example.io/v1/namespaces/a/widgets/w",
       "fieldManager=m",
       "application/apply-patch+yaml",
       200,
       {"200", "apiserver", "", "example.io", "widgets", "resource", "", "APPLY", "v1"}},
      {"merge",
       "PATCH",
       "/apis/example.io/v1/namespaces/a/widgets/w",
       "",
       "application/merge-patch+json",
       200,
       {"200", "apiserver", "", "example.io", "widgets", "resource", "", "PATCH", "v1"}},
      {"delete_collection",
       "DELETE",
       "/api/v1/namespaces/a/configmaps",
       "",
       "",
       405,
       {"405", "apiserver", "", "", "configmaps", "namespace", "", "DELETECOLLECTION", "v1"}},
      {"namespace",
       "DELETE",
       "/api/v1/namespaces/a",
       "",
       "",
       200,
       {"200", "apiserver", "", "", "namespaces", "resource", "", "DELETE", "v1"}},
      {"non_resource",
       "GET",
       "/readyz",
       "",
       "",
       200,
       {"200", "", "", "", "", "", "/readyz", "GET", ""}},
  };
  for (const auto& c : cases) {
    net::HttpRequest request = get(c.path, c.query);
    request.method = c.method;
    if (*c.content_type)
      request.headers["Content-Type"] = c.content_type;
    EXPECT_EQ(request_metric_labels(request, c.code), c.labels) << c.name;
  }
}

TEST(RequestMetrics, CountsRequestsInTheExposition) {
  RequestMetrics metrics;
  metrics.record(get("/apis/example.io/v1/namespaces/a/widgets"), 200);
  metrics.record(get("/apis/example.io/v1/namespaces/a/widgets"), 200);
  const std::string text = metrics.expose();
  EXPECT_NE(text.find("# TYPE apiserver_request_total counter"), std::string::npos) << text;
  EXPECT_NE(text.find("apiserver_request_total{code=\"200\",component=\"apiserver\",dry_run=\"\","
                      "group=\"example.io\",resource=\"widgets\",scope=\"namespace\","
                      "subresource=\"\",verb=\"LIST\",version=\"v1\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("process_start_time_seconds"), std::string::npos);
}

}  // namespace
}  // namespace hvo::apiserver
