#!/usr/bin/env python3
"""The chaos suite's invariant checks (bench/chaos/invariants.py) catch what they claim to: each
case builds a broken cluster state (fake API and agents) or audit log and expects the problem."""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench", "chaos"))

from clients import ALL_VMS, QUOTAS  # noqa: E402
from invariants import agent_writes, check, leader_writes, quantity  # noqa: E402


def vm(name, uid, host, vm_id, ready="True", reason="Running", cpu=1, memory="512Mi"):
    conditions = [{"type": "Ready", "status": ready, "reason": reason, "message": "m"}]
    if ready is None:
        conditions = []
    return {"metadata": {"name": name, "namespace": "t", "uid": uid},
            "status": {"host": host, "vmId": vm_id, "conditions": conditions,
                       "allocated": {"cpu": cpu, "memory": memory}}}


def quota(vms, vcpus, memory):
    return {"metadata": {"name": "t"}, "spec": {"tenant": "t"},
            "status": {"used": {"vms": vms, "vcpus": vcpus, "memory": memory}}}


class FakeApi:
    def __init__(self, vms, quotas):
        self.answers = {ALL_VMS: {"items": vms}, QUOTAS: {"items": quotas}}

    def get(self, path):
        return self.answers[path]


class FakeAgent:
    def __init__(self, name, vms):
        self.name, self.vms = name, vms

    def inventory(self):
        return {"vms": [{"uid": uid, "vmId": vm_id} for uid, vm_id in self.vms.items()]}


class FakeCluster:
    def __init__(self, vms, agents, quotas):
        self.api = FakeApi(vms, quotas)
        self.agents = [FakeAgent(name, held) for name, held in agents.items()]


def problems_of(vms, agents, quotas, base=None):
    return check(FakeCluster(vms, agents, quotas), base)[0]


class CheckTest(unittest.TestCase):
    def setUp(self):
        self.vms = [vm("a", "u1", "hv-01", "id1"), vm("b", "u2", "hv-02", "id2")]
        self.agents = {"hv-01": {"u1": "id1"}, "hv-02": {"u2": "id2"}}
        self.quotas = [quota(2, 2, "1Gi")]

    def test_a_consistent_cluster_has_no_problem(self):
        self.assertEqual(problems_of(self.vms, self.agents, self.quotas,
                                     {"u1": ("hv-01", "id1")}), [])

    def test_a_vm_on_two_agents_is_reported(self):
        self.agents["hv-02"]["u1"] = "id9"
        self.assertTrue(any("on 2 agents" in p for p in
                            problems_of(self.vms, self.agents, self.quotas)))

    def test_an_orphan_on_an_agent_is_reported(self):
        self.agents["hv-01"]["u-gone"] = "id7"
        self.assertTrue(any("orphan" in p for p in
                            problems_of(self.vms, self.agents, self.quotas)))

    def test_status_host_that_is_not_the_agent_is_reported(self):
        self.vms[0]["status"]["host"] = "hv-02"
        self.assertTrue(any("status.host" in p for p in
                            problems_of(self.vms, self.agents, self.quotas)))

    def test_a_recreated_vm_is_reported_against_the_baseline(self):
        found = problems_of(self.vms, self.agents, self.quotas, {"u1": ("hv-01", "id-old")})
        self.assertTrue(any("recreated" in p for p in found))

    def test_a_vm_without_ready_condition_is_unexplained(self):
        self.vms[1] = vm("b", "u2", "hv-02", "id2", ready=None)
        self.assertTrue(any("no Ready condition" in p for p in
                            problems_of(self.vms, self.agents, self.quotas)))

    def test_quota_used_that_is_not_the_sum_of_allocations_is_reported(self):
        found = problems_of(self.vms, self.agents, [quota(2, 3, "1Gi")])
        self.assertTrue(any("quota t" in p for p in found))

    def test_quantities(self):
        self.assertEqual(quantity("512Mi") * 2, quantity("1Gi"))
        self.assertEqual(quantity(1073741824), quantity("1Gi"))
        self.assertEqual(quantity("2k"), 2000)


def audit_line(uid, verb, resource, at, code=200, name="x"):
    stamp = f"2026-01-01T00:00:{at:09.6f}Z"
    return json.dumps({"stage": "ResponseComplete", "verb": verb, "user": {"uid": uid},
                       "objectRef": {"resource": resource, "name": name},
                       "responseStatus": {"code": code}, "requestReceivedTimestamp": stamp,
                       "stageTimestamp": stamp})


