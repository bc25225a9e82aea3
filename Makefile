# The project's front door. `make test` and `make demo` are the two commands the README names.
SHELL := /bin/bash
BUILD_DIR ?= build
ASAN_BUILD_DIR ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
# Every test runs once and a failure counts: no retries that would hide a flake. A test known to
# be flaky carries the `flaky` label (in its hvo_add_test, with a comment saying why) and runs in
# a step of its own after the others, so its failures stay visible and apart.
CTEST_FLAGS ?=
CTEST_RUN = ctest --output-on-failure --timeout $(1) $(CTEST_FLAGS)
# Runs the tests labelled flaky, if there are any.
CTEST_FLAKY = if ctest -N -L flaky | grep -q '^  Test'; then $(call CTEST_RUN,$(1)) -L flaky; fi
export PATH := $(CURDIR)/.tools/bin:$(PATH)
# ccache: paths relative to the checkout, so a fresh clone elsewhere (CI) reuses earlier objects.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

# `make bench` rollouts (bench/scale/vm_rollout.sh): VMs, hosts, sim latency in ms (empty:
# devcluster's), extra options. Each writes its key=value summary to build-bench/rollouts/; a run
# that times out (exit 3) reports how far it got and does not stop the others.
# BENCH_LARGE=1 adds 10,000 VMs on 200 hosts, which takes long (BENCH_LARGE_TIMEOUT seconds at most).
BENCH_LARGE ?=
BENCH_LARGE_TIMEOUT ?= 1800
ROLLOUT = echo "== bench/scale/vm_rollout.sh $(1) VMs / $(2) hosts, sim latency $(if $(3),$(3) ms,devcluster's)"; \
	bench/scale/vm_rollout.sh --build-dir build-bench --vms $(1) --hosts $(2) \
	$(if $(3),--sim-latency-ms $(3)) $(4) \
	--summary build-bench/rollouts/$(1)-$(2)-$(if $(3),$(3)ms,devcluster).txt || [ $$? -eq 3 ]

.PHONY: deps configure build test test-asan demo demo-down format format-check bench fuzz chaos clean

deps:
	@bash scripts/install-deps.sh

# The test build is unoptimised and without debug info: it compiles about twice as fast on two
# cores, and no test depends on speed. `make bench` builds optimised (build-bench/).
TEST_BUILD_FLAGS ?= -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0

configure: deps
	@cmake -S . -B $(BUILD_DIR) $(TEST_BUILD_FLAGS) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@cd $(BUILD_DIR) && $(call CTEST_RUN,600) -j $(JOBS) -LE flaky
	@cd $(BUILD_DIR) && $(call CTEST_FLAKY,600)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: deps
	@cmake -S . -B $(ASAN_BUILD_DIR) -DCMAKE_BUILD_TYPE=Debug -DHVO_SANITIZE=ON -DHVO_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(ASAN_BUILD_DIR) -j $(JOBS)
	@cd $(ASAN_BUILD_DIR) && $(call CTEST_RUN,900) -j $(JOBS) -LE flaky
	@cd $(ASAN_BUILD_DIR) && $(call CTEST_FLAKY,900)

# The main job: a local control plane with three simulated Hyper-V hosts and the operator.
demo: build
	@bash scripts/demo.sh

demo-down:
	@tools/devcluster down

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

format-check:
	@git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run --Werror

bench: deps
	@cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-bench -j $(JOBS) --target bench_apiserver bench_runtime bench_agent \
		apiserver-lite hyperv-operator hyperv-agent
	@for b in build-bench/bench/*/bench_*; do echo "== $$b"; $$b; done
	@mkdir -p build-bench/rollouts
	@$(call ROLLOUT,200,3,0)
	@$(call ROLLOUT,1000,50,0)
	@$(call ROLLOUT,200,3,)
	@if [ -n "$(BENCH_LARGE)" ]; then $(call ROLLOUT,10000,200,0,--timeout $(BENCH_LARGE_TIMEOUT)); fi

# libFuzzer targets (fuzz/) built with clang, ASan and UBSan in $(FUZZ_BUILD_DIR), each run for
# FUZZ_SECONDS; the report (executions, crashes per target) is $(FUZZ_BUILD_DIR)/fuzz-report.txt.
# `make test` only replays the corpora (fuzz_replay_* in the normal build).
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: deps
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD_DIR) -DHVO_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
		-DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >/dev/null
	@cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS) --target $(if $(FUZZ_TARGETS),$(addprefix fuzz_,$(FUZZ_TARGETS)),hvo_fuzz_all)
	@fuzz/run.sh $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The fault suite (bench/chaos/run.py, issue 17): every scenario on one local cluster of the test
# build, each sim agent in its own network namespace (needs root and `ip`; CHAOS_FLAGS= without
# --netns runs the rest on loopback). About 20 minutes; figures to build/chaos-results.json,
# reported in docs/reliability.md. Exit status 1 when a scenario did not converge or a former
# leader wrote.
CHAOS_FLAGS ?= --netns
chaos: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target apiserver-lite hyperv-operator hyperv-agent
	@python3 bench/chaos/run.py $(CHAOS_FLAGS) --build-dir $(BUILD_DIR) \
		--results $(BUILD_DIR)/chaos-results.json

clean:
	@rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR) $(FUZZ_BUILD_DIR)
