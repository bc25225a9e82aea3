"""The official Kubernetes Python client (Debian's python3-kubernetes) against apiserver-lite.

Run by python_client_test.cpp with /usr/bin/python3 and these environment variables:
HVO_SERVER (https://127.0.0.1:PORT), HVO_TOKEN (a bearer token), HVO_CA (the CA file),
HVO_NAMESPACE (a namespace name not in use yet). Each check prints "ok <name>" when it passes;
the first failing assertion ends the script with a traceback and a non-zero exit code.
"""
import json
import os
import sys

from kubernetes import client, watch
from kubernetes.client.rest import ApiException

NS = os.environ["HVO_NAMESPACE"]
VM_GROUP, VM_VERSION, VM_PLURAL = "hyperv.operator.io", "v1alpha1", "virtualmachines"


def make_api_client():
    config = client.Configuration()
    config.host = os.environ["HVO_SERVER"]
    config.ssl_ca_cert = os.environ["HVO_CA"]
    config.api_key = {"authorization": os.environ["HVO_TOKEN"]}
    config.api_key_prefix = {"authorization": "Bearer"}
    return client.ApiClient(config)


API = make_api_client()
CORE = client.CoreV1Api(API)
CUSTOM = client.CustomObjectsApi(API)


def ok(name):
    print("ok " + name, flush=True)


def expect_status(status, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except ApiException as error:
        assert error.status == status, "expected %d, got %d: %s" % (status, error.status, error.body)
        return error
    raise AssertionError("expected HTTP %d from %s" % (status, call.__name__))


def apply_config_map(name, data, manager, force=None):
    """Server-side apply through the patch API with content type application/apply-patch+yaml
    (the generated patch method of this client version cannot choose it)."""
    body = json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                       "metadata": {"name": name, "namespace": NS}, "data": data})
    query = [("fieldManager", manager)]
    if force is not None:
        query.append(("force", force))  # sent as "True", as the client sends booleans
    return API.call_api(
        "/api/v1/namespaces/{namespace}/configmaps/{name}", "PATCH",
        path_params={"namespace": NS, "name": name}, query_params=query,
        header_params={"Content-Type": "application/apply-patch+yaml",
                       "Accept": "application/json"},
        body=body, response_type="V1ConfigMap", auth_settings=["BearerToken"],
        _return_http_data_only=True)


def check_version():
    info = client.VersionApi(API).get_code()  # GET /version/
    assert info.major and info.git_version.startswith("v"), info
    ok("version")


def check_typed_creates():
    created_ns = CORE.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=NS)))
    assert created_ns.status.phase == "Active", created_ns.status
    assert "kubernetes" in created_ns.spec.finalizers, created_ns.spec

    cm = CORE.create_namespaced_config_map(NS, client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="settings", labels={"app": "py"}),
        data={"mode": "fast", "level": "3"}))
    assert cm.metadata.uid and cm.metadata.resource_version, cm.metadata
    read = CORE.read_namespaced_config_map("settings", NS)
    assert read.data == {"mode": "fast", "level": "3"}, read.data
    assert read.metadata.labels == {"app": "py"}, read.metadata.labels
    # A create records its writer as upstream does: the User-Agent's program, operation Update.
    entries = read.metadata.managed_fields
    assert len(entries) == 1 and entries[0].operation == "Update", entries
    assert entries[0].manager == "OpenAPI-Generator", entries[0].manager
    assert "f:mode" in entries[0].fields_v1["f:data"], entries[0].fields_v1

    secret = CORE.create_namespaced_secret(NS, client.V1Secret(
        metadata=client.V1ObjectMeta(name="creds"), data={"password": "czNjcjN0"}))
    assert secret.type == "Opaque", secret.type  # defaulted by the server
    assert CORE.read_namespaced_secret("creds", NS).data == {"password": "czNjcjN0"}

    expect_status(409, CORE.create_namespaced_config_map, NS, client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="settings")))
    expect_status(404, CORE.read_namespaced_config_map, "absent", NS)
    ok("typed_creates")


def check_dry_run():
    before = CORE.read_namespaced_config_map("settings", NS)
    patched = CORE.patch_namespaced_config_map(
        "settings", NS, {"data": {"mode": "slow"}}, dry_run="All")
    assert patched.data["mode"] == "slow", patched.data  # what would have been stored
    after = CORE.read_namespaced_config_map("settings", NS)
    assert after.data["mode"] == "fast", after.data
    assert after.metadata.resource_version == before.metadata.resource_version
    CORE.delete_namespaced_config_map("settings", NS, dry_run="All")
    assert CORE.read_namespaced_config_map("settings", NS).metadata.uid == before.metadata.uid
    ok("dry_run")


def vm(name, cpus):
    return {"apiVersion": VM_GROUP + "/" + VM_VERSION, "kind": "VirtualMachine",
            "metadata": {"name": name, "labels": {"tier": "web"}},
            "spec": {"cpu": {"count": cpus}, "memory": {"startup": "4Gi"}, "image": "rocky-9"}}


