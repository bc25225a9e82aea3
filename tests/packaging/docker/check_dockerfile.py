"""Checks the Dockerfile by reading it (no Docker engine is needed): the build stage uses the
project's dependency script on Debian, the runtime stages are slim, run as a numeric non-root
user, start the right binary, and install exactly the runtime packages that
runtime-libraries.tsv maps the linked libraries to. Given built binaries, also checks that
every shared library they need (readelf -d) comes from one of those packages.

usage: check_dockerfile.py [--binary PATH]...
"""
import argparse
import json
import os
import re
import shlex
import shutil
import subprocess

from manifests import Checker

REPO = os.environ["HVO_REPO"]
TABLE = os.path.join(REPO, "tests", "packaging", "docker", "runtime-libraries.tsv")
# Installed beside the libraries for reasons of their own, documented in the Dockerfile.
EXTRA_RUNTIME_PACKAGES = {"ca-certificates"}
BINARIES = {"operator": "hyperv-operator", "agent": "hyperv-agent"}


def read_instructions(path):
    """[(INSTRUCTION, arguments)] with line continuations joined and comments dropped."""
    instructions, pending = [], ""
    with open(path, encoding="utf-8") as stream:
        for raw in stream:
            line = raw.rstrip("\n")
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.lstrip().startswith("#"):
                continue
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            text = (pending + line).strip()
            pending = ""
            keyword, _, rest = text.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def stages_of(instructions):
    """{stage name: {"from": base, "instructions": [...]}} in file order, ARG defaults expanded."""
    args, stages, current = {}, {}, None
    for keyword, rest in instructions:
        if keyword == "ARG" and current is None:
            name, _, default = rest.partition("=")
            args[name] = default
            continue
        if keyword == "FROM":
            for name, value in args.items():
                rest = rest.replace("${" + name + "}", value)
            match = re.match(r"(\S+)\s+AS\s+(\S+)", rest, re.IGNORECASE)
            base, current = (match.group(1), match.group(2)) if match else (rest, f"stage{len(stages)}")
            stages[current] = {"from": base, "instructions": []}
            continue
        stages[current]["instructions"].append((keyword, rest))
    return stages


def chain(stages, name):
    """The stage and the stages it is built on, nearest first."""
    result = []
    while name in stages:
        result.append(stages[name])
        name = stages[name]["from"]
    return result


def apt_packages(run_argument):
    words = shlex.split(run_argument.replace("&&", " && "))
    packages, collecting = set(), False
    for word in words:
        if word == "&&":
            collecting = False
        elif collecting and not word.startswith("-"):
            packages.add(word)
        elif word == "install" and "apt-get" in words:
            collecting = True
    return packages


def load_table():
    rows = []
    with open(TABLE, encoding="utf-8") as stream:
        for line in stream:
            if line.strip() and not line.startswith("#"):
                rows.append(tuple(line.rstrip("\n").split("\t")))
    return rows


def install_deps_packages():
    with open(os.path.join(REPO, "scripts", "install-deps.sh"), encoding="utf-8") as stream:
        text = stream.read()
    match = re.search(r"debian_packages=\((.*?)\)", text, re.S)
    return set(match.group(1).split()) if match else set()


def needed_libraries(binary, check):
    readelf = shutil.which("readelf")
    check.expect(readelf is not None, "readelf (binutils) is installed")
    if readelf is None:
        return set()
    output = subprocess.run([readelf, "-d", binary], capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", output))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", action="append", default=[])
    options = parser.parse_args()
    check = Checker("Dockerfile")
    stages = stages_of(read_instructions(os.path.join(REPO, "Dockerfile")))
    table = load_table()
    runtime_packages = {row[1] for row in table if row[1] != "libc6"}

    build = stages.get("build", {"from": "", "instructions": []})
    check.expect(re.fullmatch(r"debian:bookworm", build["from"]) is not None,
                 f"build stage on Debian bookworm (got {build['from']})")
    runs = [rest for keyword, rest in build["instructions"] if keyword == "RUN"]
    check.expect(any("scripts/install-deps.sh" in run for run in runs),
                 "build stage installs dependencies with scripts/install-deps.sh")
    copies = [rest for keyword, rest in build["instructions"] if keyword == "COPY"]
    check.expect(copies and "scripts/install-deps.sh" in copies[0],
                 "the dependency script is copied (and run) before the sources, for layer caching")
    check.expect(any("--target hyperv-operator hyperv-agent" in run for run in runs),
                 "build stage builds both binaries")
    check.expect(any("-DHVO_BUILD_TESTS=OFF" in run for run in runs), "tests are not built into the image")

    check.expect_equal(list(stages)[-1], "operator", "the default (last) target")
    for target, binary in BINARIES.items():
        stage_chain = chain(stages, target)
        check.expect(stage_chain, f"target {target} exists")
        if not stage_chain:
            continue
        base = stage_chain[-1]["from"]
        check.expect(base.endswith("-slim"), f"{target} runs on a slim Debian image (got {base})")
        every = [i for stage in reversed(stage_chain) for i in stage["instructions"]]
        users = [rest for keyword, rest in every if keyword == "USER"]
        check.expect(users, f"{target} sets a USER")
        if users:
            uid = users[-1].split(":")[0]
            check.expect(uid.isdigit() and int(uid) != 0,
                         f"{target} runs as a numeric non-root user (got {users[-1]}), as runAsNonRoot needs")
        entrypoints = [rest for keyword, rest in every if keyword == "ENTRYPOINT"]
        check.expect(entrypoints, f"{target} has an ENTRYPOINT")
        if entrypoints:
            try:
                entrypoint = json.loads(entrypoints[-1])
            except json.JSONDecodeError:
                entrypoint = None
            check.expect_equal(entrypoint, [f"/usr/local/bin/{binary}"],
                               f"{target} ENTRYPOINT (exec form, so signals reach the binary)")
        check.expect(any(keyword == "COPY" and f"--from=build /out/bin/{binary} " in rest + " "
                         for keyword, rest in every), f"{target} copies {binary} from the build stage")
        installed = set()
        for keyword, rest in every:
            if keyword == "RUN" and "apt-get install" in rest:
                installed |= apt_packages(rest)
                check.expect("--no-install-recommends" in rest, f"{target}: apt-get without recommends")
                check.expect("rm -rf /var/lib/apt/lists" in rest, f"{target}: apt lists removed in the same layer")
        check.expect_equal(sorted(installed), sorted(runtime_packages | EXTRA_RUNTIME_PACKAGES),
                           f"{target} runtime packages (runtime-libraries.tsv plus ca-certificates)")

    declared = install_deps_packages()
    for soname, runtime, build_package in table:
        check.expect(build_package in declared,
                     f"{soname}: its build package {build_package} is in scripts/install-deps.sh")
    known = {row[0]: row[1] for row in table}
    for binary in options.binary:
        for library in sorted(needed_libraries(binary, check)):
            check.expect(library in known, f"{os.path.basename(binary)} needs {library}, which "
                         "runtime-libraries.tsv does not map to a package (add it, and to the Dockerfile)")

    with open(os.path.join(REPO, ".dockerignore"), encoding="utf-8") as stream:
        ignored = {line.strip() for line in stream if line.strip() and not line.startswith("#")}
    for pattern in (".git", "build", "build-*", ".tools"):
        check.expect(pattern in ignored, f".dockerignore leaves {pattern} out of the build context")
    check.finish()


if __name__ == "__main__":
    main()
