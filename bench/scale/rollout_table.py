#!/usr/bin/env python3
"""Side-by-side Markdown table of vm_rollout.sh summaries (key=value files), one column each.

  bench/scale/rollout_table.py bench/scale/results/old-1000-50-0ms.txt build-bench/rollouts/1000-50-0ms.txt

Column titles are the file names; rows are issue 11's figures. Used to fill docs/benchmarks.md.
"""

import os
import sys


def load(path):
    with open(path) as f:
        return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)


def per_vm(s, *keys):
    """total_* (first create to end of idle) counts per VM; rollout_* + idle_* when absent."""
    prefixes = ["total_"] if f"total_{keys[0]}" in s else ["rollout_", "idle_"]
    total = sum(float(s[p + k]) for p in prefixes for k in keys)
    if s["all_ready"] != "1":  # a timed-out rollout: per VM would mean nothing
        return f"{total:.0f} in all"
    return f"{total / float(s['vms']):.2f}"


ROWS = [
    ("VMs / hosts / sim latency (ms) / host poll",
     lambda s: f"{s['vms']} / {s['hosts']} / {s['sim_latency_ms']} / {s.get('host_poll_interval', '5s')}"),
    ("date (UTC), load average", lambda s: f"{s['date'][:16]}, {s['loadavg'].replace(',', ' ')}"),
    ("all Ready after", lambda s: f"{s['all_ready_s']} s" if s["all_ready"] == "1"
     else f"not Ready after {s['all_ready_s']} s: {s['ready_vms']} Ready"),
    ("create → Ready p50 / p95", lambda s: f"{s['create_to_ready_p50_s']} / {s['create_to_ready_p95_s']} s"),
    ("operator writes per VM: rollout (rollout + 60 s idle)",
     lambda s: f"{float(s['rollout_writes_per_vm']):.2f} ({per_vm(s, 'writes')})" if s["all_ready"] == "1"
     else f"{s['rollout_writes']} in all"),
    # Per-VM write kinds below count the rollout and the 60 s after it (trailing writes).
    ("  VM update / status update / patch (rollout + idle)",
     lambda s: f"{per_vm(s, 'vm_update')} / {per_vm(s, 'vm_status_update')} / "
               f"{per_vm(s, 'vm_patch', 'vm_status_patch')}"),
    ("  Event create/patch", lambda s: per_vm(s, "event_writes")),
    ("  other writes", lambda s: per_vm(s, "other_writes")),
    ("  Quota / Tenant / HyperVHost status",
     lambda s: f"{per_vm(s, 'quota_status')} / {per_vm(s, 'tenant_status')} / {per_vm(s, 'host_status')}"),
    ("  409 conflicts (rollout)", lambda s: s["rollout_conflicts"]),
    ("GETs / LISTs per VM (rollout + idle)", lambda s: f"{per_vm(s, 'gets')} / {per_vm(s, 'lists')}"),
    ("max writes/s to one Quota / Tenant / HyperVHost",
     lambda s: f"{s['rollout_max_writes_per_s_one_quotas']} / {s['rollout_max_writes_per_s_one_tenants']}"
               f" / {s['rollout_max_writes_per_s_one_hypervhosts']}"),
    ("operator CPU per VM (rollout)", lambda s: f"{s['operator_cpu_ms_per_vm']} ms" if s["all_ready"] == "1"
     else f"{s['operator_cpu_rollout_s']} s for {s['ready_vms']} Ready ({s['operator_cpu_ms_per_vm']} ms each)"),
    ("operator peak RSS (VmHWM)", lambda s: f"{s['operator_peak_rss_mb']} MB"),
    ("trailing Events written until",
     lambda s: f"{s['events_settled_s']} s after all Ready"
               if s.get("events_settled_s", "nan") != "nan" else "–"),
    ("idle operator CPU, 60 s after all Ready",
     lambda s: f"{s['idle_cpu_pct']} % of a core" if s["idle_cpu_pct"] != "nan" else "skipped"),
    ("restart: queues drained after",
     lambda s: f"{s['restart_drain_s']} s" if s["restart_drain_s"] != "nan" else "skipped"),
    # A host's heartbeat is written once a minute whether or not the operator restarted: the
    # restart window (drain + 5 s) catches those that fall due in it.
    ("restart: writes (of them HyperVHost status)",
     lambda s: f"{s['restart_writes']} ({s.get('restart_host_status', '?')})"
               if s["restart_writes"] not in ("", "skipped") else s["restart_writes"] or "–"),
]


def cell(row, summary):
    try:
        return row[1](summary)
    except (KeyError, ValueError):
        return "–"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    summaries = [load(path) for path in sys.argv[1:]]
    titles = [os.path.basename(path).removesuffix(".txt") for path in sys.argv[1:]]
    print("| figure | " + " | ".join(titles) + " |")
    print("| --- |" + " --- |" * len(titles))
    for row in ROWS:
        print(f"| {row[0]} | " + " | ".join(cell(row, s) for s in summaries) + " |")


if __name__ == "__main__":
    main()
