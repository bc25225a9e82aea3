#!/usr/bin/env python3
"""Measurements for bench/scale/vm_rollout.sh (standard library only).

  rollout_measure.py create  --server URL --ca FILE --token-file FILE --namespace NS --vms N
      Creates vm-1..vm-N (1 vCPU, 512Mi, rocky-9) in NS from 4 connections, the way a GitOps
      tool applies a folder; prints the wall time at which the last create returned.

  rollout_measure.py watch   --server URL --ca FILE --token-file FILE --namespace NS --vms N
                             --timeout S --out FILE
      Watches VirtualMachines in NS and records, per VM, when the client saw it ADDED and when
      it first saw it Ready=True (wall clock, ms precision). Exits 0 once N VMs are Ready, 3 when
      the timeout passes first. The times are receipt times of watch events, so they include the
      emulator's watch delay (a few ms) but not the API's one-second timestamp granularity.

  rollout_measure.py queues  --metrics URL --min-adds N --timeout S
      Polls the operator's workqueue metrics until the operator serves them, its queues have
      taken at least N adds in all (the initial list of every informer) and every queue's depth
      is 0 with nothing in flight (workqueue_unfinished_work_seconds 0) on two polls in a row.
      Prints the wall time at which that held, or exits 3 at the timeout.

  rollout_measure.py settle  --metrics URL [--quiet S] --timeout S
      Polls the operator's rest_client_requests_total until its POSTs (Event creates: the only
      creates once every VM is Ready) have not moved for --quiet seconds (5); prints when the
      last one was seen, or exits 3 at the timeout.

  rollout_measure.py audit   --log FILE --user NAME --vms N --window NAME FROM TO ...
      Counts the user's requests in the emulator's audit log (ResponseComplete stage) per window
      (epoch seconds FROM..TO) by verb and resource, and the most writes any single Quota,
      Tenant or HyperVHost object took in one second. Writes to Leases (leader election) are
      counted apart (lease_writes), not in writes. Prints key=value lines.

  rollout_measure.py latency --watch-file FILE
      create→Ready per VM from a watch file: p50, p95 and max in seconds, key=value.
"""

import argparse
import collections
import datetime
import http.client
import json
import math
import re
import ssl
import sys
import threading
import time
import urllib.parse
import urllib.request


def connect(args, timeout=60):
    url = urllib.parse.urlparse(args.server)
    context = ssl.create_default_context(cafile=args.ca)
    return http.client.HTTPSConnection(url.hostname, url.port, context=context, timeout=timeout)


def vm_path(args):
    return f"/apis/hyperv.operator.io/v1alpha1/namespaces/{args.namespace}/virtualmachines"


def create(args):
    token = open(args.token_file).read().strip()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    names = iter(range(1, args.vms + 1))
    lock = threading.Lock()
    failures = []

    def creator():
        connection = connect(args)
        while True:
            with lock:
                i = next(names, None)
            if i is None:
                break
            vm = {"apiVersion": "hyperv.operator.io/v1alpha1", "kind": "VirtualMachine",
                  "metadata": {"name": f"vm-{i}", "namespace": args.namespace},
                  "spec": {"cpu": {"count": 1}, "memory": {"startup": "512Mi"},
                           "image": "rocky-9",
                           "networks": [{"name": "lan", "switch": "external"}]}}
            connection.request("POST", vm_path(args), body=json.dumps(vm), headers=headers)
            response = connection.getresponse()
            body = response.read()
            if response.status != 201:
                failures.append(f"vm-{i}: HTTP {response.status} {body[:200]!r}")
        connection.close()

    threads = [threading.Thread(target=creator) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"create: {len(failures)} failed, first: {failures[0]}")
    print(f"{time.time():.3f}")


def latency(args):
    data = json.load(open(args.watch_file))
    spans = sorted(data["ready"][name] - data["added"][name] for name in data["ready"])
    if not spans:
        print("create_to_ready_p50_s=nan\ncreate_to_ready_p95_s=nan\ncreate_to_ready_max_s=nan")
        return

    def percentile(p):  # nearest rank
        return spans[max(0, math.ceil(p / 100 * len(spans)) - 1)]

    print(f"create_to_ready_p50_s={percentile(50):.2f}")
    print(f"create_to_ready_p95_s={percentile(95):.2f}")
    print(f"create_to_ready_max_s={spans[-1]:.2f}")
    print(f"last_ready_at={max(data['ready'].values()):.3f}")
    print(f"ready_vms={len(spans)}")


