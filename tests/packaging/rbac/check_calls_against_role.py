"""Checks the operator's RBAC against the API calls it really made: no call the rules do not
allow, and no grant that no call used. The calls come from a Kubernetes audit log
(audit.k8s.io/v1 Event objects, one JSON object per line, as kube-apiserver's --audit-log-path
writes them and the e2e API server emulator is to write them), filtered to the operator's
ServiceAccount. The rules come from a render of the chart (helm template).

usage: check_calls_against_role.py --render RENDER.yaml --audit-log LOG.jsonl
                                   --service-account NAMESPACE:NAME
"""
import argparse
import json
import sys

from manifests import Checker, load_documents

# Grants no request names directly: the API server checks them while serving another request.
# `bind` on the tenant-admin ClusterRole is checked when a RoleBinding to it is written, and
# update on tenants/finalizers when an object with a blockOwnerDeletion ownerReference to a
# Tenant (the tenant's RoleBindings) is written.
IMPLIED_BY = {
    ("rbac.authorization.k8s.io", "clusterroles", "bind"):
        [("rbac.authorization.k8s.io", "rolebindings", verb) for verb in ("create", "update", "patch")],
    ("hyperv.operator.io", "tenants/finalizers", "update"):
        [("rbac.authorization.k8s.io", "rolebindings", verb) for verb in ("create", "update", "patch")],
}


def grants_for(render, service_account):
    """[(apiGroup, resource, verb, namespace or None, resourceNames)] bound to the account."""
    namespace, name = service_account.split(":", 1)
    documents = load_documents(render)
    roles = {(d["kind"], d["metadata"]["name"], d["metadata"].get("namespace")): d
             for d in documents if d["kind"] in ("ClusterRole", "Role")}
    grants = []
    for binding in documents:
        if binding["kind"] not in ("ClusterRoleBinding", "RoleBinding"):
            continue
        if not any(s.get("kind") == "ServiceAccount" and s.get("name") == name
                   and s.get("namespace") == namespace for s in binding.get("subjects", [])):
            continue
        scope = binding["metadata"].get("namespace") if binding["kind"] == "RoleBinding" else None
        ref = binding["roleRef"]
        role = roles.get((ref["kind"], ref["name"], scope if ref["kind"] == "Role" else None), {})
        for rule in role.get("rules", []):
            for group in rule.get("apiGroups", []):
                for resource in rule.get("resources", []):
                    for verb in rule.get("verbs", []):
                        grants.append((group, resource, verb, scope, tuple(rule.get("resourceNames", []))))
    return grants


def calls_from(audit_log, service_account):
    """[(apiGroup, resource[/subresource], verb, namespace, name)] made by the account."""
    username = "system:serviceaccount:" + service_account
    calls = []
    with open(audit_log, encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            event = json.loads(line)
            if event.get("user", {}).get("username") != username or "objectRef" not in event:
                continue
            if event.get("stage", "ResponseComplete") != "ResponseComplete":
                continue
            ref = event["objectRef"]
            resource = ref["resource"] + (f'/{ref["subresource"]}' if ref.get("subresource") else "")
            calls.append((ref.get("apiGroup", ""), resource, event["verb"], ref.get("namespace"), ref.get("name")))
    return calls


def allows(grant, call):
    group, resource, verb, scope, names = grant
    c_group, c_resource, c_verb, c_namespace, c_name = call
    return (group in ("*", c_group) and resource in ("*", c_resource) and verb in ("*", c_verb)
            and (scope is None or scope == c_namespace) and (not names or c_name in names))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--render", required=True)
    parser.add_argument("--audit-log", required=True)
    parser.add_argument("--service-account", required=True)
    options = parser.parse_args()
    check = Checker("RBAC vs API calls")
    grants = grants_for(options.render, options.service_account)
    calls = calls_from(options.audit_log, options.service_account)
    check.expect(grants, f"no role is bound to {options.service_account}")
    check.expect(calls, f"the audit log holds no call by {options.service_account}")

    for call in sorted(set(calls), key=str):
        check.expect(any(allows(g, call) for g in grants),
                     f"{call[2]} {call[1]} (group '{call[0]}', namespace {call[3]}) is not granted")
    used = {(c[0], c[1], c[2]) for c in calls}
    for group, resource, verb, scope, names in sorted(set(grants), key=str):
        implied = IMPLIED_BY.get((group, resource, verb), [])
        direct = any(allows((group, resource, verb, scope, names), c) for c in calls)
        check.expect(direct or any(i in used for i in implied),
                     f"granted but never used: {verb} {resource} (group '{group}'"
                     f"{', namespace ' + scope if scope else ''})")
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
