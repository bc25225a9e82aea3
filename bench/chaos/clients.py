"""Small HTTPS JSON clients for the chaos suite (standard library only): the Kubernetes API as
the admin, and a sim agent's API with its mTLS client certificate and bearer token.

Every call opens its own connection: the suite restarts the servers under them on purpose, and a
kept-alive connection to a dead server would turn each fault into a client-side retry problem."""

import http.client
import json
import ssl
import time
import urllib.parse


class HttpError(Exception):
    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path}: HTTP {status} {body[:300]!r}")
        self.status = status
        self.body = body


class JsonClient:
    def __init__(self, base_url, ca_file, token, cert=None, timeout=10):
        url = urllib.parse.urlparse(base_url)
        self.host, self.port = url.hostname, url.port
        self.context = ssl.create_default_context(cafile=ca_file)
        if cert:
            self.context.load_cert_chain(*cert)
        self.token = token
        self.timeout = timeout

    def request(self, method, path, body=None, content_type="application/json", ok=(200, 201),
                headers=None):
        connection = http.client.HTTPSConnection(self.host, self.port, context=self.context,
                                                 timeout=self.timeout)
        headers = dict(headers or {},
                       Authorization=f"Bearer {self.token}", Accept="application/json")
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            headers["Content-Type"] = content_type
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read()
        finally:
            connection.close()
        if response.status not in ok:
            raise HttpError(method, path, response.status, text)
        if not text:
            return {}
        try:
            return json.loads(text)
        except ValueError:
            return text.decode(errors="replace")  # /readyz and the like answer in plain text

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)


def retrying(call, attempts=30, pause=1.0):
    """call() until it returns without a connection or server error (the suite restarts servers;
    a read made while one is down is tried again, up to attempts × pause seconds)."""
    last = None
    for _ in range(attempts):
        try:
            return call()
        except (OSError, http.client.HTTPException, HttpError) as error:
            if isinstance(error, HttpError) and error.status < 500 and error.status != 429:
                raise
            last = error
            time.sleep(pause)
    raise last


VMS = "/apis/hyperv.operator.io/v1alpha1/namespaces/{ns}/virtualmachines"
ALL_VMS = "/apis/hyperv.operator.io/v1alpha1/virtualmachines"
QUOTAS = "/apis/hyperv.operator.io/v1alpha1/quotas"
HOSTS = "/apis/hyperv.operator.io/v1alpha1/hypervhosts"
LEASE = "/apis/coordination.k8s.io/v1/namespaces/hyperv-system/leases/hyperv-operator"


def vm_object(namespace, name, cpus=1, memory="512Mi", image="rocky-9"):
    return {"apiVersion": "hyperv.operator.io/v1alpha1", "kind": "VirtualMachine",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"cpu": {"count": cpus}, "memory": {"startup": memory}, "image": image,
                     "networks": [{"name": "lan", "switch": "external"}]}}


def condition(obj, kind):
    for item in obj.get("status", {}).get("conditions", []) or []:
        if item.get("type") == kind:
            return item
    return None
