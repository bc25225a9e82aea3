"""Checks a `helm template` render of the chart: what every install must have (hardened pod,
probes, leader election, least-privilege RBAC) and what the given values switch on or change.

usage: check_render.py RENDER.yaml VALUES.yaml|-
The values file is the one passed to helm (or - for the chart defaults); expectations that
depend on a value read it from there, merged over the chart's values.yaml.
"""
import json
import os
import sys

import yaml

from manifests import Checker, index_by_kind_and_name, load_documents

REPO = os.environ["HVO_REPO"]
CHART = os.path.join(REPO, "charts", "hyperv-operator")


def merged_values(override_path):
    with open(os.path.join(CHART, "values.yaml"), encoding="utf-8") as stream:
        values = yaml.safe_load(stream)
    if override_path != "-":
        with open(override_path, encoding="utf-8") as stream:
            deep_merge(values, yaml.safe_load(stream) or {})
    return values


def deep_merge(base, override):
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            deep_merge(base[key], value)
        else:
            base[key] = value


def only(objects, kind, check):
    found = [obj for (k, _), obj in objects.items() if k == kind]
    check.expect(len(found) == 1, f"expected one {kind}, found {len(found)}")
    return found[0] if found else {}


def check_deployment(objects, values, check):
    deployment = only(objects, "Deployment", check)
    spec = deployment.get("spec", {})
    pod = spec.get("template", {}).get("spec", {})
    containers = pod.get("containers", [])
    check.expect_equal(len(containers), 1, "operator pod containers")
    container = containers[0] if containers else {}
    check.expect_equal(spec.get("replicas"), values["replicaCount"], "replicas")
    check.expect_equal(
        spec.get("selector", {}).get("matchLabels"),
        {k: v for k, v in spec["template"]["metadata"]["labels"].items()
         if k in ("app.kubernetes.io/name", "app.kubernetes.io/instance")},
        "selector labels are a subset of the pod labels")

    tag = values["image"]["tag"] or chart_app_version()
    check.expect_equal(container.get("image"), f'{values["image"]["repository"]}:{tag}', "image")

    pod_security = pod.get("securityContext", {})
    check.expect_equal(pod_security.get("runAsNonRoot"), True, "pod runAsNonRoot")
    check.expect_equal(pod_security.get("seccompProfile", {}).get("type"), "RuntimeDefault",
                       "pod seccomp profile")
    security = container.get("securityContext", {})
    check.expect_equal(security.get("runAsNonRoot"), True, "container runAsNonRoot")
    check.expect_equal(security.get("readOnlyRootFilesystem"), True, "readOnlyRootFilesystem")
    check.expect_equal(security.get("allowPrivilegeEscalation"), False, "allowPrivilegeEscalation")
    check.expect_equal(security.get("capabilities", {}).get("drop"), ["ALL"], "dropped capabilities")
    check.expect("add" not in security.get("capabilities", {}), "no capability is added")
    check.expect_equal(security.get("seccompProfile", {}).get("type"), "RuntimeDefault",
                       "container seccomp profile")

    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    check.expect_equal(ports, {"metrics": values["metrics"]["port"], "health": values["healthPort"]},
                       "container ports")
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        http = container.get(probe, {}).get("httpGet", {})
        check.expect_equal(http.get("path"), path, f"{probe} path")
        check.expect_equal(http.get("port"), "health", f"{probe} port")

    args = container.get("args", [])
    expected_args = [
        f'--metrics-bind-address=:{values["metrics"]["port"]}',
        f'--health-probe-bind-address=:{values["healthPort"]}',
        f'--log-format={values["operator"]["logFormat"]}',
        f'--log-level={values["operator"]["logLevel"]}',
        f'--vm-workers={values["operator"]["vmWorkers"]}',
        f'--kube-api-qps={values["operator"]["kubeApiQps"]}',
        f'--kube-api-burst={values["operator"]["kubeApiBurst"]}',
        f'--host-poll-interval={values["operator"]["hostPollInterval"]}',
        f'--unschedulable-release-after={values["operator"]["unschedulableReleaseAfter"]}',
    ] + (["--allow-unclaimed-namespaces"] if values["operator"]["allowUnclaimedNamespaces"]
         else []) + values["operator"]["extraArgs"]
    if values["leaderElection"]["enabled"]:
        expected_args = ["--leader-elect", "--leader-election-namespace=$(POD_NAMESPACE)",
                         "--leader-election-id=hyperv-operator"] + expected_args
    check.expect_equal(args, expected_args, "operator arguments")

    env = {e["name"]: e for e in container.get("env", [])}
    check.expect_equal(env.get("POD_NAMESPACE", {}).get("valueFrom", {}).get("fieldRef", {})
                       .get("fieldPath"), "metadata.namespace", "POD_NAMESPACE from the downward API")
    for extra in values["operator"]["extraEnv"]:
        check.expect_equal(env.get(extra["name"]), extra, f"extra env {extra['name']}")

    mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
    check.expect("/tmp" in mounts, "a writable /tmp is mounted on the read-only root filesystem")
    check.expect_equal(container.get("resources"), values["resources"], "resources")
    check.expect_equal(pod.get("serviceAccountName"), service_account_name(objects, values),
                       "pod service account")
    for key in ("nodeSelector", "tolerations", "affinity", "topologySpreadConstraints"):
        check.expect_equal(pod.get(key) or type(values[key])(), values[key], f"pod {key}")


