"""The chaos scenarios. Each takes the running cluster and its parameters, injects its fault
while VMs roll out or sit idle, and returns what the runner needs: when the fault ended (the time
to converge counts from there), the baseline of VM placements the fault must not change, and
figures of its own. The runner then checks the invariants (invariants.py) until they hold.

Names given to VMs carry the scenario's name, so a failure names where a VM came from."""

import collections
import concurrent.futures
import datetime
import json
import os
import signal
import subprocess
import threading
import time

from clients import HOSTS, VMS, HttpError, condition, retrying, vm_object
from cluster import log
from invariants import AGENT_WRITE, baseline, converge

NAMESPACE = "chaos"
# The VMs the scenarios created and did not delete: the runner checks the API holds exactly them.
EXPECTED = set()


def setup_tenant(cluster):
    cluster.kubectl("apply", "-f", "-", stdin=f"""
apiVersion: hyperv.operator.io/v1alpha1
kind: Tenant
metadata: {{name: {NAMESPACE}}}
spec:
  namespaces: [{NAMESPACE}]
---
apiVersion: hyperv.operator.io/v1alpha1
kind: Quota
metadata: {{name: {NAMESPACE}}}
spec:
  tenant: {NAMESPACE}
  hard: {{vcpus: 100000, memory: 1000Ti, storage: 100000Ti, vms: 100000}}
""")
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            cluster.api.get(f"/api/v1/namespaces/{NAMESPACE}")
            return
        except (HttpError, OSError):
            time.sleep(0.5)
    raise RuntimeError(f"the operator did not create namespace {NAMESPACE}")


def create_vms(cluster, names, parallel=4):
    """Creates the VMs (an AlreadyExists counts as done: a create retried after an emulator
    restart may have landed the first time)."""
    def one(name):
        def post():
            try:
                cluster.api.request("POST", VMS.format(ns=NAMESPACE), vm_object(NAMESPACE, name))
            except HttpError as error:
                if error.status != 409:
                    raise
        retrying(post, attempts=120, pause=0.5)
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, names))
    EXPECTED.update(names)


def delete_vms(cluster, names):
    EXPECTED.difference_update(names)
    for name in names:
        retrying(lambda: cluster.api.request("DELETE", f"{VMS.format(ns=NAMESPACE)}/{name}",
                                             ok=(200, 202, 404)), attempts=60, pause=0.5)


def vms_on(cluster, host):
    items = retrying(lambda: cluster.api.get(VMS.format(ns=NAMESPACE)))["items"]
    return [vm["metadata"]["name"] for vm in items if vm.get("status", {}).get("host") == host]


def host_conditions(cluster, name):
    """The HyperVHost's conditions as Type=Status(Reason), what the operator made of a fault."""
    host = retrying(lambda: cluster.api.get(f"{HOSTS}/{name}"))
    return " ".join(f"{c['type']}={c['status']}({c.get('reason', '')})"
                    for c in host.get("status", {}).get("conditions", []))


def names(prefix, count):
    return [f"{prefix}-{i}" for i in range(1, count + 1)]


def in_background(function, *args):
    result = {}

    def body():
        try:
            function(*args)
        except Exception as error:  # noqa: BLE001 - handed to the scenario
            result["error"] = error
    thread = threading.Thread(target=body, daemon=True)
    thread.start()

    def join():
        thread.join()
        if "error" in result:
            raise result["error"]
    return join


