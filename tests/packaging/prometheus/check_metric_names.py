"""Every metric the alert rules and the Grafana dashboard use is one docs/metrics.md lists (and,
given scrapes of a running operator's and agent's /metrics, one they really export).

usage: check_metric_names.py [--rules FILE]... [--dashboard FILE]... [--scrape FILE]...
Without --rules/--dashboard, checks the chart's alerts.yaml and hyperv-operator.json.
"""
import argparse
import json
import os
import re

import yaml

from manifests import Checker
from metrics_doc import documented_metrics, resolve
from promql import grafana_variable_query_expr, metric_names

REPO = os.environ["HVO_REPO"]
FILES = os.path.join(REPO, "charts", "hyperv-operator", "files")


def rule_expressions(path):
    with open(path, encoding="utf-8") as stream:
        document = yaml.safe_load(stream)
    for group in document.get("groups", []):
        for rule in group.get("rules", []):
            yield f'{path}: {rule.get("alert") or rule.get("record")}', rule["expr"]


def dashboard_expressions(path):
    with open(path, encoding="utf-8") as stream:
        dashboard = json.load(stream)

    def panels(items):
        for panel in items:
            yield panel
            yield from panels(panel.get("panels", []))

    for panel in panels(dashboard.get("panels", [])):
        for target in panel.get("targets", []):
            yield f'{path}: panel "{panel.get("title")}" {target.get("refId")}', target["expr"]
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") == "query":
            query = variable["query"]
            query = query.get("query", "") if isinstance(query, dict) else query
            yield f'{path}: variable {variable["name"]}', grafana_variable_query_expr(query)


def scraped_series_names(path):
    """Series names present in a Prometheus text exposition (a saved /metrics response)."""
    names = set()
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            line = line.strip()
            if line and not line.startswith("#"):
                names.add(re.split(r"[{\s]", line, maxsplit=1)[0])
    return names


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rules", action="append", default=[])
    parser.add_argument("--dashboard", action="append", default=[])
    parser.add_argument("--scrape", action="append", default=[])
    args = parser.parse_args()
    if not args.rules and not args.dashboard:
        args.rules = [os.path.join(FILES, "prometheus", "alerts.yaml")]
        args.dashboard = [os.path.join(FILES, "grafana", "hyperv-operator.json")]

    documented = documented_metrics(os.path.join(REPO, "docs", "metrics.md"))
    scraped = None
    for path in args.scrape:  # the operator's and the agents' series together
        scraped = (scraped or set()) | scraped_series_names(path)
    names = ", ".join(os.path.basename(path) for path in args.scrape)
    check = Checker("metric names" + (f" vs scrapes {names}" if args.scrape else ""))
    check.expect(len(documented) > 20, f"docs/metrics.md lists only {len(documented)} metrics")

    expressions = [e for path in args.rules for e in rule_expressions(path)]
    expressions += [e for path in args.dashboard for e in dashboard_expressions(path)]
    check.expect(expressions, "no expressions found")
    for where, expr in expressions:
        names = metric_names(expr)
        check.expect(names, f"{where}: no metric found in {expr!r}")
        for name in sorted(names):
            check.expect(resolve(name, documented) is not None,
                         f"{where}: {name} is not in docs/metrics.md")
            if scraped is not None:
                check.expect(name in scraped, f"{where}: {name} is not in the scrape")
    check.finish()


if __name__ == "__main__":
    main()