def watch(args):
    token = open(args.token_file).read().strip()
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    base = vm_path(args)
    deadline = time.time() + args.timeout
    added, ready = {}, {}

    def note(vm, now):
        name = vm["metadata"]["name"]
        added.setdefault(name, now)
        for condition in vm.get("status", {}).get("conditions", []):
            if condition.get("type") == "Ready" and condition.get("status") == "True":
                ready.setdefault(name, now)

    def save(complete):
        with open(args.out, "w") as out:
            json.dump({"complete": complete, "added": added, "ready": ready}, out)

    # List first (the VMs may exist already), then watch from the list's resourceVersion,
    # resuming after the server ends a watch.
    connection = connect(args)
    connection.request("GET", base, headers=headers)
    response = connection.getresponse()
    if response.status != 200:
        sys.exit(f"watch: listing {base}: HTTP {response.status} {response.read()[:200]!r}")
    listed = json.load(response)
    connection.close()
    now = time.time()
    for vm in listed["items"]:
        note(vm, now)
    version = listed["metadata"]["resourceVersion"]
    open(args.out + ".listed", "w").close()  # tells the caller it may start creating
    while len(ready) < args.vms and time.time() < deadline:
        connection = connect(args, timeout=max(1.0, deadline - time.time()))
        query = urllib.parse.urlencode({"watch": "1", "resourceVersion": version,
                                        "allowWatchBookmarks": "true", "timeoutSeconds": "300"})
        try:
            connection.request("GET", f"{base}?{query}", headers=headers)
            response = connection.getresponse()
            if response.status != 200:
                sys.exit(f"watch: HTTP {response.status} {response.read()[:200]!r}")
            while len(ready) < args.vms:
                line = response.readline()
                if not line:
                    break  # the server ended this watch: resume from the last version
                event = json.loads(line)
                if event["type"] == "ERROR":
                    sys.exit(f"watch: error event {event['object']}")
                version = event["object"]["metadata"]["resourceVersion"]
                if event["type"] in ("ADDED", "MODIFIED"):
                    note(event["object"], time.time())
        except (TimeoutError, OSError) as error:
            if time.time() >= deadline:
                break
            print(f"watch: {error}; watching again", file=sys.stderr)
        finally:
            connection.close()
    complete = len(ready) >= args.vms
    save(complete)
    sys.exit(0 if complete else 3)


def metric_samples(text):
    """(name, labels text, value) per sample line of a Prometheus text exposition."""
    for line in text.splitlines():
        match = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)", line)
        if match:
            yield match.group(1), match.group(2) or "", float(match.group(3))


def queues(args):
    # Polled every 0.2 s: a scrape costs the operator CPU, and the drain it times takes seconds.
    deadline = time.time() + args.timeout
    settled = 0
    while time.time() < deadline:
        try:
            text = urllib.request.urlopen(args.metrics, timeout=2).read().decode()
        except OSError:
            settled = 0
            time.sleep(0.2)
            continue
        now = time.time()
        adds = depth = unfinished = 0.0
        for name, _, value in metric_samples(text):
            if name == "workqueue_adds_total":
                adds += value
            elif name == "workqueue_depth":
                depth += value
            elif name == "workqueue_unfinished_work_seconds":
                unfinished += value
        if adds >= args.min_adds and depth == 0 and unfinished == 0:
            settled += 1
            if settled == 1:
                drained_at = now
            if settled >= 2:
                print(f"{drained_at:.3f}")
                return
        else:
            settled = 0
        time.sleep(0.2)
    sys.exit(3)


def settle(args):
    """The operator's trailing Events: waits until its POSTs (Event creates, the only creates it
    makes once VMs are Ready) stopped for --quiet seconds; prints when the last one was seen."""
    deadline = time.time() + args.timeout
    last_posts, last_change = None, time.time()
    while time.time() < deadline:
        try:
            text = urllib.request.urlopen(args.metrics, timeout=2).read().decode()
        except OSError:
            time.sleep(0.2)
            continue
        now = time.time()
        posts = sum(value for name, labels, value in metric_samples(text)
                    if name == "rest_client_requests_total" and 'method="POST"' in labels)
        if posts != last_posts:
            last_posts, last_change = posts, now
        elif now - last_change >= args.quiet:
            print(f"{last_change:.3f}")
            return
        time.sleep(0.2)
    print(f"{last_change:.3f}")
    sys.exit(3)


def epoch(timestamp):
    return datetime.datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


WRITES = ("create", "update", "patch", "delete", "deletecollection")

