"""Validates objects against the repository's CRDs (structural OpenAPI v3 subset): types,
int-or-string, required fields, enums, bounds, patterns, and unknown fields (which the API
server would prune silently, so in a manifest they are always a mistake)."""
import glob
import os
import re

import yaml

_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def load_crd_schemas(repo):
    """{(apiVersion, kind): openAPIV3Schema} for every served version of every CRD in crds/."""
    schemas = {}
    for path in sorted(glob.glob(os.path.join(repo, "crds", "*.yaml"))):
        with open(path, encoding="utf-8") as stream:
            crd = yaml.safe_load(stream)
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            schemas[(f'{group}/{version["name"]}', kind)] = version["schema"]["openAPIV3Schema"]
    return schemas


def _type_ok(value, schema):
    if schema.get("x-kubernetes-int-or-string"):
        return isinstance(value, (int, str)) and not isinstance(value, bool)
    kind = schema.get("type")
    if kind is None:
        return True
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[kind])


def validate(value, schema, path="", problems=None):
    """Every problem as 'path: what is wrong'."""
    problems = [] if problems is None else problems
    if not _type_ok(value, schema):
        problems.append(f"{path or '.'}: expected {schema.get('type', 'int-or-string')}, got {value!r}")
        return problems
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            problems.append(f"{path}: {value} is below the minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            problems.append(f"{path}: {value} is above the maximum {schema['maximum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        problems.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                problems.append(f"{path}.{name}: required")
        properties = schema.get("properties")
        for name, child in value.items():
            if properties is not None and name in properties:
                validate(child, properties[name], f"{path}.{name}", problems)
            elif "additionalProperties" in schema and isinstance(schema["additionalProperties"], dict):
                validate(child, schema["additionalProperties"], f"{path}.{name}", problems)
            elif properties is not None and not schema.get("x-kubernetes-preserve-unknown-fields"):
                if not (path == "" and name in ("apiVersion", "kind", "metadata")):
                    problems.append(f"{path}.{name}: unknown field")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            validate(item, schema["items"], f"{path}[{index}]", problems)
    return problems
