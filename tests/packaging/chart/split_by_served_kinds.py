"""Splits a rendered install (helm template, kubectl kustomize) for a server-side dry run against
the API server emulator, which serves only some kinds.

  OUT_DIR/prerequisites.yaml  CustomResourceDefinitions and Namespaces, applied for real first:
                              a dry-run object in a namespace that does not exist is refused,
                              as is one of a kind whose CRD is not established. Namespaces the
                              render only refers to are added, as `helm install
                              --create-namespace` (or the cluster's monitoring stack) would.
  OUT_DIR/dry-run.yaml        every other object of a kind the server serves
  stdout                      one line per object skipped because its kind is not served

The served kinds come from the server's discovery (kubectl get --raw), so a kind the emulator
starts serving is checked from then on without changing the test.

usage: split_by_served_kinds.py RENDER.yaml OUT_DIR
"""
import json
import os
import subprocess
import sys

import yaml

from manifests import load_documents


def discovery(path):
    output = subprocess.run(["kubectl", "get", "--raw", path], check=True, capture_output=True,
                            text=True).stdout
    return json.loads(output)


def served_kinds():
    """{(apiVersion, kind)} of every top-level resource the server lists in discovery."""
    versions = ["v1"]
    paths = ["/api/v1"]
    for group in discovery("/apis").get("groups", []):
        for version in group.get("versions", []):
            versions.append(version["groupVersion"])
            paths.append(f'/apis/{version["groupVersion"]}')
    served = set()
    for group_version, path in zip(versions, paths):
        for resource in discovery(path).get("resources", []):
            if "/" not in resource["name"]:
                served.add((group_version, resource["kind"]))
    return served


def describe(document):
    meta = document.get("metadata", {})
    where = f' in namespace {meta["namespace"]}' if meta.get("namespace") else ""
    return f'{document["kind"]} {meta.get("name")} ({document["apiVersion"]}){where}'


def main():
    render, out_dir = sys.argv[1], sys.argv[2]
    documents = load_documents(render)
    served = served_kinds()
    prerequisites, dry_run, skipped = [], [], []
    rendered_namespaces = set()
    referenced_namespaces = set()
    for document in documents:
        kind = document["kind"]
        if kind in ("CustomResourceDefinition", "Namespace"):
            prerequisites.append(document)
            if kind == "Namespace":
                rendered_namespaces.add(document["metadata"]["name"])
        elif (document["apiVersion"], kind) in served:
            dry_run.append(document)
        else:
            skipped.append(document)
            continue
        namespace = document["metadata"].get("namespace")
        if namespace:
            referenced_namespaces.add(namespace)
    for namespace in sorted(referenced_namespaces - rendered_namespaces):
        prerequisites.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})

    if not dry_run:
        print(f"FAIL: nothing in {render} is of a kind the server serves", file=sys.stderr)
        return 1
    with open(os.path.join(out_dir, "prerequisites.yaml"), "w", encoding="utf-8") as stream:
        yaml.safe_dump_all(prerequisites, stream, sort_keys=False)
    with open(os.path.join(out_dir, "dry-run.yaml"), "w", encoding="utf-8") as stream:
        yaml.safe_dump_all(dry_run, stream, sort_keys=False)
    for document in skipped:
        print(f"skipped (kind not served by the emulator): {describe(document)}")
    print(f"{len(prerequisites)} prerequisites applied for real, {len(dry_run)} objects dry-run, "
          f"{len(skipped)} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
