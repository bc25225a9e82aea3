#!/usr/bin/env python3
"""A stand-in for pwsh / powershell.exe in the agent's tests.

It records what it was given (argv, every stdin line) as JSON lines in $HVO_FAKE_PWSH_LOG and
answers like the agent's scripts would, with rows shaped like Windows PowerShell 5.1 prints
them: integer enums, \\/Date(ms)\\/ times, a TimeSpan object, one-element arrays unwrapped.

$HVO_FAKE_PWSH_MODE changes its behaviour: "crash-once" exits on the first request (and only the
first run does), "hang" never answers, "garbage" prints stray lines (not JSON, and a reply to
another id) before each reply, "slow" answers after 1.5 s.
"""
import json
import os
import sys
import time

LOG = os.environ.get("HVO_FAKE_PWSH_LOG", "/dev/null")
MODE = os.environ.get("HVO_FAKE_PWSH_MODE", "")
STATE = os.environ.get("HVO_FAKE_PWSH_STATE", "")  # file marking that crash-once happened


def record(entry):
    with open(LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")


def vm_row(uid, state, name="team-a.web-1"):
    return {
        "vmId": "6f1c1d0e-0000-4000-8000-000000000001",
        "name": name,
        "notes": "hyperv-operator-uid: %s\r\nhyperv-operator-image: ubuntu-24.04\r\n"
                 "hyperv-operator-generation: 3" % uid,
        "state": state,                      # 5.1: the VMState enum as an integer
        "generation": 2,
        "processorCount": 2,
        "cpuReserve": 0, "cpuLimit": 100, "cpuWeight": 100,
        "exposeVirtualizationExtensions": False,
        "memoryStartupBytes": 2147483648,
        "memoryAssignedBytes": 2147483648 if state == 2 else 0,
        "dynamicMemoryEnabled": False,
        "uptime": {"Ticks": 425000000, "Days": 0, "Hours": 0, "Minutes": 0, "Seconds": 42,
                   "TotalSeconds": 42.5},     # 5.1: a TimeSpan object
        "startedAt": "/Date(1700000000000)/",  # printed as "\/Date(...)\/" below
        "nics": {"name": "nic0", "switchName": "lan", "macAddress": "00155D0A0B0C",
                 "dynamicMacAddress": True, "vlanId": 40,
                 "ipAddresses": "10.0.0.5"},  # 5.1: one-element arrays unwrapped
        "disks": [{"name": "os", "path": "D:\\VMs\\%s\\os.vhdx" % uid, "sizeBytes": 32212254720,
                   "differencing": True},
                  {"name": "data", "path": "D:\\VMs\\%s\\data.vhdx" % uid,
                   "sizeBytes": 10737418240, "differencing": False}],
        "dvdPath": "",
        "secureBoot": 0,                     # 5.1: OnOffState.On as an integer
        "secureBootTemplate": "MicrosoftUEFICertificateAuthority",
        "tpm": False,
    }


def answer(script, data):
    if script == "host-info":
        return {"name": "HV-01", "os": "Microsoft Windows Server 2022 Datacenter 10.0.20348",
                "logicalProcessorCount": 32, "memoryCapacityBytes": 137438953472,
                "freeMemoryBytes": 68719476736, "storageCapacityBytes": 2199023255552,
                "storageFreeBytes": 1099511627776, "allocatedCpu": 4,
                "switches": {"name": "lan", "switchType": 1},
                "images": [{"name": "ubuntu-24.04", "sizeBytes": 3221225472}],
                "managedVmCount": 1, "unmanagedVmCount": 2}
    if script == "inventory":
        uid = data.get("uid") or "u-inventory"
        if uid == "u-missing":
            return {"vms": [], "unmanagedCount": 2}
        foreign = vm_row(uid, 3, "hand-made")
        foreign["notes"] = "made by hand"
        return {"vms": [vm_row(uid, 2), foreign], "unmanagedCount": 2}
    if script == "ensure":
        if data["phase"] == "mark":
            row = vm_row(data["uid"], 2)
            row["notes"] += "\r\nhyperv-operator-applied: " + data["applied"]
            return {"vm": row}
        uid = data["spec"]["uid"]
        if data["phase"] == "create":
            running = data["spec"].get("name") == "already-running"
            return {"created": not running, "vm": vm_row(uid, 2 if running else 3)}
        return {"vm": vm_row(uid, 2)}
    if script in ("power", "remove"):
        return {"vm": vm_row("u-power", 3)} if script == "power" else {"removed": True}
    raise ValueError("unknown script " + script)


def reply_line(script, data, request_id=None):
    try:
        reply = {"ok": True, "result": answer(script, data)}
    except Exception as error:  # the script's own error path
        reply = {"ok": False, "error": {"code": "DriverError", "message": str(error)}}
    if request_id is not None:
        reply["id"] = request_id
    # 5.1 escapes the slashes of its DateTime form: "\/Date(1700000000000)\/".
    return json.dumps(reply).replace('"/Date(', '"\\/Date(').replace(')/"', ')\\/"')


def main():
    record({"argv": sys.argv})
    script_file = sys.argv[sys.argv.index("-File") + 1] if "-File" in sys.argv else ""
    if script_file.endswith("worker.ps1"):
        for line in sys.stdin:
            record({"stdin": line})
            if MODE == "crash-once" and STATE and not os.path.exists(STATE):
                open(STATE, "w").close()
                sys.exit(3)
            if MODE == "hang":
                time.sleep(3600)
            request = json.loads(line)
            if MODE == "garbage":
                print("WARNING: something PowerShell printed", flush=True)
                print(json.dumps({"id": "stale", "ok": False}), flush=True)
            if MODE == "slow":
                time.sleep(1.5)
            print(reply_line(request["script"], request["input"], request["id"]), flush=True)
        return
    text = sys.stdin.read()
    record({"stdin": text})
    name = os.path.basename(script_file)[: -len(".ps1")]
    print("WARNING: a line before the reply")
    print(reply_line(name, json.loads(text)))


main()