def chart_app_version():
    with open(os.path.join(CHART, "Chart.yaml"), encoding="utf-8") as stream:
        return str(yaml.safe_load(stream)["appVersion"])


def service_account_name(objects, values):
    """The configured name, else the chart's full name (the Deployment's name)."""
    if values["serviceAccount"]["name"]:
        return values["serviceAccount"]["name"]
    deployments = [o for (k, _), o in objects.items() if k == "Deployment"]
    return deployments[0]["metadata"]["name"] if deployments else None


def rules_by_resource(role):
    """{(apiGroup, resource): set(verbs)} flattened over the role's rules."""
    grants = {}
    for rule in role.get("rules", []):
        for group in rule.get("apiGroups", []):
            for resource in rule.get("resources", []):
                key = (group, resource)
                if rule.get("resourceNames"):
                    key = key + (tuple(rule["resourceNames"]),)
                grants.setdefault(key, set()).update(rule.get("verbs", []))
    return grants


def check_rbac(objects, values, check):
    fullname = only(objects, "Deployment", check)["metadata"]["name"]
    tenant_role = values["rbac"]["tenantAdminClusterRole"]
    operator_role = objects.get(("ClusterRole", fullname), {})
    grants = rules_by_resource(operator_role)
    group = "hyperv.operator.io"
    kinds = ["virtualmachines", "hypervhosts", "tenants", "quotas"]
    # The calls the operator makes, as the e2e audit check (rbac/live_operator.sh) records them.
    expected = {}
    for kind in kinds:
        expected[(group, kind)] = {"list", "watch"}
        expected[(group, f"{kind}/status")] = {"update"}
    expected[(group, "virtualmachines")] |= {"patch"}
    expected[(group, "virtualmachinemigrations")] = {"list", "watch"}
    expected[(group, "virtualmachinemigrations/status")] = {"update"}
    expected[(group, "tenants/finalizers")] = {"update"}
    expected[("", "namespaces")] = {"get", "list", "watch", "create", "patch"}
    expected[("rbac.authorization.k8s.io", "rolebindings")] = {"get", "list", "watch", "create", "delete"}
    expected[("rbac.authorization.k8s.io", "clusterroles", (tenant_role,))] = {"bind"}
    expected[("", "secrets")] = {"get", "list", "watch"}
    expected[("events.k8s.io", "events")] = {"create", "patch"}
    check.expect_equal(grants, expected, "operator ClusterRole grants")
    for rule in operator_role.get("rules", []):
        check.expect("*" not in rule.get("verbs", []) and "*" not in rule.get("resources", []),
                     f"operator ClusterRole has a wildcard: {rule}")

    binding = objects.get(("ClusterRoleBinding", fullname), {})
    check.expect_equal(binding.get("roleRef", {}).get("name"), fullname, "ClusterRoleBinding roleRef")
    check.expect_equal(binding.get("subjects"), [{
        "kind": "ServiceAccount", "name": service_account_name(objects, values),
        "namespace": only(objects, "Deployment", check)["metadata"]["namespace"]}],
        "ClusterRoleBinding subject")

    tenant = objects.get(("ClusterRole", tenant_role))
    check.expect(tenant is not None, f"tenant-admin ClusterRole {tenant_role} is rendered")
    tenant_grants = rules_by_resource(tenant or {})
    check.expect("create" in tenant_grants.get((group, "virtualmachines"), set()),
                 "tenant admins may create VirtualMachines")
    check.expect_equal(tenant_grants.get((group, "virtualmachines/status")), {"get"},
                       "tenant admins only read VM status")
    check.expect(not any(k[1] in ("hypervhosts", "tenants", "quotas") for k in tenant_grants),
                 "tenant admins get nothing on cluster-scoped kinds")

    lease_role = objects.get(("Role", f"{fullname}-leader-election"), {})
    if values["leaderElection"]["enabled"]:
        check.expect_equal(rules_by_resource(lease_role),
                           {("coordination.k8s.io", "leases"): {"get", "create", "update"}},
                           "leader election Role")
    else:
        check.expect(not lease_role, "no leader election Role without leader election")


