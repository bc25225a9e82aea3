"""Every value in the chart's values.yaml is documented in its README's values table, and the
table documents nothing that does not exist (so the README cannot drift from the chart)."""
import os
import re

import yaml

from manifests import Checker

CHART = os.path.join(os.environ["HVO_REPO"], "charts", "hyperv-operator")

# Maps whose keys are user data (labels, resource names), documented as one value.
OPAQUE = {"resources", "podSecurityContext", "securityContext", "affinity",
          "serviceAccount.annotations", "metrics.service.annotations", "podAnnotations",
          "podLabels", "nodeSelector", "serviceMonitor.labels", "prometheusRule.labels",
          "grafanaDashboard.labels", "grafanaDashboard.annotations"}


def leaf_keys(values, prefix=""):
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and path not in OPAQUE:
            yield from leaf_keys(value, path + ".")
        else:
            yield path


def main():
    check = Checker("chart README")
    with open(os.path.join(CHART, "values.yaml"), encoding="utf-8") as stream:
        keys = set(leaf_keys(yaml.safe_load(stream)))
    with open(os.path.join(CHART, "README.md"), encoding="utf-8") as stream:
        readme = stream.read()
    documented = set(re.findall(r"^\| `([A-Za-z0-9_.]+)` \|", readme, flags=re.MULTILINE))
    for key in sorted(keys):
        check.expect(key in documented, f"value {key} is not in the README's values table")
    for key in sorted(documented - keys):
        check.expect(False, f"README documents {key}, which values.yaml does not have")
    check.finish()


if __name__ == "__main__":
    main()
