#include "controllers/cluster_api.h"

namespace hvo::controllers {
namespace {

kube::WriteOptions write_options() {
  kube::WriteOptions options;
  options.field_manager = kFieldManager;
  return options;
}

kube::PatchOptions patch_options() {
  kube::PatchOptions options;
  options.field_manager = kFieldManager;
  return options;
}

}  // namespace

Result<k8s::Json> RestClusterApi::get(const kube::GroupVersionResource& gvr, const std::string& ns,
                                      const std::string& name) {
  return client_.get(gvr, ns, name);
}

Result<k8s::Json> RestClusterApi::create(const kube::GroupVersionResource& gvr,
                                         const std::string& ns, const k8s::Json& object) {
  return client_.create(gvr, ns, object, write_options());
}

Result<k8s::Json> RestClusterApi::update(const kube::GroupVersionResource& gvr,
                                         const k8s::Json& object) {
  return client_.update(gvr, object, write_options());
}

Result<k8s::Json> RestClusterApi::update_status(const kube::GroupVersionResource& gvr,
                                                const k8s::Json& object) {
  return client_.update_status(gvr, object, write_options());
}

Result<k8s::Json> RestClusterApi::merge_patch(const kube::GroupVersionResource& gvr,
                                              const std::string& ns, const std::string& name,
                                              const k8s::Json& patch) {
  return client_.patch(gvr, ns, name, kube::PatchType::kMerge, patch.dump(), patch_options());
}

Result<k8s::Json> RestClusterApi::json_patch(const kube::GroupVersionResource& gvr,
                                             const std::string& ns, const std::string& name,
                                             const k8s::Json& patch) {
  return client_.patch(gvr, ns, name, kube::PatchType::kJson, patch.dump(), patch_options());
}

Status RestClusterApi::remove(const kube::GroupVersionResource& gvr, const std::string& ns,
                              const std::string& name) {
  auto removed = client_.remove(gvr, ns, name);
  if (!removed.ok() && removed.error().code() != ErrorCode::kNotFound)
    return removed.error();
  return OkStatus();
}

}  // namespace hvo::controllers
