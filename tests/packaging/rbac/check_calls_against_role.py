"""Checks the operator's RBAC against the API calls it really made: no call the rules do not
allow, and no grant that no call used. The calls come from a Kubernetes audit log
(audit.k8s.io/v1 Event objects, one JSON object per line, as kube-apiserver's --audit-log-path
writes them and the e2e API server emulator is to write them), filtered to the operator's
ServiceAccount. The rules come from a render of the chart (helm template).

A rule whose comment block (the comment lines right above its `- apiGroups:` item) holds
`# unused-in-e2e: <why>` may go unused: the e2e workload cannot provoke every call (a grant kept
for an upgrade path, say), and the comment says why it is still needed. Its grants are listed as
justified instead of failing.

usage: check_calls_against_role.py --render RENDER.yaml --audit-log LOG.jsonl
                                   --service-account NAMESPACE:NAME
"""
import argparse
import collections
import json
import re
import sys

import yaml

from manifests import Checker, load_documents

UNUSED_MARK = re.compile(r"#\s*unused-in-e2e:\s*(\S.*)$")

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


def unused_justifications(render):
    """{(kind, name, namespace, rule index): why} for rules marked `# unused-in-e2e: <why>`."""
    with open(render, encoding="utf-8") as stream:
        text = stream.read()
    lines = text.splitlines()
    marked = {}
    for node in yaml.compose_all(text):
        if not isinstance(node, yaml.MappingNode):
            continue
        fields = {key.value: value for key, value in node.value}
        kind = fields.get("kind")
        if kind is None or kind.value not in ("ClusterRole", "Role") or "rules" not in fields:
            continue
        meta = {key.value: value.value for key, value in fields["metadata"].value}
        for index, rule in enumerate(fields["rules"].value):
            line = rule.start_mark.line - 1
            while line >= 0 and lines[line].strip().startswith("#"):
                match = UNUSED_MARK.search(lines[line])
                if match:
                    marked[(kind.value, meta["name"], meta.get("namespace"), index)] = match.group(1)
                line -= 1
    return marked


def grants_for(render, service_account):
    """[(apiGroup, resource, verb, namespace or None, resourceNames)] bound to the account, and
    {grant: why} for those of rules marked unused-in-e2e."""
    namespace, name = service_account.split(":", 1)
    documents = load_documents(render)
    marked = unused_justifications(render)
    justified = {}
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
        role_key = (ref["kind"], ref["name"], scope if ref["kind"] == "Role" else None)
        role = roles.get(role_key, {})
        for index, rule in enumerate(role.get("rules", [])):
            why = marked.get(role_key + (index,))
            for group in rule.get("apiGroups", []):
                for resource in rule.get("resources", []):
                    for verb in rule.get("verbs", []):
                        grant = (group, resource, verb, scope, tuple(rule.get("resourceNames", [])))
                        grants.append(grant)
                        if why:
                            justified[grant] = why
    return grants, justified


def calls_from(audit_log, service_account):
    """[(apiGroup, resource[/subresource], verb, namespace, name)] made by the account."""
    username = "system:serviceaccount:" + service_account
    calls = []
    seen = set()
    with open(audit_log, encoding="utf-8") as stream:
        for line in stream:
            if not line.strip():
                continue
            event = json.loads(line)
            if event.get("user", {}).get("username") != username or "objectRef" not in event:
                continue
            # A request may be logged at several stages: a watch gets ResponseStarted when it
            # opens and ResponseComplete only when it ends, which may be after the log is read.
            # Each request (auditID) counts once, whatever stages were logged.
            audit_id = event.get("auditID")
            if audit_id is not None:
                if audit_id in seen:
                    continue
                seen.add(audit_id)
            elif event.get("stage", "ResponseComplete") != "ResponseComplete":
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
    grants, justified = grants_for(options.render, options.service_account)
    calls = calls_from(options.audit_log, options.service_account)
    counts = collections.Counter((c[2], c[1] + (f" ({c[0]})" if c[0] else "")) for c in calls)
    print(f"{len(calls)} calls by {options.service_account}:")
    for (verb, resource), count in sorted(counts.items(), key=lambda item: (item[0][1], item[0][0])):
        print(f"  {count:6d}  {verb} {resource}")
    check.expect(grants, f"no role is bound to {options.service_account}")
    check.expect(calls, f"the audit log holds no call by {options.service_account}")

    for call in sorted(set(calls), key=str):
        check.expect(any(allows(g, call) for g in grants),
                     f"{call[2]} {call[1]} (group '{call[0]}', namespace {call[3]}) is not granted")
    used = {(c[0], c[1], c[2]) for c in calls}
    for group, resource, verb, scope, names in sorted(set(grants), key=str):
        implied = IMPLIED_BY.get((group, resource, verb), [])
        grant = (group, resource, verb, scope, names)
        direct = any(allows(grant, c) for c in calls)
        what = f"{verb} {resource} (group '{group}'{', namespace ' + scope if scope else ''})"
        if not direct and not any(i in used for i in implied) and grant in justified:
            print(f"  unused, justified: {what}: {justified[grant]}")
            continue
        check.expect(direct or any(i in used for i in implied), f"granted but never used: {what}")
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