class LeaderWritesTest(unittest.TestCase):
    def run_log(self, lines):
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as log:
            log.write("\n".join(lines) + "\n")
        try:
            return leader_writes(log.name, {"a", "b"})
        finally:
            os.unlink(log.name)

    def test_writes_by_the_lease_holder_are_fine(self):
        violations, figures = self.run_log([
            audit_line("a", "create", "leases", 1), audit_line("a", "update", "virtualmachines", 2),
            audit_line("b", "update", "leases", 20), audit_line("b", "update", "quotas", 21)])
        self.assertEqual(violations, [])
        self.assertEqual(figures["lease_takeovers"], 1)

    def test_a_write_accepted_after_another_replica_took_the_lease_is_a_violation(self):
        # The 409 is the API server's precondition refusing the late write: reported, not a
        # violation. The Event create was accepted: a violation.
        violations, figures = self.run_log([
            audit_line("a", "create", "leases", 1), audit_line("b", "update", "leases", 20),
            audit_line("a", "update", "virtualmachines", 21, code=409),
            audit_line("a", "create", "events", 22, code=201)])
        self.assertEqual(len(violations), 1)
        self.assertIn("create events", violations[0])
        self.assertEqual(figures["former_leader_writes_refused"], 1)
        self.assertEqual(figures["former_leader_writes_accepted"], 1)
        self.assertIn("update virtualmachines", figures["former_leader_writes_refused_list"][0])

    def test_a_failed_lease_write_does_not_make_a_leader(self):
        violations, _ = self.run_log([
            audit_line("a", "create", "leases", 1), audit_line("b", "update", "leases", 5, 409),
            audit_line("a", "update", "virtualmachines", 6)])
        self.assertEqual(violations, [])


def agent_line(at, method, status, epoch, holder, error="-", seconds=0.5, uid="u1"):
    return (f"2026-01-01T00:00:{at:06.3f}Z info  agent write_served method={method} "
            f"route=/v1/vms/{{uid}} uid={uid} status={status} error={error} leaseEpoch={epoch} "
            f"leaseHolder={holder} seconds={seconds:.4f}")


class AgentWritesTest(unittest.TestCase):
    """A former leader's calls as the agents logged them: accepted after the takeover is a
    violation; refused by the epoch fence is counted; the suite's own calls are not the
    operator's; arrival time (log time - seconds) decides, not the time of the answer."""

    def run_logs(self, agent_lines):
        audit = [audit_line("a", "create", "leases", 1), audit_line("b", "update", "leases", 20)]
        files = []
        try:
            with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as log:
                log.write("\n".join(audit) + "\n")
            files.append(log.name)
            with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as agent:
                agent.write("\n".join(["2026-01-01T00:00:00.000Z info  agent agent_started"] +
                                      agent_lines) + "\n")
            files.append(agent.name)
            return agent_writes({"hv-01": agent.name}, log.name,
                                {"chaos-operator-a": "a", "chaos-operator-b": "b"})
        finally:
            for name in files:
                os.unlink(name)

    def test_calls_of_the_holder_and_of_the_suite_are_fine(self):
        violations, figures = self.run_logs([
            agent_line(5, "PUT", 202, 0, "chaos-operator-a_1"),
            agent_line(25, "PUT", 200, 1, "chaos-operator-b_7"),
            agent_line(26, "PUT", 200, "none", "none")])
        self.assertEqual(violations, [])
        self.assertEqual(figures["operator_agent_writes"], 2)

    def test_a_call_accepted_after_the_takeover_is_a_violation_a_fenced_one_is_not(self):
        violations, figures = self.run_logs([
            agent_line(22, "PUT", 202, 0, "chaos-operator-a_1"),
            agent_line(23, "DELETE", 409, 0, "chaos-operator-a_1", error="StaleLeaseEpoch"),
            agent_line(24, "POST", 409, 0, "chaos-operator-a_1", error="Conflict")])
        self.assertEqual(len(violations), 1)
        self.assertIn("PUT /v1/vms/u1 on hv-01 (epoch 0, HTTP 202 -)", violations[0])
        self.assertEqual(figures["former_leader_agent_writes_accepted"], 1)
        self.assertEqual(figures["former_leader_agent_writes_fenced"], 1)
        self.assertEqual(figures["former_leader_agent_writes_refused_otherwise"], 1)

    def test_a_call_that_arrived_before_the_takeover_is_its_holders(self):
        # Answered at 21 s after 2 s of work: it arrived at 19 s, while a held the Lease.
        violations, _ = self.run_logs([agent_line(21, "PUT", 200, 0, "chaos-operator-a_1",
                                                  seconds=2.0)])
        self.assertEqual(violations, [])


if __name__ == "__main__":
    unittest.main()
