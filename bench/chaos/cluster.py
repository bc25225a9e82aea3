"""The chaos suite's cluster: tools/devcluster's control plane (etcd, apiserver-lite with its
audit log, CRDs, the chart's RBAC), sim agents started here (each in its own network namespace
with --netns), and operator replicas with leader election that this module supervises the way a
Deployment would: a replica that exits or is killed is started again after a second.

Each operator replica has its own token for the same ServiceAccount user (a different uid in the
token file), so the emulator's audit log tells the replicas' requests apart (user.uid) while RBAC
sees one identity."""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time

from clients import HOSTS, LEASE, JsonClient, retrying

OPERATOR_USER = "system:serviceaccount:hyperv-system:hyperv-operator"
REPLICAS = ("a", "b")
NETNS_PORT = 9443      # the address the operator dials inside a host's network namespace
NETNS_AGENT_PORT = 9444  # the agent itself, behind the fault proxy, on the namespace's loopback


def log(message):
    print(f"chaos: {time.strftime('%H:%M:%S', time.gmtime())} {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*command, check=True, **kwargs):
    return subprocess.run(command, check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kwargs)


class Agent:
    """One sim host hv-NN. With a network namespace: the agent listens on the namespace's
    loopback, the fault proxy on the veth address the operator dials."""

    def __init__(self, cluster, index):
        self.cluster = cluster
        self.index = index
        self.name = f"hv-{index:02d}"
        self.dir = os.path.join(cluster.dir, "agents", self.name)
        # Names carry this run's pid, so a teardown never touches another run's namespaces.
        tag = os.getpid() % 10000
        self.netns = f"hvc{tag}-{index}" if cluster.netns else None
        self.network_created = False
        if self.netns:
            self.ip = f"10.77.{index}.2"
            self.root_if, self.ns_if = f"h{tag}r{index}", f"h{tag}n{index}"
            self.port = NETNS_PORT
            self.listen = f"127.0.0.1:{NETNS_AGENT_PORT}"
            self.control = os.path.join(cluster.dir, f"{self.name}.faults.json")
        else:
            self.ip = "127.0.0.1"
            self.port = free_port()
            self.listen = f"127.0.0.1:{self.port}"
        self.process = None
        self.proxy = None
        self.client = None

    def prefix(self):
        return ["ip", "netns", "exec", self.netns] if self.netns else []

    def setup_network(self):
        if not self.netns:
            return
        if run("ip", "route", "show", f"10.77.{self.index}.0/24").stdout.strip():
            raise RuntimeError(f"10.77.{self.index}.0/24 is routed already: another chaos run?")
        run("ip", "netns", "add", self.netns)
        self.network_created = True
        run("ip", "link", "add", self.root_if, "type", "veth", "peer", "name", self.ns_if)
        run("ip", "link", "set", self.ns_if, "netns", self.netns)
        run("ip", "addr", "add", f"10.77.{self.index}.1/24", "dev", self.root_if)
        run("ip", "link", "set", self.root_if, "up")
        ns = self.prefix()
        run(*ns, "ip", "addr", "add", f"{self.ip}/24", "dev", self.ns_if)
        run(*ns, "ip", "link", "set", self.ns_if, "up")
        run(*ns, "ip", "link", "set", "lo", "up")
        run(*ns, "ip", "route", "add", "default", "via", f"10.77.{self.index}.1")

    def teardown_network(self):
        if self.network_created:
            run("ip", "netns", "del", self.netns, check=False)
            run("ip", "link", "del", self.root_if, check=False)

    def write_config(self):
        os.makedirs(self.dir, exist_ok=True)
        binary = self.cluster.binary("hostagent/hyperv-agent")
        with open(os.path.join(self.dir, "secret.yaml"), "w") as out:
            subprocess.run([binary, "certs", "--out-dir", self.dir, "--host", self.name, "--dns",
                            "localhost", "--ip", self.ip, "--secret-name",
                            f"{self.name}-credentials", "--secret-namespace", "hyperv-system"],
                           check=True, stdout=out, stderr=subprocess.DEVNULL)
        latency = self.cluster.sim_latency_ms
        with open(os.path.join(self.dir, "agent.yaml"), "w") as out:
            out.write(f"""listen: {self.listen}
tls: {{certFile: server.crt, keyFile: server.key, clientCAFile: ca.crt}}
auth: {{tokenFile: token}}
driver: sim
paths: {{dataDir: data}}
sim:
  hostName: {self.name}
  capacity: {{cpu: 512, memoryBytes: {1 << 40}, storageBytes: {64 << 40}}}
  switches: [{{name: external, type: External}}, {{name: internal, type: Internal}}]
  images: [{{name: rocky-9, sizeBytes: {2 << 30}}}]
  stateFile: data/sim-state.json
  latencies: {{createMs: {latency}, startMs: {latency}, stopMs: {latency}}}
  testEndpoints: true
""")
        token = open(os.path.join(self.dir, "token")).read().strip()
        self.client = JsonClient(
            f"https://{self.ip}:{self.port}", os.path.join(self.dir, "ca.crt"), token,
            cert=(os.path.join(self.dir, "client.crt"), os.path.join(self.dir, "client.key")),
            timeout=15)

    def manifest(self):
        with open(os.path.join(self.dir, "secret.yaml")) as secret:
            text = secret.read()
        return f"""---
{text}
---
apiVersion: hyperv.operator.io/v1alpha1
kind: HyperVHost
metadata:
  name: {self.name}
spec:
  address: https://{self.ip}:{self.port}
  credentialsSecretRef: {{name: {self.name}-credentials, namespace: hyperv-system}}
"""

    def start(self):
        binary = self.cluster.binary("hostagent/hyperv-agent")
        with open(os.path.join(self.cluster.dir, f"{self.name}.log"), "a") as out:
            self.process = subprocess.Popen(
                self.prefix() + [binary, "--config", os.path.join(self.dir, "agent.yaml")],
                stdout=out, stderr=subprocess.STDOUT, cwd=self.dir)
        if self.netns and (self.proxy is None or self.proxy.poll() is not None):
            proxy = os.path.join(os.path.dirname(__file__), "fault_proxy.py")
            with open(os.path.join(self.cluster.dir, f"{self.name}.proxy.log"), "a") as out:
                self.proxy = subprocess.Popen(
                    self.prefix() + ["python3", proxy, "--listen", f"{self.ip}:{self.port}",
                                     "--target", self.listen, "--control", self.control],
                    stdout=out, stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited while starting; see its log")
            try:
                self.inventory()
                return
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within 90 s")

    def kill(self, sig=signal.SIGKILL):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait()

    def stop(self):
        self.kill(signal.SIGTERM)
        if self.proxy and self.proxy.poll() is None:
            self.proxy.kill()
            self.proxy.wait()

    def inventory(self):
        return self.client.get("/v1/vms")

    def set_faults(self, **faults):
        """Faults for the userspace proxy (fault_proxy.py); none: all cleared."""
        with open(self.control + ".tmp", "w") as out:
            json.dump(faults, out)
        os.replace(self.control + ".tmp", self.control)
        time.sleep(0.5)  # the proxy reads the file every 0.2 s

    def link(self, up):
        """Kernel-level partition: the namespace's end of the veth down (no carrier on the
        root's end: packets to the host go nowhere, connections time out)."""
        run(*self.prefix(), "ip", "link", "set", self.ns_if, "up" if up else "down")

    def blackhole(self, on):
        """Kernel-level silent partition: inside the namespace, a blackhole route for the root
        end's address, more specific than the veth's /24. What reaches the host gets no answer
        (SYN-ACKs and replies are dropped), so clients run into their timeouts."""
        run(*self.prefix(), "ip", "route", "add" if on else "del", "blackhole",
            f"10.77.{self.index}.1/32")

    def rate_limit(self, rate=None):
        """Kernel-level slow link: a tbf qdisc on both ends of the veth; None removes them."""
        for prefix, dev in (([], self.root_if), (self.prefix(), self.ns_if)):
            if rate:
                run(*prefix, "tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate", rate,
                    "burst", "4kb", "latency", "5s")
            else:
                run(*prefix, "tc", "qdisc", "del", "dev", dev, "root", check=False)


class Operator:
    def __init__(self, cluster, replica):
        self.cluster = cluster
        self.replica = replica
        self.pod = f"chaos-operator-{replica}"
        self.uid = f"operator-{replica}-uid"
        self.process = None
        self.starts = 0
        self.exits = []  # (time, return code) of every exit the supervisor saw
        self.metrics_port = free_port()
        self.health_port = free_port()

    def start(self):
        c = self.cluster
        env = dict(os.environ, POD_NAMESPACE="hyperv-system", POD_NAME=self.pod)
        command = [c.binary("operator/hyperv-operator"), "--kubeconfig",
                   os.path.join(c.dir, f"operator-{self.replica}.kubeconfig"), "--leader-elect",
                   "--leader-election-namespace", "hyperv-system",
                   "--host-poll-interval", c.host_poll_interval,
                   "--agent-timeout", c.agent_timeout,
                   "--metrics-bind-address", f"127.0.0.1:{self.metrics_port}",
                   "--health-probe-bind-address", f"127.0.0.1:{self.health_port}"]
        with open(os.path.join(c.dir, f"operator-{self.replica}.log"), "a") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out,
                                            stderr=subprocess.STDOUT)
        self.starts += 1

    def alive(self):
        return self.process is not None and self.process.poll() is None


class Cluster:
    def __init__(self, repo, build_dir, work_dir, hosts=3, netns=False, sim_latency_ms=50,
                 host_poll_interval="5s", agent_timeout="10s"):
        self.repo = repo
        self.build_dir = build_dir
        self.dir = work_dir
        self.hosts = hosts
        self.netns = netns
        self.sim_latency_ms = sim_latency_ms
        self.host_poll_interval = host_poll_interval
        self.agent_timeout = agent_timeout
        self.agents = [Agent(self, i) for i in range(1, hosts + 1)]
        self.operators = {r: Operator(self, r) for r in REPLICAS}
        self.supervising = False
        self.supervisor = None
        self.lock = threading.Lock()
        self.paused = set()  # replicas held with SIGSTOP: the supervisor leaves them alone
        self.api = None

    def binary(self, relative):
        path = os.path.join(self.build_dir, relative)
        if not os.access(path, os.X_OK):
            raise RuntimeError(f"{path} not built")
        return path

    def kubectl(self, *args, stdin=None):
        return subprocess.run(["kubectl", *args], input=stdin, text=True, check=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=dict(os.environ, KUBECONFIG=self.kubeconfig)).stdout

    def ports(self):
        values = {}
        with open(os.path.join(self.dir, "ports.env")) as env:
            for line in env:
                key, _, value = line.strip().partition("=")
                values[key] = value
        return values

    def up(self):
        os.makedirs(self.dir, exist_ok=True)
        tokens = {"admin": secrets.token_hex(20)}
        tokens.update({r: secrets.token_hex(20) for r in REPLICAS})
        with open(os.path.join(self.dir, "tokens.csv"), "w") as out:
            out.write(f'{tokens["admin"]},admin,admin-uid,"system:masters"\n')
            for r in REPLICAS:
                out.write(f'{tokens[r]},{OPERATOR_USER},operator-{r}-uid,'
                          '"system:serviceaccounts,system:serviceaccounts:hyperv-system"\n')
        os.chmod(os.path.join(self.dir, "tokens.csv"), 0o600)
        env = dict(os.environ, HVO_BUILD_DIR=self.build_dir)
        subprocess.run([os.path.join(self.repo, "tools/devcluster"), "up", "--dir", self.dir,
                        "--hosts", "0"], env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=open(os.path.join(self.dir, "devcluster-up.log"), "w"))
        self.kubeconfig = os.path.join(self.dir, "kubeconfig")
        base = open(os.path.join(self.dir, "operator.kubeconfig")).read()
        for r in REPLICAS:
            path = os.path.join(self.dir, f"operator-{r}.kubeconfig")
            with open(path, "w") as out:
                out.write(base.replace(tokens["a"], tokens[r]))
            os.chmod(path, 0o600)
        port = self.ports()["APISERVER_PORT"]
        self.api = JsonClient(f"https://127.0.0.1:{port}", os.path.join(self.dir, "certs/ca.crt"),
                              tokens["admin"], timeout=30)
        manifests = []
        for agent in self.agents:
            agent.setup_network()
            agent.write_config()
            agent.start()
            manifests.append(agent.manifest())
        self.kubectl("apply", "-f", "-", stdin="".join(manifests))
        for operator in self.operators.values():
            operator.start()
        self.supervising = True
        self.supervisor = threading.Thread(target=self.supervise, daemon=True)
        self.supervisor.start()
        self.kubectl("wait", "--for=condition=Ready", "hypervhost", "--all", "--timeout=180s")
        log(f"cluster up in {self.dir}: {self.hosts} sim hosts"
            f"{' in network namespaces' if self.netns else ''}, operator replicas "
            f"{', '.join(REPLICAS)}")

    def supervise(self):
        """Restarts an exited replica after 1 s, as the kubelet restarts a pod's container."""
        while self.supervising:
            for operator in self.operators.values():
                with self.lock:
                    if operator.process is None or operator.replica in self.paused:
                        continue
                    code = operator.process.poll()
                    if code is None:
                        continue
                    operator.exits.append((time.time(), code))
                    operator.process = None
                threading.Timer(1.0, self._restart, args=(operator,)).start()
            time.sleep(0.2)

    def _restart(self, operator):
        with self.lock:
            if self.supervising and operator.process is None:
                operator.start()

    def leader(self, timeout=120):
        """The replica holding the Lease now (waits until one holds it)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                holder = retrying(lambda: self.api.get(LEASE), attempts=5)["spec"].get(
                    "holderIdentity", "")
            except Exception:  # noqa: BLE001 - no Lease yet
                holder = ""
            for operator in self.operators.values():
                if holder.startswith(operator.pod + "_"):
                    return operator, holder
            time.sleep(0.2)
        raise RuntimeError("no operator replica holds the Lease")

    def pid_of(self, component):
        with open(os.path.join(self.dir, f"{component}.pid")) as f:
            return int(f.read().strip())

    def restart_component(self, component, sig=signal.SIGTERM, down_seconds=0.0):
        """Stops etcd or apiserver (started by devcluster) and starts it again with the same
        command line, in its log; returns when it answers again."""
        pid = self.pid_of(component)
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            command = [part.decode() for part in f.read().split(b"\0") if part]
        os.kill(pid, sig)
        for _ in range(300):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        time.sleep(down_seconds)
        with open(os.path.join(self.dir, f"{component}.log"), "a") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        with open(os.path.join(self.dir, f"{component}.pid"), "w") as f:
            f.write(f"{process.pid}\n")
        retrying(lambda: self.api.get("/readyz", ok=(200,)) if component == "apiserver"
                 else self.api.get(HOSTS), attempts=120, pause=0.5)

    def down(self):
        self.supervising = False
        if self.supervisor:
            self.supervisor.join()
        time.sleep(1.2)  # a restart timer already armed fires into supervising=False
        for operator in self.operators.values():
            if operator.process and operator.process.poll() is None:
                if operator.replica in self.paused:
                    operator.process.send_signal(signal.SIGCONT)
                operator.process.terminate()
                try:
                    operator.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    operator.process.kill()
                    operator.process.wait()
        for agent in self.agents:
            agent.stop()
            agent.teardown_network()
        subprocess.run([os.path.join(self.repo, "tools/devcluster"), "down", "--dir", self.dir],
                       env=dict(os.environ, HVO_BUILD_DIR=self.build_dir), check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)