def next_leader(cluster, holder, timeout=180):
    """Waits until a Lease holder other than `holder` leads (the Lease lasts 15 s)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        leader, now = cluster.leader()
        if now != holder:
            return leader, now
        time.sleep(0.2)
    raise RuntimeError(f"no replica took the Lease from {holder} within {timeout} s")


def operator_kill_storm(cluster, vms=500, kills=20, work_seconds=3.0):
    """SIGKILL the leading replica `kills` times while `vms` VMs are created in batches, one
    batch after each takeover; the supervisor starts each killed replica again as the standby."""
    base = baseline(cluster)
    batch = -(-vms // kills)
    all_names = names("storm", vms)
    takeovers = []
    leader, holder = cluster.leader()
    pending = None
    for k in range(kills):
        if pending:
            pending()
        pending = in_background(create_vms, cluster, all_names[k * batch:(k + 1) * batch])
        time.sleep(work_seconds)  # the leader is mid-rollout
        killed_at = time.time()
        with cluster.lock:
            process = leader.process
        if process is None or process.poll() is not None:
            raise RuntimeError(f"leader {holder} is not running")
        process.send_signal(signal.SIGKILL)
        new_leader, new_holder = next_leader(cluster, holder)
        takeovers.append(time.time() - killed_at)
        log(f"storm: kill {k + 1}/{kills} of {holder}; {new_holder} leads "
            f"{takeovers[-1]:.1f} s later")
        leader, holder = new_leader, new_holder
    pending()
    ended = time.time()
    takeovers.sort()
    return ended, base, {
        "vms_created": vms, "kills": kills,
        "takeover_s_min": round(takeovers[0], 1),
        "takeover_s_median": round(takeovers[len(takeovers) // 2], 1),
        "takeover_s_max": round(takeovers[-1], 1)}


def agent_kill(cluster, host_index=2, down_seconds=60, new_vms=10):
    """SIGKILL one agent for down_seconds while new VMs are created; start it again."""
    agent = cluster.agents[host_index - 1]
    base = baseline(cluster)
    on_host = len([u for u, (h, _) in base.items() if h == agent.name])
    agent.kill()
    started = time.time()
    create_vms(cluster, names(f"agentdown-{agent.name}", new_vms))
    time.sleep(max(0.0, down_seconds - (time.time() - started)))
    agent.start()
    return time.time(), base, {"host": agent.name, "vms_on_host": on_host,
                               "down_s": down_seconds, "vms_created_meanwhile": new_vms}


def apiserver_restart(cluster, new_vms=30):
    """SIGTERM apiserver-lite while VMs are being created, start it again at once."""
    base = baseline(cluster)
    join = in_background(create_vms, cluster, names("apirestart", new_vms))
    time.sleep(1.0)
    began = time.time()
    cluster.restart_component("apiserver")
    back = time.time()
    join()
    return back, base, {"api_down_s": round(back - began, 1), "vms_created": new_vms}


def etcd_restart(cluster, new_vms=30, down_seconds=3.0):
    """SIGTERM etcd while VMs are being created; start it again after down_seconds."""
    base = baseline(cluster)
    join = in_background(create_vms, cluster, names("etcdrestart", new_vms))
    time.sleep(1.0)
    began = time.time()
    cluster.restart_component("etcd", down_seconds=down_seconds)
    back = time.time()
    join()
    return back, base, {"etcd_down_s": round(back - began, 1), "vms_created": new_vms}


def compaction(cluster, new_vms=20):
    """Changes, an etcd compaction to the head revision, more changes, then an emulator restart:
    every watch resumes from a revision that is compacted away and has to relist."""
    base = baseline(cluster)
    create_vms(cluster, names("compact", new_vms))
    endpoint = f"http://127.0.0.1:{cluster.ports()['ETCD_PORT']}"
    status = subprocess.run(["etcdctl", "--endpoints", endpoint, "endpoint", "status",
                             "--write-out", "json"], check=True, capture_output=True, text=True)
    revision = json.loads(status.stdout)[0]["Status"]["header"]["revision"]
    subprocess.run(["etcdctl", "--endpoints", endpoint, "compact", str(revision)], check=True,
                   capture_output=True)
    delete_vms(cluster, names("compact", new_vms)[: new_vms // 2])
    cluster.restart_component("apiserver")
    return time.time(), base, {"compacted_to_revision": revision, "vms_created": new_vms,
                               "vms_deleted": new_vms // 2}


def delete_while_host_down(cluster, host_index=3, deletes=5, down_seconds=30):
    """Kill a host's agent, delete some of its VMs, keep it down for down_seconds; the VMs must
    wait (not vanish from the API while still on the host), and go once it is back."""
    agent = cluster.agents[host_index - 1]
    victims = vms_on(cluster, agent.name)[:deletes]
    base = baseline(cluster)
    agent.kill()
    delete_vms(cluster, victims)
    time.sleep(down_seconds)
    items = retrying(lambda: cluster.api.get(VMS.format(ns=NAMESPACE)))["items"]
    waiting = [vm for vm in items if vm["metadata"]["name"] in victims]
    shown = sorted({f"{(condition(vm, 'Ready') or {}).get('status')}/"
                    f"{(condition(vm, 'Ready') or {}).get('reason')}" for vm in waiting})
    if len(waiting) != len(victims):
        raise RuntimeError(f"{len(victims) - len(waiting)} VM(s) deleted from the API while "
                           f"their host {agent.name} was down")
    agent.start()
    return time.time(), base, {"host": agent.name, "deleted": len(victims),
                               "down_s": down_seconds,
                               "still_waiting_while_down": len(waiting),
                               "ready_condition_while_waiting": ",".join(shown)}


def network_faults(cluster, seconds=30, new_vms=12, converge_timeout=300):
    """One fault at a time, each on its own host for `seconds` while new VMs are created, then
    lifted and the invariants awaited (per-step time to converge). Kernel-level: a silent
    partition (a blackhole route in the host's namespace for the root's address: SYNs and
    answers vanish, clients time out), link down (the veth loses carrier) and a slow link (tbf
    24kbit on both ends). Through the userspace proxy: 1.5 s latency each way with 30 % of new
    connections reset, and a black hole at TCP level (connections accepted, nothing forwarded)."""
    if not cluster.netns:
        raise RuntimeError("network faults need --netns")
    a = cluster.agents
    pick = lambda i: a[i % len(a)]  # noqa: E731
    steps = [("partition (blackhole route)", pick(0), lambda: pick(0).blackhole(True),
              lambda: pick(0).blackhole(False)),
             ("link down (veth)", pick(1), lambda: pick(1).link(False),
              lambda: pick(1).link(True)),
             ("slow link (tbf 24kbit)", pick(2), lambda: pick(2).rate_limit("24kbit"),
              lambda: pick(2).rate_limit(None)),
             ("latency 1.5 s + 30 % resets (proxy)", pick(3),
              lambda: pick(3).set_faults(delay_ms=1500, reset=0.3), lambda: pick(3).set_faults()),
             ("TCP black hole (proxy stall)", pick(4), lambda: pick(4).set_faults(stall=True),
              lambda: pick(4).set_faults())]
    base = baseline(cluster)
    figures = {}
    for i, (what, agent, inject, lift) in enumerate(steps, start=1):
        step_base = baseline(cluster)
        inject()
        began = time.time()
        create_vms(cluster, names(f"net{i}", new_vms))
        probe = time.time()
        try:
            agent.inventory()
            seen = f"GET /v1/vms took {time.time() - probe:.1f} s"
        except Exception as error:  # noqa: BLE001 - what the fault does to a client
            seen = f"GET /v1/vms failed after {time.time() - probe:.1f} s ({type(error).__name__})"
        time.sleep(max(0.0, seconds - (time.time() - began)))
        shown = host_conditions(cluster, agent.name)
        lift()
        lifted = time.time()
        took, problems, _ = converge(cluster, step_base, converge_timeout, lifted)
        if took is None:
            raise RuntimeError(f"{what}: not converged {converge_timeout} s after: {problems[:5]}")
        figures[f"step{i}"] = (f"{what} on {agent.name}: {seen}; host at the end of the fault: "
                               f"{shown}; converged "
                               f"{took:.1f} s after lifted")
        log(f"network: {figures[f'step{i}']}")
    return time.time(), base, dict(figures, fault_s_each=seconds,
                                   vms_created=new_vms * len(steps))


def lease_loss(cluster, new_vms=60, paused_seconds=25):
    """Freeze the leader (SIGSTOP) in the middle of a rollout for longer than the Lease lasts,
    let the standby take over, then let the old leader run again (SIGCONT). It must stop
    without writing: the runner's audit check covers this."""
    base = baseline(cluster)
    leader, holder = cluster.leader()
    join = in_background(create_vms, cluster, names("leaseloss", new_vms))
    time.sleep(1.5)  # reconciles in flight
    with cluster.lock:
        cluster.paused.add(leader.replica)
        process = leader.process
    process.send_signal(signal.SIGSTOP)
    frozen = time.time()
    next_leader(cluster, holder)
    takeover = time.time() - frozen
    time.sleep(max(0.0, paused_seconds - (time.time() - frozen)))
    resumed = time.time()
    process.send_signal(signal.SIGCONT)
    with cluster.lock:
        cluster.paused.discard(leader.replica)
    try:
        process.wait(timeout=60)
        exit_after = round(time.time() - resumed, 1)
    except subprocess.TimeoutExpired:
        exit_after = "did not exit within 60 s"
    join()
    agent_calls = agent_calls_after(
        os.path.join(cluster.dir, f"operator-{leader.replica}.log"), resumed)
    replay = stale_replay(cluster, leader)
    return time.time(), base, {"frozen_s": paused_seconds, "takeover_s": round(takeover, 1),
                               "stale_replay": replay,
                               "old_leader_agent_work_after_resume": agent_calls,
                               "old_leader_exit_after_resume_s": exit_after,
                               "old_leader_exit_code": process.returncode,
                               "audit_since": frozen, "vms_created": new_vms}


