// The reconcilers' writes to the Kubernetes API, and the Events they record, behind two small
// interfaces: the real ones forward to the runtime's RestClient and EventRecorder; tests use
// fakes that keep objects in memory. Reads come from informer caches (kube::Store), not here.
#pragma once

#include <string>

#include "api/k8s/json_codec.h"
#include "common/status.h"
#include "operator/event_recorder.h"
#include "operator/resource.h"
#include "operator/rest_client.h"

namespace hvo::controllers {

class ClusterApi {
 public:
  virtual ~ClusterApi() = default;
  virtual Result<k8s::Json> get(const kube::GroupVersionResource& gvr, const std::string& ns,
                                const std::string& name) = 0;
  virtual Result<k8s::Json> create(const kube::GroupVersionResource& gvr, const std::string& ns,
                                   const k8s::Json& object) = 0;
  // PUT guarded by metadata.resourceVersion (stale: kConflict). Used for finalizers only: the
  // operator never changes .spec.
  virtual Result<k8s::Json> update(const kube::GroupVersionResource& gvr,
                                   const k8s::Json& object) = 0;
  virtual Result<k8s::Json> update_status(const kube::GroupVersionResource& gvr,
                                          const k8s::Json& object) = 0;
  virtual Result<k8s::Json> merge_patch(const kube::GroupVersionResource& gvr,
                                        const std::string& ns, const std::string& name,
                                        const k8s::Json& patch) = 0;
  // RFC 6902 JSON patch; a `test` op on metadata.resourceVersion makes it as safe as a guarded
  // update while sending only the change (finalizers: kube-rs's pattern).
  virtual Result<k8s::Json> json_patch(const kube::GroupVersionResource& gvr, const std::string& ns,
                                       const std::string& name, const k8s::Json& patch) = 0;
  virtual Status remove(const kube::GroupVersionResource& gvr, const std::string& ns,
                        const std::string& name) = 0;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // `type` is "Normal" or "Warning"; reason CamelCase; action what was done ("Schedule").
  virtual void record(const k8s::Json& regarding, const std::string& type,
                      const std::string& reason, const std::string& action,
                      const std::string& note) = 0;
};

class RestClusterApi : public ClusterApi {
 public:
  explicit RestClusterApi(kube::RestClient& client) : client_(client) {}
  Result<k8s::Json> get(const kube::GroupVersionResource& gvr, const std::string& ns,
                        const std::string& name) override;
  Result<k8s::Json> create(const kube::GroupVersionResource& gvr, const std::string& ns,
                           const k8s::Json& object) override;
  Result<k8s::Json> update(const kube::GroupVersionResource& gvr, const k8s::Json& object) override;
  Result<k8s::Json> update_status(const kube::GroupVersionResource& gvr,
                                  const k8s::Json& object) override;
  Result<k8s::Json> merge_patch(const kube::GroupVersionResource& gvr, const std::string& ns,
                                const std::string& name, const k8s::Json& patch) override;
  Result<k8s::Json> json_patch(const kube::GroupVersionResource& gvr, const std::string& ns,
                               const std::string& name, const k8s::Json& patch) override;
  Status remove(const kube::GroupVersionResource& gvr, const std::string& ns,
                const std::string& name) override;

 private:
  kube::RestClient& client_;
};

class RecorderEventSink : public EventSink {
 public:
  explicit RecorderEventSink(kube::EventRecorder& recorder) : recorder_(recorder) {}
  void record(const k8s::Json& regarding, const std::string& type, const std::string& reason,
              const std::string& action, const std::string& note) override {
    recorder_.record(regarding, type, reason, action, note);
  }

 private:
  kube::EventRecorder& recorder_;
};

// The field manager the operator's writes carry (managedFields, audit logs).
inline constexpr const char* kFieldManager = "hyperv-operator";

}  // namespace hvo::controllers
