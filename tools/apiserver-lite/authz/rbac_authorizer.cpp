#include "tools/apiserver-lite/authz/rbac_authorizer.h"

#include "tools/apiserver-lite/rest/api_error.h"

namespace hvo::apiserver::authz {

namespace {

std::shared_ptr<const RbacPolicy> checked(Result<std::shared_ptr<const RbacPolicy>> policy) {
  if (!policy.ok())
    throw internal_error("authorizer: " + policy.error().message());
  return std::move(policy).value();
}

}  // namespace

Decision RbacAuthorizer::authorize(const RequestAttributes& request) {
  Decision decision = checked(cache_.policy())->authorize(request);
  if (decision.allowed)
    return decision;
  return checked(cache_.read_through())->authorize(request);
}

std::shared_ptr<const RbacPolicy> RbacAuthorizer::policy(bool fresh) {
  return checked(fresh ? cache_.read_through() : cache_.policy());
}

std::vector<PolicyRule> RbacAuthorizer::rules_for(const std::string& user,
                                                  const std::vector<std::string>& groups,
                                                  const std::string& ns) {
  return checked(cache_.policy())->rules_for(user, groups, ns);
}

}  // namespace hvo::apiserver::authz
