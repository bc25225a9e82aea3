// /livez, /readyz and /healthz with their individual checks as kube-apiserver serves them (the
// endpoints themselves to anyone, the individual checks only to whom RBAC grants them);
// /metrics counts requests in apiserver_request_total.
#include "tests/emulator/e2e/emulator_fixture.h"

namespace hvo::testing {
namespace {

class HealthAndMetrics : public EmulatorTest {
 protected:
  net::HttpResponse anonymous(const std::string& path) {
    auto request = plane().request("GET", path);
    request.headers.erase("Authorization");
    auto response = plane().http_client()->send(request);
    EXPECT_TRUE(response.ok()) << path;
    return response.ok() ? *response : net::HttpResponse{0, {}, ""};
  }

  // The value of the apiserver_request_total series with exactly these labels (0 when absent).
  double requests(const std::string& labels) {
    const auto response = send("GET", "/metrics");
    EXPECT_EQ(response.status, 200);
    const std::string series = "apiserver_request_total{" + labels + "} ";
    const auto at = response.body.find(series);
    if (at == std::string::npos)
      return 0;
    return std::stod(response.body.substr(at + series.size()));
  }
};

TEST_F(HealthAndMetrics, IndividualChecksAnswerWhomRbacAllows) {
  for (const char* path : {"/livez/ping", "/livez/log", "/livez/etcd", "/readyz/etcd",
                           "/readyz/etcd-readiness", "/readyz/shutdown", "/healthz/ping"}) {
    const auto response = send("GET", path);  // the admin, system:masters
    EXPECT_EQ(response.status, 200) << path;
    EXPECT_EQ(response.body, "ok") << path;
  }
  EXPECT_EQ(send("GET", "/livez/nothing").status, 404);
  EXPECT_EQ(anonymous("/livez").body, "ok");
  // system:public-info-viewer grants the anonymous user /livez, /readyz, /healthz and /version
  // only, not the individual checks (upstream's system:monitoring role does).
  const auto refused = anonymous("/livez/ping");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(nlohmann::json::parse(refused.body).value("message", ""),
            "forbidden: User \"system:anonymous\" cannot get path \"/livez/ping\"");
}

TEST_F(HealthAndMetrics, VerboseListsEveryCheck) {
  const auto ready = anonymous("/readyz?verbose");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body,
            "[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n[+]shutdown ok\n"
            "readyz check passed\n");
  const auto live = anonymous("/livez?verbose=1&exclude=etcd");
  EXPECT_EQ(live.body, "[+]ping ok\n[+]log ok\n[+]etcd excluded: ok\nlivez check passed\n");
}

TEST_F(HealthAndMetrics, MetricsCountRequestsByVerbResourceAndCode) {
  EXPECT_EQ(anonymous("/metrics").status, 401);
  const std::string ns = make_namespace();
  const std::string list_labels =
      "code=\"200\",component=\"apiserver\",dry_run=\"\",group=\"example.io\","
      "resource=\"widgets\",scope=\"namespace\",subresource=\"\",verb=\"LIST\",version=\"v1\"";
  const std::string missing_labels =
      "code=\"404\",component=\"apiserver\",dry_run=\"\",group=\"example.io\","
      "resource=\"widgets\",scope=\"resource\",subresource=\"\",verb=\"GET\",version=\"v1\"";
  const double lists = requests(list_labels);
  const double missing = requests(missing_labels);
  expect(200, "GET", widgets(ns));
  expect(200, "GET", widgets(ns) + "?limit=5");
  expect(404, "GET", widgets(ns) + "/absent");
  EXPECT_EQ(requests(list_labels), lists + 2);
  EXPECT_EQ(requests(missing_labels), missing + 1);
  anonymous("/readyz");
  EXPECT_GE(requests("code=\"200\",component=\"\",dry_run=\"\",group=\"\",resource=\"\","
                     "scope=\"\",subresource=\"/readyz\",verb=\"GET\",version=\"\""),
            1);
}

}  // namespace
}  // namespace hvo::testing
