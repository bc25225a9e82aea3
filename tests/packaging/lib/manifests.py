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
        self.expect(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")

    def finish(self):
        for failure in self.failures:
            print(f"FAIL [{self.subject}] {failure}", file=sys.stderr)
        passed = self.checks - len(self.failures)
        print(f"{self.subject}: {passed} passed, {len(self.failures)} failed")
        sys.exit(1 if self.failures or self.checks == 0 else 0)
