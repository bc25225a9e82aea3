"""Metric names used by PromQL expressions (alert rules, Grafana panels and variables).

Not a PromQL parser: it removes what cannot hold a metric name (strings, label matchers, range
selectors, grouping clauses), then every identifier left that is not a keyword or a function
call is a metric name. promtool validates the syntax separately.
"""
import re

KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "offset", "atan2", "inf", "nan"}
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
_IDENTIFIER = re.compile(r"(?<![\w$.:])([A-Za-z_:][A-Za-z0-9_:]*)(?![\w])")
_LABEL_VALUES = re.compile(r"^\s*label_values\s*\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$", re.S)


def _strip_brackets(expr, open_char, close_char):
    out, depth = [], 0
    for char in expr:
        if char == open_char:
            depth += 1
        elif char == close_char and depth:
            depth -= 1
        elif not depth:
            out.append(char)
    return "".join(out)


def metric_names(expr):
    """The set of metric names an expression selects."""
    expr = _STRING.sub('""', expr)
    expr = _strip_brackets(expr, "{", "}")
    expr = _strip_brackets(expr, "[", "]")
    expr = _GROUPING.sub(" ", expr)
    names = set()
    for match in _IDENTIFIER.finditer(expr):
        name = match.group(1)
        rest = expr[match.end():].lstrip()
        if name.lower() in KEYWORDS or rest.startswith("("):
            continue
        names.add(name)
    return names


def grafana_variable_query_expr(query):
    """The PromQL inside a Grafana Prometheus variable query (label_values(expr, label))."""
    match = _LABEL_VALUES.match(query)
    return match.group(1) if match else query