def check_metrics_service(objects, values, check):
    fullname = only(objects, "Deployment", check)["metadata"]["name"]
    service = objects.get(("Service", f"{fullname}-metrics"), {})
    ports = service.get("spec", {}).get("ports", [])
    check.expect_equal([(p["name"], p["port"], p["targetPort"]) for p in ports],
                       [("metrics", values["metrics"]["service"]["port"], "metrics")],
                       "metrics Service ports")
    pod_labels = only(objects, "Deployment", check)["spec"]["template"]["metadata"]["labels"]
    selector = service.get("spec", {}).get("selector", {})
    check.expect(selector and all(pod_labels.get(k) == v for k, v in selector.items()),
                 "metrics Service selects the operator pods")


def check_optional_parts(objects, values, check):
    monitor = [o for (k, _), o in objects.items() if k == "ServiceMonitor"]
    check.expect_equal(len(monitor), 1 if values["serviceMonitor"]["enabled"] else 0, "ServiceMonitors")
    if monitor:
        endpoint = monitor[0]["spec"]["endpoints"][0]
        check.expect_equal(endpoint["port"], "metrics", "ServiceMonitor port")
        check.expect_equal(endpoint["interval"], values["serviceMonitor"]["interval"], "scrape interval")
        check.expect({"action": "replace", "targetLabel": "job", "replacement": "hyperv-operator"}
                     in endpoint.get("relabelings", []),
                     "ServiceMonitor pins job=hyperv-operator, which alerts and dashboard select")
        for key, value in values["serviceMonitor"]["labels"].items():
            check.expect_equal(monitor[0]["metadata"]["labels"].get(key), value, f"ServiceMonitor label {key}")
        service = [o for (k, _), o in objects.items() if k == "Service"][0]
        check.expect(all(service["metadata"]["labels"].get(k) == v
                         for k, v in monitor[0]["spec"]["selector"]["matchLabels"].items()),
                     "ServiceMonitor selects the metrics Service")

    rules = [o for (k, _), o in objects.items() if k == "PrometheusRule"]
    check.expect_equal(len(rules), 1 if values["prometheusRule"]["enabled"] else 0, "PrometheusRules")
    if rules:
        with open(os.path.join(CHART, "files", "prometheus", "alerts.yaml"), encoding="utf-8") as stream:
            check.expect_equal(rules[0]["spec"], yaml.safe_load(stream),
                               "PrometheusRule spec is files/prometheus/alerts.yaml")

    dashboards = [o for (k, _), o in objects.items() if k == "ConfigMap"]
    check.expect_equal(len(dashboards), 1 if values["grafanaDashboard"]["enabled"] else 0,
                       "dashboard ConfigMaps")
    if dashboards:
        with open(os.path.join(CHART, "files", "grafana", "hyperv-operator.json"), encoding="utf-8") as stream:
            expected = json.load(stream)
        check.expect_equal(json.loads(dashboards[0]["data"]["hyperv-operator.json"]), expected,
                           "dashboard ConfigMap holds files/grafana/hyperv-operator.json")
        for key, value in values["grafanaDashboard"]["labels"].items():
            check.expect_equal(dashboards[0]["metadata"]["labels"].get(key), value,
                               f"dashboard sidecar label {key}")
        if values["grafanaDashboard"]["namespace"]:
            check.expect_equal(dashboards[0]["metadata"]["namespace"],
                               values["grafanaDashboard"]["namespace"], "dashboard namespace")

    budgets = [o for (k, _), o in objects.items() if k == "PodDisruptionBudget"]
    check.expect_equal(len(budgets), 1 if values["podDisruptionBudget"]["enabled"] else 0,
                       "PodDisruptionBudgets")


def main():
    render_path, values_path = sys.argv[1], sys.argv[2]
    check = Checker(f"chart render ({os.path.basename(values_path) if values_path != '-' else 'defaults'})")
    objects = index_by_kind_and_name(load_documents(render_path))
    values = merged_values(values_path)
    for part in (check_deployment, check_rbac, check_metrics_service, check_optional_parts):
        part(objects, values, check)
    for obj in objects.values():
        labels = obj["metadata"].get("labels", {})
        check.expect_equal(labels.get("app.kubernetes.io/part-of"), "hyperv-operator",
                           f'{obj["kind"]}/{obj["metadata"]["name"]} part-of label')
    check.finish()


if __name__ == "__main__":
    main()
