// The authorizer's view of an HTTP request, as kube's RequestInfoFactory derives it: a resource
// request names verb, group, version, resource, subresource, namespace and name (a list or watch
// narrowed by fieldSelector=metadata.name=X names X; a Namespace is its own namespace; a create
// names nothing); any other path is a non-resource request with the lower-cased HTTP method as
// verb. The user's groups gain system:authenticated, or are system:unauthenticated for the
// anonymous user.
#pragma once

#include <optional>

#include "common/net/http_types.h"
#include "tools/apiserver-lite/auth/token_authenticator.h"
#include "tools/apiserver-lite/authz/policy_rule.h"

namespace hvo::apiserver::authz {

inline constexpr const char* kAnonymousUser = "system:anonymous";

// `user` nullopt: the anonymous user (only public paths get this far without a token).
RequestAttributes request_attributes(const net::HttpRequest& request,
                                     const std::optional<UserInfo>& user);

}  // namespace hvo::apiserver::authz
