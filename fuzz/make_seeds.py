#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/seed-*) from the project's
examples and the wire formats in docs/agent-api.md. Run it again after changing a format; inputs
that `make fuzz` found (regression-*) are kept. Usage: fuzz/make_seeds.py"""
import json
import pathlib
import struct

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (folder / ("seed-" + name)).write_bytes(data)


def compact(value):
    return json.dumps(value, separators=(",", ":"))


# ---- the agent: VmSpec bodies, power, operations, errors, routes, Authorization ----
VM_SPEC = {
    "uid": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "name": "web-1", "namespace": "team-a",
    "objectGeneration": 3, "generation": 2,
    "cpu": {"count": 2, "reservePercent": 0, "limitPercent": 100, "weight": 100,
            "exposeVirtualizationExtensions": False},
    "memory": {"startupBytes": 2147483648,
               "dynamic": {"minimumBytes": 1073741824, "maximumBytes": 4294967296,
                           "bufferPercent": 20}},
    "firmware": {"secureBoot": True, "secureBootTemplate": "MicrosoftUEFICertificateAuthority",
                 "tpm": False},
    "image": "ubuntu-24.04",
    "disks": [{"name": "os", "sizeBytes": 0, "source": "image"},
              {"name": "data", "sizeBytes": 10737418240, "source": "blank"}],
    "networks": [{"name": "nic0", "switch": "lan", "vlanId": 40, "macAddress": "00:15:5d:01:02:03"}],
    "cloudInit": {"userData": "#cloud-config\nhostname: web-1\npackages: [nginx]\n",
                  "metaData": "", "networkData": "version: 2\n"},
    "power": "Running", "shutdownTimeoutSeconds": 120,
}
MINIMAL_SPEC = {"uid": "6a1b2c3d-0000-4000-8000-000000000001", "name": "db-1",
                "namespace": "team-b", "cpu": {"count": 1},
                "memory": {"startupBytes": 536870912}, "power": "Off"}
GEN1_SPEC = dict(MINIMAL_SPEC, generation=1, power="Unchanged",
                 networks=[{"name": "nic0", "switch": "Default Switch"}],
                 disks=[{"name": "scratch", "sizeBytes": 1048576, "source": "blank"}])
for name, spec in [("full.json", VM_SPEC), ("minimal.json", MINIMAL_SPEC), ("gen1.json", GEN1_SPEC)]:
    write("agent_vm_spec", name, json.dumps(spec, indent=1))
write("agent_vm_spec", "invalid-memory.json",
      compact(dict(MINIMAL_SPEC, memory={"startupBytes": 1024})))

OPERATION = {"id": "3fa2c1d0-7", "kind": "ensure", "uid": VM_SPEC["uid"], "state": "Succeeded",
             "createdAtUnixMs": 1763776000000, "finishedAtUnixMs": 1763776000012,
             "ensureResult": {"created": True, "changedFields": ["cpu.count"],
                              "unsupportedFields": [],
                              "vm": {"uid": VM_SPEC["uid"], "vmId": "6f1c1d0e-0000-4000-8000-1",
                                     "name": "team-a.web-1", "state": "Running",
                                     "rawState": "Running", "generation": 2, "cpuCount": 2,
                                     "memoryStartupBytes": 2147483648,
                                     "memoryAssignedBytes": 2147483648,
                                     "dynamicMemoryEnabled": False, "uptimeSeconds": 42,
                                     "ipAddresses": ["10.0.0.5"],
                                     "nics": [{"name": "nic0", "switch": "lan",
                                               "macAddress": "00155D010203", "vlanId": 40,
                                               "ipAddresses": ["10.0.0.5"]}],
                                     "disks": [{"name": "os", "path": "D:\\VMs\\os.vhdx",
                                                "sizeBytes": 32212254720}],
                                     "objectGeneration": 3, "restartRequired": True,
                                     "restartRequiredFields": ["cpu.count"]}}}
FAILED_OPERATION = {"id": "3fa2c1d0-8", "kind": "power", "uid": VM_SPEC["uid"], "state": "Failed",
                    "createdAtUnixMs": 1763776000000, "finishedAtUnixMs": 1763776000300,
                    "error": {"code": "OperationTimeout", "message": "Stop-VM did not finish",
                              "retryable": True}}
requests = [
    ("power-shutdown", 0, compact({"action": "shutdown", "timeoutSeconds": 300})),
    ("power-start", 0, compact({"action": "start"})),
    ("power-bad", 0, compact({"action": "hibernate", "timeoutSeconds": -1})),
    ("operation-ensure", 1, compact(OPERATION)),
    ("operation-failed", 1, compact(FAILED_OPERATION)),
    ("operation-pending", 1, compact({"id": "x-1", "kind": "delete", "uid": "u", "state": "Pending",
                                      "createdAtUnixMs": 1})),
    ("error-body", 2, compact({"code": "NotFound", "message": "no VM with uid u", "retryable": False})),
    ("route-vm", 3, "/v1/vms/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
    ("route-power", 3, "/v1/vms/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/power"),
    ("route-operation", 3, "/v1/operations/3fa2c1d0-7"),
    ("route-odd", 3, "/v1/vms//power/../host"),
    ("bearer", 4, "Bearer 9f86d081884c7d659a2feaa0c55ad015"),
    ("bearer-lowercase", 4, "bearer   abc"),
]
for name, selector, body in requests:
    write("agent_requests", name, bytes([selector]) + body.encode())

# ---- the four kinds, as JSON (what the operator decodes from the API server) ----
kinds = {"VirtualMachine": 0, "Tenant": 1, "Quota": 2, "HyperVHost": 3}
for example in sorted((ROOT / "examples").glob("*.yaml")):
    for index, document in enumerate(yaml.safe_load_all(example.read_text())):
        if isinstance(document, dict) and document.get("kind") in kinds:
            body = compact(document)
            write("api_kinds", "%s-%d.json" % (example.stem, index),
                  bytes([kinds[document["kind"]]]) + body.encode())
write("api_kinds", "quota-with-status.json", bytes([2]) + compact({
    "apiVersion": "hyperv.operator.io/v1alpha1", "kind": "Quota",
    "metadata": {"name": "team-a", "namespace": "team-a", "generation": 2},
    "spec": {"tenant": "team-a", "hard": {"cpu": 16, "memory": "64Gi", "storage": "2Ti", "vms": 10}},
    "status": {"used": {"cpu": 4, "memory": "8Gi", "storage": "140Gi", "vms": 2}}}).encode())

# ---- quantities and selectors ----
for name, text in [("binary", "8Gi\n512Mi"), ("milli", "1500m\n-250m"), ("exponent", "1e3\n2E-2"),
                   ("decimal", "0.5\n100k"), ("huge", "9223372036854775807\n1"),
                   ("fraction", "1.000000001Ki\n3n")]:
    write("quantity_selector", "quantity-" + name, b"\x00" + text.encode())
for name, text in [("equals", "app=web,tier!=db"), ("set", "zone in (a,b),!legacy,env notin (dev)"),
                   ("prefixed", "hyperv.operator.io/storage==ssd,topology.kubernetes.io/zone")]:
    write("quantity_selector", "selector-" + name, b"\x01" + text.encode())
write("quantity_selector", "labelselector-json", b"\x02" + compact({
    "matchLabels": {"hyperv.operator.io/storage": "ssd"},
    "matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["rack-a", "rack-b"]},
                         {"key": "legacy", "operator": "DoesNotExist"}]}).encode())

# ---- YAML ----
for example in sorted((ROOT / "examples").glob("*.yaml")):
    write("yaml_json", example.name, example.read_text())
write("yaml_json", "anchors.yaml", "base: &b {cpu: 2, on: yes}\nvm:\n  <<: *b\n  mem: 0x10\n"
      "  when: 2026-12-07\n  octal: 0o17\n  list: [~, .5, 1_000, !!str 12]\n---\n# empty\n---\n"
      "block: |\n  line 1\n  line 2\nfolded: >-\n  a\n  b\n")

# ---- patches: [live, patch] ----
LIVE = {"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "cfg", "namespace": "default", "resourceVersion": "12",
                     "labels": {"app": "web"},
                     "managedFields": [{"manager": "kubectl", "operation": "Apply", "apiVersion": "v1",
                                        "time": "2026-12-07T18:00:00Z", "fieldsType": "FieldsV1",
                                        "fieldsV1": {"f:data": {"f:a": {}}, "f:metadata": {"f:labels": {"f:app": {}}}}}]},
        "data": {"a": "1", "b": "2"}}
write("json_patch", "merge", b"\x00" + compact([LIVE, {"data": {"a": None, "c": "3"}, "metadata": {"labels": {"x": "y"}}}]).encode())
write("json_patch", "jsonpatch", b"\x01" + compact([LIVE, [
    {"op": "test", "path": "/metadata/resourceVersion", "value": "12"},
    {"op": "add", "path": "/metadata/finalizers", "value": ["hyperv.operator.io/vm"]},
    {"op": "remove", "path": "/data/b"}, {"op": "replace", "path": "/data/a", "value": "9"},
    {"op": "copy", "from": "/data/a", "path": "/data/z"}, {"op": "move", "from": "/data/z", "path": "/data/y"},
    {"op": "add", "path": "/metadata/finalizers/-", "value": "x"}]]).encode())
write("json_patch", "apply", b"\x02" + compact([LIVE, {"apiVersion": "v1", "kind": "ConfigMap",
      "metadata": {"name": "cfg", "labels": {"app": "api"}}, "data": {"a": "5", "d": "4"}}]).encode())
write("json_patch", "apply-force", b"\x42" + compact([LIVE, {"apiVersion": "v1", "kind": "ConfigMap",
      "metadata": {"name": "cfg"}, "data": {"a": "5"}}]).encode())
write("json_patch", "apply-create", b"\x02" + compact([None, {"apiVersion": "hyperv.operator.io/v1alpha1",
      "kind": "VirtualMachine", "metadata": {"name": "web-1", "namespace": "team-a"},
      "spec": {"cpu": {"count": 2}, "networks": [{"name": "lan", "switch": "external"}]}}]).encode())


# ---- protobuf bodies ----
def varint(n):
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def field(number, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def map_entry(number, key, value):
    return field(number, field(1, key) + field(2, value))


def envelope(api_version, kind, raw):
    unknown = field(1, field(1, api_version) + field(2, kind)) + field(2, raw)
    return b"k8s\x00" + unknown


meta = field(1, "cfg") + field(3, "default") + map_entry(11, "app", "web") + \
    field(8, varint(1 << 3) + varint(1796670000))
write("protobuf_decoder", "configmap", envelope("v1", "ConfigMap",
      field(1, meta) + map_entry(2, "a", "1") + map_entry(3, "blob", b"\x00\x01\xff")))
write("protobuf_decoder", "secret", envelope("v1", "Secret",
      field(1, field(1, "hv-01-credentials") + field(3, "hyperv-system")) +
      map_entry(2, "token", "placeholder") + field(3, "Opaque")))
write("protobuf_decoder", "namespace", envelope("v1", "Namespace", field(1, field(1, "team-a"))))
lease_spec = field(1, "hyperv-operator-7d9f") + varint(2 << 3) + varint(15)
write("protobuf_decoder", "lease", envelope("coordination.k8s.io/v1", "Lease",
      field(1, field(1, "hyperv-operator") + field(3, "hyperv-system")) + field(2, lease_spec)))
write("protobuf_decoder", "unknown-kind", envelope("v1", "Pod", field(1, field(1, "p"))))

# ---- ISO: mode 0 (volume id, files) and mode 1 (a VmSpec with cloud-init) ----
write("iso_writer", "files", b"\x00cidata\nuser-data\n#cloud-config\nhostname: web-1\n\x00"
      b"meta-data\ninstance-id: 0f1e\nlocal-hostname: web-1\n\x00network-config\nversion: 2\n")
write("iso_writer", "empty-file", b"\x00CIDATA\nuser-data\n\x00")
write("iso_writer", "bad-name", b"\x00cidata\nuser data?\nx\x00")
write("iso_writer", "vmspec", b"\x01" + compact(VM_SPEC).encode())

# ---- HTTP: raw bytes of one connection ----
http = {
    "get": "GET /api/v1/namespaces/default/configmaps?labelSelector=app%3Dweb&limit=5 HTTP/1.1\r\n"
           "Host: 127.0.0.1\r\nAuthorization: Bearer abc\r\nAccept: application/json\r\n\r\n",
    "put-body": "PUT /v1/vms/0f1e HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                "Content-Length: 15\r\n\r\n{\"uid\":\"0f1e\"}\n",
    "chunked": "POST /v1/vms/0f1e/power HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
               "5\r\nhello\r\n0\r\n\r\n",
    "pipelined": "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nHEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\n"
                 "GET /stream HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    "too-large": "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 99999\r\n\r\nabc",
    "refused": "POST /x HTTP/1.1\r\nHost: a\r\nX-Refuse: 1\r\nContent-Length: 3\r\n\r\nabc",
    "http10": "GET /throw?a=1&a=2&b HTTP/1.0\r\n\r\n",
    "encoded-path": "DELETE /v1/vms/a%2Fb%20c?x=%zz HTTP/1.1\r\nHost: a\r\n\r\n",
    "garbage": "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03",
}
for name, text in http.items():
    write("http_request", name, text.encode("latin-1"))
