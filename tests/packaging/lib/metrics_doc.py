"""The metric names docs/metrics.md promises, with their types: the contract that alerts and
dashboards may rely on."""
import re

_ROW = re.compile(r"^\|\s*(`[^|]*`)\s*\|\s*([a-z]*)\s*\|", re.MULTILINE)
_NAME = re.compile(r"`([a-zA-Z_:][a-zA-Z0-9_:]*)`")
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def documented_metrics(path):
    """{name: type}; type is '' where the doc groups several metrics in one row."""
    with open(path, encoding="utf-8") as stream:
        text = stream.read()
    metrics = {}
    for cell, kind in _ROW.findall(text):
        for name in _NAME.findall(cell):
            metrics[name] = kind
    return metrics


def resolve(name, metrics):
    """The documented metric a series name belongs to (histogram series map to their family),
    or None."""
    if name in metrics:
        return name
    for suffix in HISTOGRAM_SUFFIXES:
        base = name[: -len(suffix)]
        if name.endswith(suffix) and metrics.get(base) == "histogram":
            return base
    return None
