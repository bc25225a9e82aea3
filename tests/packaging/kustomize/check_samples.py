"""config/samples builds into one valid object of each kind: every sample passes its CRD's
schema, so `kubectl apply -k config/samples` is accepted by the API server.

usage: check_samples.py RENDERED_SAMPLES.yaml
"""
import os
import sys

from crd_schema import load_crd_schemas, validate
from manifests import Checker, load_documents


def main():
    check = Checker("config/samples")
    schemas = load_crd_schemas(os.environ["HVO_REPO"])
    samples = load_documents(sys.argv[1])
    kinds = sorted(kind for (_, kind) in schemas)
    check.expect_equal(sorted(s["kind"] for s in samples), kinds, "one sample of each kind")
    for sample in samples:
        schema = schemas.get((sample["apiVersion"], sample["kind"]))
        check.expect(schema is not None, f'{sample["kind"]} {sample["apiVersion"]} has no CRD')
        problems = validate(sample, schema or {})
        check.expect(not problems, f'{sample["kind"]}/{sample["metadata"]["name"]}: {problems}')
    check.finish()


if __name__ == "__main__":
    main()
