#include "tools/apiserver-lite/authz/request_attributes.h"

#include <algorithm>

#include "tools/apiserver-lite/audit/audit_event.h"
#include "tools/apiserver-lite/rest/request_path.h"

namespace hvo::apiserver::authz {

RequestAttributes request_attributes(const net::HttpRequest& request,
                                     const std::optional<UserInfo>& user) {
  RequestAttributes attributes;
  if (user) {
    attributes.user = user->name;
    attributes.groups = user->groups;
    if (std::find(attributes.groups.begin(), attributes.groups.end(), "system:authenticated") ==
        attributes.groups.end()) {
      attributes.groups.push_back("system:authenticated");
    }
  } else {
    attributes.user = kAnonymousUser;
    attributes.groups = {"system:unauthenticated"};
  }
  // The audit log's verb and objectRef are kube's RequestInfo already.
  attributes.verb = audit_verb(request);
  const auto path = parse_resource_path(request.path);
  const auto ref = audit_object_ref(request);
  if (!path || !ref) {
    attributes.path = request.path;
    return attributes;
  }
  attributes.resource_request = true;
  attributes.api_group = path->group;
  attributes.api_version = path->version;
  attributes.resource = path->plural;
  attributes.subresource = path->subresource;
  attributes.ns = ref->value("namespace", "");
  // The audit's objectRef names a create's object from its body; RequestInfo takes only the
  // path's name (a subresource's parent).
  attributes.name = attributes.verb == "create" ? path->name : ref->value("name", "");
  return attributes;
}

}  // namespace hvo::apiserver::authz
