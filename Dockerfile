# syntax=docker/dockerfile:1
# hyperv-operator images, built from this repository:
#   docker build -t <registry>/hyperv-operator:<tag> .                  (target operator, the default)
#   docker build --target agent -t <registry>/hyperv-agent-sim:<tag> .  (Linux agent with the sim driver, for demos)
# The build stage installs the toolchain and libraries with the project's own dependency script,
# the same one developers and CI run, so the image is built exactly as the tests were.
ARG DEBIAN_RELEASE=bookworm

FROM debian:${DEBIAN_RELEASE} AS build
WORKDIR /src
# The dependency layer changes only when the script does, so code edits rebuild from here on.
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN HVO_TOOLS_DIR=/opt/hvo-tools bash scripts/install-deps.sh \
    && rm -rf /var/lib/apt/lists/*
COPY . .
# Tests and benchmarks are not built into images; binaries land in /out/bin.
RUN cmake -S . -B /tmp/build -DCMAKE_BUILD_TYPE=Release \
        -DHVO_BUILD_TESTS=OFF -DHVO_BUILD_BENCH=OFF \
        -DCMAKE_RUNTIME_OUTPUT_DIRECTORY=/out/bin \
    && cmake --build /tmp/build --target hyperv-operator hyperv-agent -j "$(nproc)" \
    && strip --strip-unneeded /out/bin/hyperv-operator /out/bin/hyperv-agent

# Shared by both images: only the runtime halves of the libraries the binaries link (one per
# line of tests/packaging/docker/runtime-libraries.tsv), CA certificates for TLS to the API
# server and the agents, and an unprivileged user. No compiler, no shell tools beyond slim's.
FROM debian:${DEBIAN_RELEASE}-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates \
        libcpprest2.10 \
        libssl3 \
        libyaml-cpp0.7 \
        libspdlog1.10 \
        libfmt9 \
        zlib1g \
        libstdc++6 \
        libgcc-s1 \
    && rm -rf /var/lib/apt/lists/*
# UID/GID 65532, as the Helm chart's securityContext expects (runAsNonRoot needs a numeric USER).
RUN groupadd --system --gid 65532 nonroot \
    && useradd --system --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin nonroot

# The agent with its sim driver: a simulated Hyper-V host for demos and tests on Linux. Real
# hosts run the Windows build of the agent as a service, not this image.
FROM runtime AS agent
COPY --from=build /out/bin/hyperv-agent /usr/local/bin/hyperv-agent
# A directory the unprivileged agent can write (cloud-init seed ISOs, the sim driver's state).
RUN install -d -o 65532 -g 65532 /var/lib/hyperv-agent
WORKDIR /var/lib/hyperv-agent
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/hyperv-agent"]

# The operator (the default target: last in the file). Metrics on 8080, /healthz and /readyz on
# 8081, as the chart and config/manager configure it.
FROM runtime AS operator
COPY --from=build /out/bin/hyperv-operator /usr/local/bin/hyperv-operator
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["/usr/local/bin/hyperv-operator"]
