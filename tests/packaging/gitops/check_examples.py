"""The GitOps examples deploy what they say: the Argo CD Application and the Flux Kustomization
point at the VM folder that exists in the repository, target the namespace its VMs live in,
Flux health-checks exactly those VMs, and every VM is valid against its CRD.

usage: check_examples.py RENDERED_VMS.yaml   (kubectl kustomize examples/gitops/vms/team-a)
"""
import os
import sys

import yaml

from crd_schema import load_crd_schemas, validate
from manifests import Checker, load_documents

REPO = os.environ["HVO_REPO"]
GITOPS = os.path.join(REPO, "examples", "gitops")


def load_one(relative_path):
    with open(os.path.join(GITOPS, relative_path), encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def main():
    check = Checker("gitops examples")
    vms = load_documents(sys.argv[1])
    check.expect(len(vms) >= 2, "the example folder holds VMs")
    schemas = load_crd_schemas(REPO)
    check.expect(schemas, "crds/ holds the CRDs")
    for vm in vms:
        schema = schemas.get((vm["apiVersion"], vm["kind"]))
        check.expect(schema is not None, f'{vm["kind"]} {vm["apiVersion"]} has no CRD in crds/')
        for problem in validate(vm, schema or {}):
            check.expect(False, f'{vm["metadata"]["name"]}: {problem}')
    vm_refs = {("hyperv.operator.io/v1alpha1", "VirtualMachine", vm["metadata"]["name"],
                vm["metadata"].get("namespace")) for vm in vms}
    namespaces = {ref[3] for ref in vm_refs}
    check.expect_equal(len(namespaces), 1, "the VMs share one tenant namespace")
    check.expect(any(vm["spec"].get("runStrategy") == "Halted" for vm in vms),
                 "the examples show a VM halted on purpose")

    application = load_one("argocd/application.yaml")
    source = application["spec"]["source"]
    check.expect(os.path.isdir(os.path.join(REPO, source["path"])),
                 f'Argo CD source path {source["path"]} exists in the repository')
    check.expect_equal(os.path.realpath(os.path.join(REPO, source["path"])),
                       os.path.join(GITOPS, "vms", "team-a"), "Argo CD deploys the VM folder")
    check.expect_equal({application["spec"]["destination"]["namespace"]}, namespaces,
                       "Argo CD destination namespace")
    options = application["spec"].get("syncPolicy", {}).get("syncOptions", [])
    check.expect("CreateNamespace=true" not in options,
                 "Argo CD leaves tenant namespaces to the operator")

    repository = load_one("flux/gitrepository.yaml")
    kustomization = load_one("flux/kustomization.yaml")
    spec = kustomization["spec"]
    check.expect_equal(spec["sourceRef"], {"kind": "GitRepository", "name": repository["metadata"]["name"]},
                       "Flux Kustomization source")
    check.expect_equal(os.path.realpath(os.path.join(REPO, spec["path"])),
                       os.path.join(GITOPS, "vms", "team-a"), "Flux deploys the VM folder")
    checked = {(h["apiVersion"], h["kind"], h["name"], h.get("namespace")) for h in spec.get("healthChecks", [])}
    check.expect_equal(checked, vm_refs, "Flux health-checks exactly the deployed VMs")
    check.expect(spec.get("prune") is True, "Flux prunes VMs removed from git")
    check.finish()


if __name__ == "__main__":
    main()
