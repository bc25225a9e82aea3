"""Prepares the Argo CD health check tests for the Lua runner: takes the scripts exactly as
shipped in examples/gitops/argocd/argocd-cm-health.yaml and the sample objects in cases/*.yaml,
and writes them as one Lua file (`return { {kind=, name=, script=, object=, expect=}, ... }`)
that run_health_tests.lua loads without needing a YAML parser.

usage: export_cases.py OUTPUT.lua
"""
import datetime
import glob
import os
import sys

import yaml

REPO = os.environ["HVO_REPO"]
SNIPPET = os.path.join(REPO, "examples", "gitops", "argocd", "argocd-cm-health.yaml")
CASES = os.path.join(REPO, "tests", "packaging", "argocd", "cases")
KEY_PREFIX = "resource.customizations.health.hyperv.operator.io_"


def lua_string(text):
    """A Lua string literal for any text: safe ASCII as is, every other byte of its UTF-8 form
    as a decimal escape (Lua 5.1 strings are bytes)."""
    safe = set(b" _-.:/,()'=+*%<>!?@#[]{}|~^&;$")
    return '"' + "".join(
        chr(byte) if chr(byte).isalnum() and byte < 128 or byte in safe else f"\\{byte:03d}"
        for byte in text.encode("utf-8")) + '"'


def lua_value(value):
    """A Lua literal for a JSON-like value, as Argo CD hands objects to health scripts: maps are
    tables keyed by field name, lists are tables indexed from 1, null is nil."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return lua_string(value)
    if isinstance(value, list):
        return "{" + ", ".join(lua_value(v) for v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{lua_string(str(k))}] = {lua_value(v)}"
                               for k, v in value.items() if v is not None) + "}"
    if isinstance(value, datetime.datetime):
        # YAML turns RFC 3339 timestamps into datetimes; the API server sends them as text.
        return lua_string(value.isoformat().replace("+00:00", "Z"))
    raise TypeError(f"cannot express {value!r} in Lua")


def main():
    with open(SNIPPET, encoding="utf-8") as stream:
        data = yaml.safe_load(stream)["data"]
    scripts = {key[len(KEY_PREFIX):]: text for key, text in data.items() if key.startswith(KEY_PREFIX)}
    entries, tested_kinds = [], set()
    for path in sorted(glob.glob(os.path.join(CASES, "*.yaml"))):
        with open(path, encoding="utf-8") as stream:
            suite = yaml.safe_load(stream)
        kind = suite["kind"]
        if kind not in scripts:
            sys.exit(f"{path}: argocd-cm-health.yaml has no health check for {kind}")
        tested_kinds.add(kind)
        for case in suite["cases"]:
            entries.append("{ kind = %s, name = %s, script = %s, object = %s, expect = %s }" % (
                lua_string(kind), lua_string(case["name"]), lua_string(scripts[kind]),
                lua_value(case["object"]), lua_value(case["expect"])))
    untested = sorted(set(scripts) - tested_kinds)
    if untested:
        sys.exit(f"no test cases for the health checks of {', '.join(untested)}")
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        out.write("return {\n  " + ",\n  ".join(entries) + "\n}\n")


if __name__ == "__main__":
    main()
