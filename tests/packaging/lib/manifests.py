"""Loading rendered Kubernetes manifests (helm template, kubectl kustomize) for the packaging tests."""
import sys

import yaml


def load_documents(path):
    """Every non-empty YAML document of a multi-document file, in order."""
    with open(path, encoding="utf-8") as stream:
        return [doc for doc in yaml.safe_load_all(stream) if doc]


def index_by_kind_and_name(documents):
    """{(kind, name): object}; a duplicate (kind, name) is an error of the render."""
    index = {}
    for doc in documents:
        key = (doc["kind"], doc["metadata"]["name"])
        if key in index:
            raise ValueError(f"{key[0]}/{key[1]} rendered twice")
        index[key] = doc
    return index


class Checker:
    """Collects failed expectations so one run reports all of them, then exits non-zero."""

    def __init__(self, subject):
        self.subject = subject
        self.failures = []
        self.checks = 0

    def expect(self, condition, message):
        self.checks += 1
        if not condition:
            self.failures.append(message)

    def expect_equal(self, actual, expected, what):
        if actual == expected:
            self.expect(True, what)
            return
        path, got, want = first_difference(actual, expected)
        self.expect(False, f"{what}: at {path or 'top'} expected {_short(want)}, got {_short(got)}")

    def finish(self):
        for failure in self.failures:
            print(f"FAIL [{self.subject}] {failure}")
        passed = self.checks - len(self.failures)
        print(f"{self.subject}: {passed} passed, {len(self.failures)} failed")
        sys.exit(1 if self.failures or self.checks == 0 else 0)


def first_difference(actual, expected, path=""):
    """(path, actual part, expected part) of the first place two values differ."""
    if isinstance(actual, dict) and isinstance(expected, dict):
        for key in sorted(set(actual) | set(expected), key=str):
            if actual.get(key, _MISSING) != expected.get(key, _MISSING):
                return first_difference(actual.get(key, _MISSING), expected.get(key, _MISSING),
                                        f"{path}.{key}")
    if isinstance(actual, list) and isinstance(expected, list) and len(actual) == len(expected):
        for index, (a, e) in enumerate(zip(actual, expected)):
            if a != e:
                return first_difference(a, e, f"{path}[{index}]")
    return path, actual, expected


class _Missing:
    def __repr__(self):
        return "<missing>"


_MISSING = _Missing()


def _short(value, limit=400):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"