# Summary keys of issue 11: resource (and subresource) and verbs → key.
CATEGORIES = [
    ("virtualmachines", "", ("update",), "vm_update"),
    ("virtualmachines", "status", ("update",), "vm_status_update"),
    ("virtualmachines", "status", ("patch",), "vm_status_patch"),
    ("virtualmachines", "", ("patch",), "vm_patch"),
    ("events", "", ("create", "patch", "update"), "event_writes"),
    ("quotas", "status", ("update", "patch"), "quota_status"),
    ("tenants", "status", ("update", "patch"), "tenant_status"),
    ("hypervhosts", "status", ("update", "patch"), "host_status"),
]


def audit(args):
    windows = [(name, float(start), float(end)) for name, start, end in args.window]
    counts = {name: collections.Counter() for name, _, _ in windows}
    summary = {name: collections.Counter() for name, _, _ in windows}
    # (window, resource, name, second) → writes, for the per-object rate.
    per_second = {name: collections.Counter() for name, _, _ in windows}
    # window → "resource/subresource" → 409 answers, to tell whose writes conflicted.
    conflicts = {name: collections.Counter() for name, _, _ in windows}
    with open(args.log) as log:
        for line in log:
            event = json.loads(line)
            if event.get("stage") != "ResponseComplete":
                continue
            if event.get("user", {}).get("username") != args.user:
                continue
            at = epoch(event["requestReceivedTimestamp"])
            ref = event.get("objectRef", {})
            resource, sub = ref.get("resource", "?"), ref.get("subresource", "")
            verb = event.get("verb", "?")
            for name, start, end in windows:
                if not start <= at < end:
                    continue
                counts[name][f"{verb} {resource}{'/' + sub if sub else ''}"] += 1
                if verb in WRITES and resource == "leases":
                    summary[name]["lease_writes"] += 1  # leader election, not VM work
                elif verb in WRITES:
                    summary[name]["writes"] += 1
                    key = next((k for r, s, verbs, k in CATEGORIES
                                if r == resource and s == sub and verb in verbs), "other_writes")
                    summary[name][key] += 1
                    if resource in ("quotas", "tenants", "hypervhosts"):
                        per_second[name][(resource, ref.get("name", "?"), int(at))] += 1
                    if event.get("responseStatus", {}).get("code") == 409:
                        summary[name]["conflicts"] += 1
                        conflicts[name][f"{resource}{'/' + sub if sub else ''}"] += 1
                elif verb == "get":
                    summary[name]["gets"] += 1
                elif verb == "list":
                    summary[name]["lists"] += 1
                elif verb == "watch":
                    summary[name]["watches"] += 1
    for name, _, _ in windows:
        keys = ["writes"] + [k for _, _, _, k in CATEGORIES] + [
            "other_writes", "conflicts", "lease_writes", "gets", "lists", "watches"]
        for key in keys:
            total = summary[name][key]
            print(f"{name}_{key}={total}")
            if args.vms and key not in ("watches", "lease_writes"):
                print(f"{name}_{key}_per_vm={total / args.vms:.2f}")
        for resource in ("quotas", "tenants", "hypervhosts"):
            peak = max((n for (r, _, _), n in per_second[name].items() if r == resource),
                       default=0)
            print(f"{name}_max_writes_per_s_one_{resource}={peak}")
        by_resource = ";".join(f"{key}:{n}" for key, n in sorted(conflicts[name].items()))
        print(f"{name}_conflicts_by_resource={by_resource}")
        detail = ";".join(f"{key}:{n}" for key, n in sorted(counts[name].items()))
        print(f"{name}_requests_by_verb_resource={detail}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create")
    w = sub.add_parser("watch")
    for p in (c, w):
        for flag in ("--server", "--ca", "--token-file", "--namespace"):
            p.add_argument(flag, required=True)
        p.add_argument("--vms", type=int, required=True)
    w.add_argument("--out", required=True)
    w.add_argument("--timeout", type=float, required=True)
    lat = sub.add_parser("latency")
    lat.add_argument("--watch-file", required=True)
    q = sub.add_parser("queues")
    q.add_argument("--metrics", required=True)
    q.add_argument("--min-adds", type=float, default=1)
    q.add_argument("--timeout", type=float, required=True)
    st = sub.add_parser("settle")
    st.add_argument("--metrics", required=True)
    st.add_argument("--quiet", type=float, default=5)
    st.add_argument("--timeout", type=float, required=True)
    a = sub.add_parser("audit")
    a.add_argument("--log", required=True)
    a.add_argument("--user", required=True)
    a.add_argument("--vms", type=int, default=0)
    a.add_argument("--window", nargs=3, action="append", metavar=("NAME", "FROM", "TO"),
                   required=True)
    args = parser.parse_args()
    {"create": create, "watch": watch, "queues": queues, "settle": settle, "audit": audit,
     "latency": latency}[args.command](args)


if __name__ == "__main__":
    main()
