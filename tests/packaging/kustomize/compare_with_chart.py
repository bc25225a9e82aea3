"""The kustomize install and the Helm chart install the same thing: the same objects (kind,
name, namespace), the same RBAC rules and bindings, the same Deployment pod spec, Service,
CRDs and, with monitoring on, the same ServiceMonitor endpoints, alert rules and dashboard.
Labels differ on purpose (Helm's own labels) and are not compared, except that each render's
ServiceMonitor must select its own metrics Service.

usage: compare_with_chart.py KUSTOMIZE_RENDER.yaml HELM_RENDER.yaml
"""
import json
import sys

from manifests import Checker, index_by_kind_and_name, load_documents

# kustomize ships the Namespace; Helm leaves it to `helm install --create-namespace`.
ONLY_IN_KUSTOMIZE = {"Namespace"}


def keyed(documents):
    return {(k, name, obj["metadata"].get("namespace")): obj
            for (k, name), obj in index_by_kind_and_name(documents).items()}


def without_labels(obj):
    copy = {k: v for k, v in obj.items() if k != "metadata"}
    copy["metadata"] = {k: v for k, v in obj["metadata"].items()
                        if k not in ("labels", "annotations")}
    return copy


def pod_template(deployment):
    template = deployment["spec"]["template"]
    return {"spec": template["spec"], "labels": template["metadata"].get("labels", {})}


def service_monitor_selects_service(objects, check, who):
    monitors = [o for (k, _, _), o in objects.items() if k == "ServiceMonitor"]
    services = [o for (k, _, _), o in objects.items() if k == "Service"]
    for monitor in monitors:
        selector = monitor["spec"]["selector"]["matchLabels"]
        check.expect(any(all(s["metadata"].get("labels", {}).get(k) == v for k, v in selector.items())
                         for s in services), f"{who}: the ServiceMonitor selects no Service")


def main():
    check = Checker("kustomize vs helm")
    kustomize = keyed(load_documents(sys.argv[1]))
    helm = keyed(load_documents(sys.argv[2]))

    kustomize_keys = {key for key in kustomize if key[0] not in ONLY_IN_KUSTOMIZE}
    check.expect_equal(sorted(kustomize_keys, key=str), sorted(helm, key=str), "objects (kind, name, namespace)")
    check.expect(any(key[0] == "Namespace" for key in kustomize), "kustomize creates the namespace")

    for key in sorted(kustomize_keys & set(helm), key=str):
        kind, what = key[0], f"{key[0]}/{key[1]}"
        ours, theirs = kustomize[key], helm[key]
        if kind in ("ClusterRole", "Role"):
            check.expect_equal(ours.get("rules"), theirs.get("rules"), f"{what} rules")
        elif kind in ("ClusterRoleBinding", "RoleBinding"):
            check.expect_equal((ours["roleRef"], ours["subjects"]), (theirs["roleRef"], theirs["subjects"]),
                               f"{what} roleRef and subjects")
        elif kind == "Deployment":
            check.expect_equal(ours["spec"].get("replicas"), theirs["spec"].get("replicas"), f"{what} replicas")
            check.expect_equal(ours["spec"]["selector"], theirs["spec"]["selector"], f"{what} selector")
            check.expect_equal(pod_template(ours), pod_template(theirs), f"{what} pod template")
        elif kind == "Service":
            check.expect_equal(ours["spec"], theirs["spec"], f"{what} spec")
        elif kind == "ConfigMap":
            # Helm's block scalar drops the file's final newline; the dashboards must be equal JSON.
            check.expect_equal({k: json.loads(v) for k, v in ours.get("data", {}).items()},
                               {k: json.loads(v) for k, v in theirs.get("data", {}).items()},
                               f"{what} dashboards")
        elif kind in ("CustomResourceDefinition", "ServiceAccount", "PrometheusRule"):
            check.expect_equal(without_labels(ours), without_labels(theirs), what)
        elif kind == "ServiceMonitor":
            check.expect_equal(ours["spec"]["endpoints"], theirs["spec"]["endpoints"], f"{what} endpoints")
        else:
            check.expect(False, f"{what}: no comparison defined for kind {kind}")
    service_monitor_selects_service(kustomize, check, "kustomize")
    service_monitor_selects_service(helm, check, "helm")
    check.finish()


if __name__ == "__main__":
    main()
