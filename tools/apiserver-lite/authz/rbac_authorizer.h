// Authorizes requests against the RBAC cache. A denial is confirmed against etcd before it is
// final (RbacCache::read_through), so a binding written just before the request counts.
#pragma once

#include "tools/apiserver-lite/authz/rbac_cache.h"
#include "tools/apiserver-lite/authz/rbac_policy.h"

namespace hvo::apiserver::authz {

class RbacAuthorizer {
 public:
  explicit RbacAuthorizer(RbacCache& cache) : cache_(cache) {}

  // Throws ApiError 500 when neither the cache nor etcd can be read.
  Decision authorize(const RequestAttributes& request);
  // The rules of `user` in `ns` (SelfSubjectRulesReview), from the cache.
  std::vector<PolicyRule> rules_for(const std::string& user, const std::vector<std::string>& groups,
                                    const std::string& ns);
  // The policy of the cache, or of what etcd holds now when `fresh`. Throws ApiError 500.
  std::shared_ptr<const RbacPolicy> policy(bool fresh);

 private:
  RbacCache& cache_;
};

}  // namespace hvo::apiserver::authz
