"""What every chaos scenario checks at its end, from the API and from each sim agent's own
inventory (GET /v1/vms), never from the operator's metrics or logs:

  ready       every VirtualMachine is Ready=True, or its Ready condition explains why not (a
              reason and a message); a VM with no Ready condition at all is unexplained
  one-agent   each VM's uid is on exactly one agent
  host        status.host names that agent, status.vmId is the agent's vmId
  vmids       a VM's vmId (and host) did not change since the baseline taken before the fault
  quota       each Quota's status.used equals the sum of its VMs' status.allocated, and nothing
              stays reserved once every VM is provisioned
  orphans     no agent holds a VM whose uid no VirtualMachine has
  leader      no write by a former leader (audit log; leader_writes below)

`converge` polls them until all hold (the time to converge) or a timeout passes (the problems
left are the scenario's failure)."""

import bisect
import collections
import datetime
import json
import re
import time

from clients import ALL_VMS, QUOTAS, condition, retrying

UNITS = {"": 1, "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "Pi": 1 << 50,
         "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15}


def quantity(value):
    if value is None:
        return 0
    if isinstance(value, (int, float)):
        return int(value)
    match = re.fullmatch(r"([0-9.]+)([KMGTP]i|[kMGTP])?", str(value))
    if not match:
        raise ValueError(f"quantity {value!r} not understood")
    return int(float(match.group(1)) * UNITS[match.group(2) or ""])


def snapshot(cluster):
    """VMs (by uid) from the API and every agent's inventory (host → {uid: vm})."""
    vms = {vm["metadata"]["uid"]: vm
           for vm in retrying(lambda: cluster.api.get(ALL_VMS), attempts=60)["items"]}
    agents = {}
    for agent in cluster.agents:
        try:
            agents[agent.name] = {vm["uid"]: vm for vm in agent.inventory().get("vms", [])}
        except Exception as error:  # noqa: BLE001 - reported as a problem
            agents[agent.name] = error
    quotas = retrying(lambda: cluster.api.get(QUOTAS), attempts=60)["items"]
    return vms, agents, quotas


def baseline(cluster):
    """uid → (host, vmId) of every VM the agents hold now."""
    _, agents, _ = snapshot(cluster)
    placed = {}
    for host, inventory in agents.items():
        if isinstance(inventory, Exception):
            raise RuntimeError(f"baseline: agent {host} does not answer: {inventory}")
        for uid, vm in inventory.items():
            placed[uid] = (host, vm.get("vmId", ""))
    return placed


def check(cluster, base=None):
    """(problems, facts) for the cluster as it is now."""
    problems = []
    vms, agents, quotas = snapshot(cluster)
    facts = collections.Counter()
    facts["vms"] = len(vms)
    where = collections.defaultdict(list)
    for host, inventory in agents.items():
        if isinstance(inventory, Exception):
            problems.append(f"agent {host} does not answer: {inventory}")
            continue
        for uid, vm in inventory.items():
            where[uid].append((host, vm))
    for uid, vm in vms.items():
        name = f"{vm['metadata']['namespace']}/{vm['metadata']['name']}"
        ready = condition(vm, "Ready")
        if vm["metadata"].get("deletionTimestamp"):
            facts["terminating"] += 1
            problems.append(f"{name} still terminating")
        elif ready and ready.get("status") == "True":
            facts["ready"] += 1
        elif ready and ready.get("reason") and ready.get("message"):
            facts[f"explained:{ready['reason']}"] += 1
            problems.append(f"{name} not Ready: {ready['reason']}: {ready['message']}")
        else:
            facts["unexplained"] += 1
            problems.append(f"{name} not Ready and no Ready condition explains why")
        placed = where.get(uid, [])
        status = vm.get("status", {})
        if len(placed) != 1:
            if not vm["metadata"].get("deletionTimestamp") or len(placed) > 1:
                problems.append(f"{name} is on {len(placed)} agents: "
                                f"{[host for host, _ in placed]}")
            continue
        host, on_agent = placed[0]
        if status.get("host") != host:
            problems.append(f"{name}: status.host {status.get('host')!r}, the VM is on {host}")
        if status.get("vmId") != on_agent.get("vmId"):
            problems.append(f"{name}: status.vmId {status.get('vmId')!r}, agent {host} has "
                            f"{on_agent.get('vmId')!r}")
        if base and uid in base and base[uid] != (host, on_agent.get("vmId")):
            problems.append(f"{name} moved or was recreated: {base[uid]} -> "
                            f"{(host, on_agent.get('vmId'))}")
    orphans = [f"{host}:{uid}" for uid, placed in where.items() if uid not in vms
               for host, _ in placed]
    if orphans:
        problems.append(f"{len(orphans)} orphan VM(s) on agents: {orphans[:5]}")
    facts["on_agents"] = sum(len(placed) for placed in where.values())
    facts["orphans"] = len(orphans)
    problems += check_quotas(vms, quotas)
    return problems, facts


def check_quotas(vms, quotas):
    problems = []
    for quota in quotas:
        # The suite's tenants own one namespace each, named like the tenant.
        tenant = quota["spec"].get("tenant")
        mine = [vm for vm in vms.values() if vm["metadata"]["namespace"] == tenant
                and vm.get("status", {}).get("allocated")]
        want = {"vms": len(mine),
                "vcpus": sum(vm["status"]["allocated"].get("cpu", 0) for vm in mine),
                "memory": sum(quantity(vm["status"]["allocated"].get("memory")) for vm in mine)}
        used = quota.get("status", {}).get("used", {}) or {}
        got = {"vms": used.get("vms", 0), "vcpus": used.get("vcpus", 0),
               "memory": quantity(used.get("memory"))}
        if got != want:
            problems.append(f"quota {quota['metadata']['name']}: used {got}, allocations sum "
                            f"to {want}")
        reserved = quota.get("status", {}).get("reserved", {}) or {}
        if any(quantity(v) for v in reserved.values()) and all(
                condition(vm, "Ready") and condition(vm, "Ready").get("status") == "True"
                for vm in vms.values()):
            problems.append(f"quota {quota['metadata']['name']}: still reserved {reserved} "
                            "with every VM Ready")
    return problems


def converge(cluster, base=None, timeout=300, since=None):
    """Polls check() until no problem is left: (seconds from `since` to then or None, the last
    problems, facts)."""
    since = since or time.time()
    deadline = time.time() + timeout
    while True:
        problems, facts = check(cluster, base)
        if not problems:
            return time.time() - since, [], facts
        if time.time() >= deadline:
            return None, problems, facts
        time.sleep(1)


def _epoch(stamp):
    return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


WRITES = ("create", "update", "patch", "delete", "deletecollection")


def lease_holders(audit_log, uids):
    """The successful Lease writes of the operator replicas, oldest first: [(time, uid)]. The
    replica named by the latest one before a moment is the one that held the Lease then."""
    writes = []
    with open(audit_log) as log:
        for line in log:
            event = json.loads(line)
            if event.get("stage") != "ResponseComplete":
                continue
            uid = event.get("user", {}).get("uid")
            if uid not in uids or event.get("verb") not in WRITES:
                continue
            code = event.get("responseStatus", {}).get("code", 0)
            if event.get("objectRef", {}).get("resource") == "leases" and 200 <= code < 300:
                writes.append((_epoch(event["stageTimestamp"]), uid))
    writes.sort()
    return writes


def _holder_at(lease_writes, at):
    i = bisect.bisect_right([t for t, _ in lease_writes], at) - 1
    return lease_writes[i][1] if i >= 0 else None


def _clock(at):
    return f"{datetime.datetime.utcfromtimestamp(at):%H:%M:%S.%f}"


def leader_writes(audit_log, uids, since=0.0, until=float("inf")):
    """API writes made by an operator replica while another replica held the Lease: the latest
    successful Lease write completed before a write was received is the other replica's.

    Safety is about writes the server ACCEPTED (2xx): a process paused after its last check
    that it leads can always send one request late, and only the resource can refuse it (here
    the resourceVersion precondition, 409). Returns (accepted writes as text, figures); the
    refused attempts are counted and listed in the figures, not returned as violations."""
    lease_writes = lease_holders(audit_log, uids)
    accepted, refused, total = [], [], 0
    with open(audit_log) as log:
        for line in log:
            event = json.loads(line)
            if event.get("stage") != "ResponseComplete":
                continue
            uid = event.get("user", {}).get("uid")
            if uid not in uids or event.get("verb") not in WRITES:
                continue
            ref = event.get("objectRef", {})
            if ref.get("resource") == "leases":
                continue
            at = _epoch(event["requestReceivedTimestamp"])
            if not since <= at < until:
                continue
            total += 1
            holder = _holder_at(lease_writes, at)
            if holder == uid:
                continue
            code = event.get("responseStatus", {}).get("code", 0)
            resource = ref.get("resource", "?") + (
                "/" + ref["subresource"] if ref.get("subresource") else "")
            text = (f"{uid} {event['verb']} {resource} {ref.get('name', '')} (HTTP {code}) at "
                    f"{_clock(at)} while the Lease was last written by {holder}")
            (accepted if 200 <= code < 300 else refused).append(text)
    window = [uid for t, uid in lease_writes if since <= t < until]
    takeovers = sum(1 for a, b in zip(window, window[1:]) if a != b)
    return accepted, {"operator_writes": total, "lease_writes": len(lease_writes),
                      "former_leader_writes_accepted": len(accepted),
                      "former_leader_writes_refused": len(refused),
                      "former_leader_writes_refused_list": refused[:20],
                      "lease_takeovers": takeovers}


# One line per call that changes a host (hostagent/server/agent_api.cpp, record()):
#   2026-12-07T21:47:05.123Z info  agent write_served method=PUT route=/v1/vms/{uid} uid=...
#   status=409 error=StaleLeaseEpoch leaseEpoch=3 leaseHolder=chaos-operator-a_12345 seconds=0.0123
AGENT_WRITE = re.compile(r"^(\S+Z) \S+\s+\S+ write_served method=(\S+) route=(\S+) uid=(\S+) "
                         r"status=(\d+) error=(\S+) leaseEpoch=(\S+) leaseHolder=(\S+) "
                         r"seconds=([0-9.]+)")


def agent_writes(agent_logs, audit_log, replica_uids, since=0.0, until=float("inf")):
    """Calls that change a host, made by an operator replica while another one held the Lease,
    as the agents logged them (arrival = log time - seconds taken). `agent_logs` maps a host
    name to its log file, `replica_uids` a Lease holder's pod name (the identity before its
    '_suffix') to the replica's audit uid. A call the agent accepted (2xx) is a violation; one
    refused with StaleLeaseEpoch is the fence working; other refusals are counted apart.
    Calls without a leaseHolder (the suite's own sim-fault calls) are not the operator's.
    Returns (accepted calls as text, figures)."""
    lease_writes = lease_holders(audit_log, set(replica_uids.values()))
    accepted, fenced, other, total = [], [], [], 0
    for host, path in sorted(agent_logs.items()):
        try:
            lines = open(path, errors="replace").read().splitlines()
        except OSError:
            continue
        for line in lines:
            match = AGENT_WRITE.match(line)
            if not match:
                continue
            stamp, method, route, uid, status, error, epoch, holder, seconds = match.groups()
            replica = replica_uids.get(holder.rsplit("_", 1)[0])
            if replica is None:
                continue
            at = _epoch(stamp) - float(seconds)
            if not since <= at < until:
                continue
            total += 1
            leader = _holder_at(lease_writes, at)
            if leader == replica:
                continue
            code = int(status)
            text = (f"{holder} {method} {route.replace('{uid}', uid)} on {host} (epoch {epoch}, "
                    f"HTTP {code} {error}) at {_clock(at)} while the Lease was last written by "
                    f"{leader}")
            if 200 <= code < 300:
                accepted.append(text)
            elif error == "StaleLeaseEpoch":
                fenced.append(text)
            else:
                other.append(text)
    return accepted, {"operator_agent_writes": total,
                      "former_leader_agent_writes_accepted": len(accepted),
                      "former_leader_agent_writes_fenced": len(fenced),
                      "former_leader_agent_writes_refused_otherwise": len(other),
                      "former_leader_agent_writes_refused_list": (fenced + other)[:20]}