def check_custom_objects():
    created = CUSTOM.create_namespaced_custom_object(
        VM_GROUP, VM_VERSION, NS, VM_PLURAL, vm("web-1", 2))
    assert created["metadata"]["generation"] == 1, created["metadata"]
    assert created["spec"]["runStrategy"] == "Always", created["spec"]  # schema default
    CUSTOM.create_namespaced_custom_object(VM_GROUP, VM_VERSION, NS, VM_PLURAL, vm("web-2", 4))
    patched = CUSTOM.patch_namespaced_custom_object(
        VM_GROUP, VM_VERSION, NS, VM_PLURAL, "web-1", {"spec": {"cpu": {"count": 6}}})
    assert patched["spec"]["cpu"]["count"] == 6 and patched["metadata"]["generation"] == 2
    listed = CUSTOM.list_namespaced_custom_object(
        VM_GROUP, VM_VERSION, NS, VM_PLURAL, label_selector="tier=web")
    assert sorted(item["metadata"]["name"] for item in listed["items"]) == ["web-1", "web-2"]
    counts = {item["metadata"]["name"]: item["spec"]["cpu"]["count"] for item in listed["items"]}
    assert counts == {"web-1": 6, "web-2": 4}, counts
    error = expect_status(422, CUSTOM.create_namespaced_custom_object,
                          VM_GROUP, VM_VERSION, NS, VM_PLURAL, vm("bad", 0))
    assert "spec.cpu.count" in error.body, error.body
    CUSTOM.delete_namespaced_custom_object(VM_GROUP, VM_VERSION, NS, VM_PLURAL, "web-2")
    expect_status(404, CUSTOM.get_namespaced_custom_object,
                  VM_GROUP, VM_VERSION, NS, VM_PLURAL, "web-2")
    ok("custom_objects")


def check_paging():
    names = ["page-%d" % i for i in range(7)]
    for name in names:
        CORE.create_namespaced_config_map(NS, client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name=name, labels={"set": "paging"})))
    seen, pages, token = [], 0, None
    while True:
        kwargs = {"label_selector": "set=paging", "limit": 3}
        if token:
            kwargs["_continue"] = token
        page = CORE.list_namespaced_config_map(NS, **kwargs)
        pages += 1
        assert len(page.items) <= 3, len(page.items)
        seen += [item.metadata.name for item in page.items]
        token = page.metadata._continue
        if not token:
            break
    assert pages == 3, pages
    assert seen == names, seen  # key order, each once
    ok("paging")


def check_watch():
    start = CORE.list_namespaced_config_map(NS, label_selector="set=watched").metadata
    for name in ("w-a", "w-b", "w-c"):
        CORE.create_namespaced_config_map(NS, client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name=name, labels={"set": "watched"})))
    CORE.patch_namespaced_config_map("w-a", NS, {"data": {"k": "v"}})
    CORE.delete_namespaced_config_map("w-b", NS)
    expected = [("ADDED", "w-a"), ("ADDED", "w-b"), ("ADDED", "w-c"), ("MODIFIED", "w-a"),
                ("DELETED", "w-b")]
    events = []
    w = watch.Watch()
    for event in w.stream(CORE.list_namespaced_config_map, NS, label_selector="set=watched",
                          resource_version=start.resource_version, timeout_seconds=30):
        events.append((event["type"], event["object"].metadata.name))
        if event["type"] == "MODIFIED":
            assert event["object"].data == {"k": "v"}, event["object"].data
        if len(events) == len(expected):
            w.stop()
    assert events == expected, events
    versions = []
    # A watch with nothing to report ends when the server's timeoutSeconds is up.
    quiet = list(watch.Watch().stream(CORE.list_namespaced_config_map, NS,
                                      label_selector="set=nothing", timeout_seconds=2,
                                      _request_timeout=60))
    assert quiet == [], quiet
    # Typed objects come back from the stream, resource versions increasing.
    for event in watch.Watch().stream(CORE.list_namespaced_config_map, NS,
                                      label_selector="set=watched",
                                      resource_version=start.resource_version, timeout_seconds=2,
                                      _request_timeout=60):
        versions.append(int(event["object"].metadata.resource_version))
    assert len(versions) == 5 and versions == sorted(versions), versions
    ok("watch")


def check_server_side_apply_force():
    first = apply_config_map("applied", {"owner": "alice"}, "alice")
    assert first.data == {"owner": "alice"}, first.data
    error = expect_status(409, apply_config_map, "applied", {"owner": "bob"}, "bob")
    assert "alice" in error.body and ".data.owner" in error.body, error.body
    forced = apply_config_map("applied", {"owner": "bob"}, "bob", force=True)
    assert forced.data == {"owner": "bob"}, forced.data
    owners = [entry.manager for entry in forced.metadata.managed_fields
              if "f:owner" in entry.fields_v1.get("f:data", {})]
    assert owners == ["bob"], owners
    # An update by another manager takes the fields it changes.
    CORE.patch_namespaced_config_map("applied", NS, {"data": {"owner": "carol"}},
                                     field_manager="carol")
    read = CORE.read_namespaced_config_map("applied", NS)
    owners = {entry.manager: entry.operation for entry in read.metadata.managed_fields
              if "f:owner" in entry.fields_v1.get("f:data", {})}
    assert owners == {"carol": "Update"}, owners
    ok("server_side_apply_force")


def check_gone_after_compaction():
    old = CORE.list_namespaced_config_map(NS, limit=1)
    assert old.metadata._continue, "expected more than one page"
    CORE.create_namespaced_config_map(NS, client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="after-list")))
    API.call_api("/admin/compact", "POST", auth_settings=["BearerToken"],
                 _return_http_data_only=True)
    expect_status(410, CORE.list_namespaced_config_map, NS, limit=1,
                  _continue=old.metadata._continue)
    try:
        for _ in watch.Watch().stream(CORE.list_namespaced_config_map, NS,
                                      resource_version=old.metadata.resource_version,
                                      timeout_seconds=5, _request_timeout=60):
            raise AssertionError("an event from a compacted resourceVersion")
        raise AssertionError("the watch from a compacted resourceVersion ended without 410")
    except ApiException as error:
        assert error.status == 410, error
    ok("gone_after_compaction")


def main():
    check_version()
    check_typed_creates()
    check_dry_run()
    check_custom_objects()
    check_paging()
    check_watch()
    check_server_side_apply_force()
    check_gone_after_compaction()
    print("all checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
