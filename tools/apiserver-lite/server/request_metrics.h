// kube-apiserver's request counter, apiserver_request_total, with its label set (code, component,
// dry_run, group, resource, scope, subresource, verb, version), exposed at /metrics with the
// process_* metrics, so benchmarks can read the server side. Labels follow upstream: verbs
// GET/LIST/WATCH/POST/PUT/PATCH/APPLY/DELETE/DELETECOLLECTION; scope resource (named object),
// namespace or cluster; component "apiserver" on resource requests; non-resource requests
// (/healthz, /version, discovery) carry only verb, code and the path as subresource.
#pragma once

#include <string>
#include <vector>

#include "common/metrics/registry.h"
#include "common/net/http_types.h"

namespace hvo::apiserver {

// Label values of one request, in RequestMetrics' label order.
std::vector<std::string> request_metric_labels(const net::HttpRequest& request, int code);

class RequestMetrics {
 public:
  RequestMetrics();
  void record(const net::HttpRequest& request, int code);
  // The text exposition of every metric.
  std::string expose() const { return registry_.expose(); }

 private:
  metrics::Registry registry_;
  metrics::CounterFamily& requests_;
};

}  // namespace hvo::apiserver
