"""Asks a running Prometheus whether it scrapes the hyperv-operator job and evaluates every
alert rule without error. Exits 0 when the target is up and every rule has been evaluated with
health ok, 1 when a rule or the target reports an error, 3 when not there yet (the caller polls).

usage: check_prometheus_state.py PROMETHEUS_URL
"""
import json
import sys
import urllib.error
import urllib.request


def get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)["data"]


def main():
    base = sys.argv[1].rstrip("/")
    try:
        return check(base)
    except (ConnectionError, urllib.error.URLError) as error:
        # Prometheus logs that it listens a little before it answers: not there yet.
        print(f"Prometheus not answering yet: {error}", file=sys.stderr)
        return 3


def check(base):
    targets = [t for t in get(f"{base}/api/v1/targets")["activeTargets"]
               if t["labels"].get("job") == "hyperv-operator"]
    if any(t["health"] == "down" and t.get("lastError") for t in targets):
        print(f'scrape failed: {targets[0]["lastError"]}')
        return 1
    if not targets or any(t["health"] != "up" for t in targets):
        return 3
    rules = [rule for group in get(f"{base}/api/v1/rules")["groups"] for rule in group["rules"]]
    errors = [f'{r["name"]}: {r.get("lastError")}' for r in rules if r.get("health") == "err"]
    if errors:
        print("rules failing to evaluate:\n  " + "\n  ".join(errors))
        return 1
    if not rules or any(r.get("health") != "ok" for r in rules):
        return 3
    print(f"target up; {len(rules)} rules evaluated without error")
    return 0


if __name__ == "__main__":
    sys.exit(main())