def stale_replay(cluster, old):
    """What a leader frozen with a call in flight sends when it resumes: a change under the
    Lease epoch it last led with (read from the agents' logs of its calls), sent here by the
    suite to every agent after the takeover (a start of a VM already running, harmless if it
    were accepted). Each agent must refuse it with StaleLeaseEpoch: by now the new leader's
    host polls have told every agent its epoch. The agents log it as a call of the old leader,
    so the runner's agent check counts it (refused: fenced; accepted: a violation).
    Returns the answer per host, e.g. 'hv-01:409 StaleLeaseEpoch'."""
    epoch = holder = None
    for agent in cluster.agents:
        with open(os.path.join(cluster.dir, f"{agent.name}.log"), errors="replace") as lines:
            for line in lines:
                match = AGENT_WRITE.match(line)
                if match and match.group(8).rsplit("_", 1)[0] == old.pod:
                    epoch, holder = match.group(7), match.group(8)
    if holder is None:
        return "no call of the old leader seen on the agents"
    answers = []
    for agent in cluster.agents:
        running = [vm["uid"] for vm in agent.inventory().get("vms", [])
                   if vm.get("state") == "Running"]
        if not running:
            answers.append(f"{agent.name}:no running VM")
            continue
        try:
            agent.client.request("POST", f"/v1/vms/{running[0]}/power",
                                 {"action": "start", "timeoutSeconds": 60}, ok=(200, 202),
                                 headers={"X-Hvo-Lease-Epoch": epoch,
                                          "X-Hvo-Lease-Holder": holder})
            answers.append(f"{agent.name}:ACCEPTED")
        except HttpError as error:
            try:
                code = json.loads(error.body).get("code", "?")
            except ValueError:
                code = "?"
            answers.append(f"{agent.name}:{error.status} {code}")
    log(f"lease-loss: replay of {holder}'s epoch {epoch}: {', '.join(answers)}")
    return f"epoch {epoch} of {holder}: " + ", ".join(answers)


