// Where reconcilers read Secrets (host agent credentials): an interface, so the operator reads
// them from informer caches (secret_cache.h) while tests count what reached the API.
#pragma once

#include <string>

#include "api/k8s/json_codec.h"
#include "common/status.h"
#include "controllers/cluster_api.h"
#include "operator/store.h"

namespace hvo::controllers {

class SecretSource {
 public:
  virtual ~SecretSource() = default;
  // The Secret, or kNotFound naming it. Shared, not copied: a host poll reads it each time.
  virtual Result<kube::ObjectPtr> secret(const std::string& ns, const std::string& name) = 0;
};

// A GET through the API on every call.
class ApiSecretSource : public SecretSource {
 public:
  explicit ApiSecretSource(ClusterApi& api) : api_(api) {}
  Result<kube::ObjectPtr> secret(const std::string& ns, const std::string& name) override;

 private:
  ClusterApi& api_;
};

}  // namespace hvo::controllers
