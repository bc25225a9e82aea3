"""The Grafana dashboard is well formed and every query in it is valid PromQL.

Structure: unique panel ids and refIds, every query panel bound to the ${datasource} variable,
panels inside the 24-column grid and not overlapping, every $variable a query uses defined.
Syntax: each panel and variable query becomes a recording rule in a scratch rules file that
`promtool check rules` parses (Grafana's $__rate_interval and $variables replaced by values
Prometheus accepts).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

from manifests import Checker
from promql import grafana_variable_query_expr

DASHBOARD = os.path.join(os.environ["HVO_REPO"], "charts", "hyperv-operator", "files", "grafana",
                         "hyperv-operator.json")
GRAFANA_BUILTINS = {"__rate_interval": "5m", "__interval": "1m", "__range": "1h"}
_VARIABLE = re.compile(r"\$(\w+)|\$\{(\w+)\}")


def all_panels(items):
    for panel in items:
        yield panel
        yield from all_panels(panel.get("panels", []))


def substitute_variables(expr):
    def replace(match):
        name = match.group(1) or match.group(2)
        return GRAFANA_BUILTINS.get(name, ".*")
    return _VARIABLE.sub(replace, expr)


def check_layout(panels, check):
    occupied = {}
    for panel in panels:
        grid = panel.get("gridPos", {})
        x, y, w, h = (grid.get(k) for k in ("x", "y", "w", "h"))
        if None in (x, y, w, h):
            check.expect(False, f'panel "{panel.get("title")}" has no complete gridPos')
            continue
        check.expect(0 <= x and x + w <= 24, f'panel "{panel["title"]}" leaves the 24-column grid')
        overlaps = set()
        for row in range(y, y + h):
            for column in range(x, x + w):
                other = occupied.setdefault((row, column), panel["title"])
                if other != panel["title"]:
                    overlaps.add(other)
        check.expect(not overlaps, f'panel "{panel["title"]}" overlaps {sorted(overlaps)}')


def main():
    check = Checker("grafana dashboard")
    with open(DASHBOARD, encoding="utf-8") as stream:
        dashboard = json.load(stream)
    check.expect_equal(dashboard.get("uid"), "hyperv-operator", "dashboard uid")
    check.expect(dashboard.get("title"), "dashboard has a title")

    variables = {v["name"]: v for v in dashboard.get("templating", {}).get("list", [])}
    check.expect_equal(variables.get("datasource", {}).get("type"), "datasource",
                       "a datasource variable selects the Prometheus")
    check.expect_equal(variables.get("datasource", {}).get("query"), "prometheus",
                       "the datasource variable lists Prometheus data sources")

    panels = list(all_panels(dashboard.get("panels", [])))
    ids = [p.get("id") for p in panels]
    check.expect_equal(len(ids), len(set(ids)), "panel ids are unique")
    check_layout(panels, check)

    queries = []
    for panel in panels:
        if panel.get("type") == "row":
            continue
        targets = panel.get("targets", [])
        check.expect(targets, f'panel "{panel.get("title")}" has queries')
        check.expect(panel.get("description"), f'panel "{panel.get("title")}" says what it shows')
        check.expect_equal(panel.get("datasource", {}).get("uid"), "${datasource}",
                           f'panel "{panel.get("title")}" data source')
        ref_ids = [t.get("refId") for t in targets]
        check.expect_equal(len(ref_ids), len(set(ref_ids)), f'panel "{panel.get("title")}" refIds unique')
        for target in targets:
            check.expect_equal(target.get("datasource", {}).get("uid"), "${datasource}",
                               f'panel "{panel.get("title")}" query data source')
            queries.append((f'{panel["title"]} {target.get("refId")}', target.get("expr", "")))
    for name, variable in variables.items():
        if variable.get("type") == "query":
            query = variable["query"]
            query = query.get("query", "") if isinstance(query, dict) else query
            queries.append((f"variable {name}", grafana_variable_query_expr(query)))

    for where, expr in queries:
        for match in _VARIABLE.finditer(expr):
            name = match.group(1) or match.group(2)
            check.expect(name in variables or name in GRAFANA_BUILTINS,
                         f"{where}: uses undefined variable ${name}")
    check_promql_syntax(queries, check)
    check.finish()


def check_promql_syntax(queries, check):
    promtool = shutil.which("promtool")
    if promtool is None:
        print("FAIL: promtool is not installed; run scripts/install-deps.sh", file=sys.stderr)
        sys.exit(1)
    rules = [{"record": f"dashboard:query_{i}", "expr": substitute_variables(expr)}
             for i, (_, expr) in enumerate(queries)]
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "dashboard-queries.yaml")
        with open(path, "w", encoding="utf-8") as stream:
            yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, stream)
        result = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
    check.expect(result.returncode == 0,
                 f"promtool rejects a dashboard query:\n{result.stdout}{result.stderr}")
    check.expect(len(queries) >= 15, f"only {len(queries)} dashboard queries found")


if __name__ == "__main__":
    main()