# Operator log events that stand for a call to an agent (controllers/*.cpp).
AGENT_EVENTS = ("vm_created", "vm_power", "vm_removed_from_host", "vm_operation_pending",
                "agent_operation_finished", "vm_drift_seen", "host_poll_failed",
                "host_inventory_failed", "vm_operation_failed", "vm_scheduled")


def agent_calls_after(log_path, since):
    """Agent-side work (and placements, vm_scheduled) the old leader logged from `since` (its
    resumption, long after its Lease expired) until it stopped: the audit log sees API writes
    only, and agents do not log who called them."""
    seen = collections.Counter()
    with open(log_path) as log_file:
        for line in log_file:
            parts = line.split()
            if len(parts) < 4:
                continue
            try:
                at = datetime.datetime.strptime(parts[0], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                    tzinfo=datetime.timezone.utc).timestamp()
            except ValueError:
                continue
            if at < since:
                continue
            if parts[3] in AGENT_EVENTS:
                seen[parts[3]] += 1
            elif parts[3] == "operator_stopped":
                break
    return ";".join(f"{name}:{n}" for name, n in sorted(seen.items())) or "none"


FULL = [
    ("operator-kill-storm", operator_kill_storm, {}),
    ("agent-kill-60s", agent_kill, {}),
    ("apiserver-restart", apiserver_restart, {}),
    ("etcd-restart", etcd_restart, {}),
    ("compaction", compaction, {}),
    ("delete-while-host-down", delete_while_host_down, {}),
    ("network-faults", network_faults, {}),
    ("lease-loss", lease_loss, {}),
]

SMOKE = [
    ("operator-kill-rollout", operator_kill_storm, {"vms": 20, "kills": 2, "work_seconds": 1.0}),
    ("agent-down-up", agent_kill, {"host_index": 2, "down_seconds": 10, "new_vms": 4}),
]
