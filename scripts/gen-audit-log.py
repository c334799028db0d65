#!/usr/bin/env python3
"""Writes a synthetic Kubernetes API server audit log (the log backend's JSON Lines) for benchmarking
`gatehouse alerts`.

The mix follows what a busy cluster's log holds: mostly get/list/watch by controllers, kubelets and
service accounts at Metadata or Request level (with ResponseComplete and some RequestReceived stages), pod,
configmap and deployment creates and patches with request and response bodies (RequestResponse level),
deletes, exec into pods, and about one event in two thousand that should raise an alert (a privileged pod,
a binding to cluster-admin, events deleted, a webhook configuration created, an anonymous request).

The output is deterministic for a given --seed and size.

    python3 scripts/gen-audit-log.py --out .build/bench-alerts-data/audit-1g.log --mb 1000
"""
import argparse
import datetime
import json
import random
import uuid

NAMESPACES = ["default", "payments", "checkout", "search", "monitoring", "ingress-nginx", "kube-system", "batch"]
CONTROLLERS = [
    ("system:serviceaccount:kube-system:replicaset-controller", ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"]),
    ("system:serviceaccount:kube-system:deployment-controller", ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"]),
    ("system:kube-scheduler", ["system:authenticated"]),
    ("system:kube-controller-manager", ["system:authenticated"]),
]
NODES = [(f"system:node:aks-nodepool1-3141592-vmss00000{i}", ["system:nodes", "system:authenticated"]) for i in range(8)]
PEOPLE = [
    ("alice@example.com", ["developers", "system:authenticated"]),
    ("bob@example.com", ["sre", "system:authenticated"]),
    ("ci-deployer", ["system:serviceaccounts", "system:authenticated"]),
]
AGENTS = ["kube-controller-manager/v1.29.2 (linux/amd64) kubernetes/4b8e819/system:serviceaccount:kube-system:replicaset-controller",
          "kubelet/v1.29.2 (linux/amd64) kubernetes/4b8e819", "kubectl/v1.29.1 (linux/amd64) kubernetes/bc401b9",
          "kube-scheduler/v1.29.2 (linux/amd64) kubernetes/4b8e819/scheduler", "argocd-application-controller/v2.10.1"]
READ_RESOURCES = [("", "v1", "pods"), ("", "v1", "configmaps"), ("", "v1", "secrets"), ("", "v1", "endpoints"),
                  ("apps", "v1", "deployments"), ("apps", "v1", "replicasets"), ("", "v1", "nodes"),
                  ("coordination.k8s.io", "v1", "leases"), ("", "v1", "services")]
IMAGES = ["nginx:1.25.3", "ghcr.io/example/payments:2.4.1", "registry.example.com/search/api@sha256:" + "ab" * 32,
          "redis:7.2", "docker.io/library/busybox:1.36", "mcr.microsoft.com/oss/kubernetes/pause:3.6"]


def ts(base, offset_us):
    """RFC 3339 with microseconds, `offset_us` after `base` (seconds since 1970)."""
    moment = datetime.datetime.fromtimestamp(base + offset_us // 1_000_000, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{offset_us % 1_000_000:06d}Z"


def request_uri(group, version, resource, ns, name, verb):
    prefix = f"/api/{version}" if not group else f"/apis/{group}/{version}"
    path = prefix + (f"/namespaces/{ns}" if ns else "") + f"/{resource}" + (f"/{name}" if name else "")
    if verb == "watch":
        path += "?allowWatchBookmarks=true&resourceVersion=1843920&timeout=7m12s&timeoutSeconds=432&watch=true"
    elif verb == "list":
        path += "?limit=500&resourceVersion=0"
    return path


def pod(ns, name, image, privileged=False, host_path=None):
    container = {"name": "app", "image": image, "imagePullPolicy": "IfNotPresent",
                 "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                 "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
                 "securityContext": {"allowPrivilegeEscalation": privileged, "privileged": privileged,
                                     "readOnlyRootFilesystem": not privileged, "runAsNonRoot": not privileged},
                 "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                 "volumeMounts": [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access", "readOnly": True}]}
    volumes = [{"name": "kube-api-access", "projected": {"defaultMode": 420, "sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}]}}]
    if host_path:
        volumes.append({"name": "host", "hostPath": {"path": host_path, "type": ""}})
        container["volumeMounts"].append({"mountPath": "/host", "name": "host"})
    return {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"generateName": name.rsplit("-", 1)[0] + "-", "namespace": ns,
                         "labels": {"app": name.split("-")[0], "pod-template-hash": "7c9d8f6b5"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": name.rsplit("-", 1)[0],
                                              "uid": str(uuid.uuid5(uuid.NAMESPACE_DNS, name)), "controller": True, "blockOwnerDeletion": True}]},
            "spec": {"containers": [container], "volumes": volumes, "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
                     "serviceAccountName": "default", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                     "terminationGracePeriodSeconds": 30}}


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.base = 1714521600  # 2024-05-01T00:00:00Z
        self.clock = 0

    def uid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def event(self, level, verb, user, groups, agent, group, version, resource, ns, name=None, sub=None,
              code=200, request=None, response=None, stage="ResponseComplete"):
        self.clock += self.rng.randint(50, 3000)
        received = ts(self.base, self.clock)
        ref = {"resource": resource, "apiVersion": version}
        if group:
            ref["apiGroup"] = group
        if ns:
            ref["namespace"] = ns
        if name:
            ref["name"] = name
        if sub:
            ref["subresource"] = sub
        event = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": level, "auditID": self.uid(), "stage": stage,
                 "requestURI": request_uri(group, version, resource, ns, name, verb) + (f"/{sub}" if sub else ""),
                 "verb": verb, "user": {"username": user, "groups": groups},
                 "sourceIPs": [f"10.224.0.{self.rng.randint(2, 250)}"], "userAgent": agent, "objectRef": ref,
                 "responseStatus": {"metadata": {}, "code": code},
                 "requestReceivedTimestamp": received, "stageTimestamp": ts(self.base, self.clock + self.rng.randint(300, 40000)),
                 "annotations": {"authorization.k8s.io/decision": "allow",
                                 "authorization.k8s.io/reason": f"RBAC: allowed by ClusterRoleBinding \"system:{resource}-reader\""}}
        if stage == "RequestReceived":
            del event["responseStatus"]
        if request is not None:
            event["requestObject"] = request
        if response is not None:
            event["responseObject"] = response
        return event

    def ordinary(self):
        r = self.rng.random()
        ns = self.rng.choice(NAMESPACES)
        if r < 0.80:
            user, groups = self.rng.choice(CONTROLLERS + NODES)
            group, version, resource = self.rng.choice(READ_RESOURCES)
            verb = self.rng.choice(["get", "get", "list", "watch"])
            name = f"{resource[:-1]}-{self.rng.randint(1, 400)}" if verb == "get" else None
            stage = "RequestReceived" if self.rng.random() < 0.1 else "ResponseComplete"
            return self.event(self.rng.choice(["Metadata", "Request"]), verb, user, groups, self.rng.choice(AGENTS),
                              group, version, resource, ns if resource != "nodes" else None, name, stage=stage)
        if r < 0.93:
            user, groups = CONTROLLERS[0]
            name = f"{self.rng.choice(['web', 'api', 'worker'])}-7c9d8f6b5-{self.rng.randint(10000, 99999)}"
            body = pod(ns, name, self.rng.choice(IMAGES))
            response = json.loads(json.dumps(body))
            response["metadata"].update({"name": name, "uid": self.uid(), "resourceVersion": str(self.rng.randint(10**6, 10**7)),
                                         "creationTimestamp": ts(self.base, self.clock)[:19] + "Z"})
            response["status"] = {"phase": "Pending", "qosClass": "Burstable"}
            return self.event("RequestResponse", "create", user, groups, AGENTS[0], "", "v1", "pods", ns, code=201,
                              request=body, response=response)
        if r < 0.97:
            user, groups = self.rng.choice(PEOPLE)
            name = f"settings-{self.rng.randint(1, 50)}"
            body = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": name, "namespace": ns},
                    "data": {"LOG_LEVEL": "info", "FEATURE_FLAGS": "search-v2,checkout-fast", "TIMEOUT": "30s"}}
            return self.event("RequestResponse", self.rng.choice(["update", "patch"]), user, groups, AGENTS[2], "", "v1",
                              "configmaps", ns, name, request=body, response=body)
        if r < 0.99:
            user, groups = self.rng.choice(CONTROLLERS)
            return self.event("Metadata", "delete", user, groups, AGENTS[0], "", "v1", "pods", ns,
                              f"worker-7c9d8f6b5-{self.rng.randint(10000, 99999)}")
        user, groups = self.rng.choice(PEOPLE)
        return self.event("Request", "create", user, groups, AGENTS[2], "", "v1", "pods", ns,
                          f"api-7c9d8f6b5-{self.rng.randint(10000, 99999)}", sub="exec",
                          request={"kind": "PodExecOptions", "apiVersion": "v1", "stdin": True, "stdout": True, "tty": True,
                                   "container": "app", "command": ["sh"]})

    def suspicious(self):
        user, groups = self.rng.choice(PEOPLE)
        kind = self.rng.randrange(5)
        if kind == 0:
            name = f"debug-{self.rng.randint(1, 9)}"
            body = pod("default", name + "-x", "busybox:1.36", privileged=True, host_path="/")
            return self.event("RequestResponse", "create", user, groups, AGENTS[2], "", "v1", "pods", "default", code=201,
                              request=body, response=body)
        if kind == 1:
            body = {"kind": "ClusterRoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1",
                    "metadata": {"name": "temp-admin"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
                    "subjects": [{"kind": "User", "name": "mallory@example.com", "apiGroup": "rbac.authorization.k8s.io"}]}
            return self.event("RequestResponse", "create", user, groups, AGENTS[2], "rbac.authorization.k8s.io", "v1",
                              "clusterrolebindings", None, code=201, request=body, response=body)
        if kind == 2:
            return self.event("Metadata", "deletecollection", user, groups, AGENTS[2], "", "v1", "events", "default")
        if kind == 3:
            body = {"kind": "ValidatingWebhookConfiguration", "apiVersion": "admissionregistration.k8s.io/v1",
                    "metadata": {"name": "totally-legit"},
                    "webhooks": [{"name": "legit.example.com", "clientConfig": {"url": "https://203.0.113.7/validate"},
                                  "rules": [{"operations": ["CREATE"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*"]}],
                                  "sideEffects": "None", "admissionReviewVersions": ["v1"]}]}
            return self.event("RequestResponse", "create", user, groups, AGENTS[2], "admissionregistration.k8s.io", "v1",
                              "validatingwebhookconfigurations", None, code=201, request=body, response=body)
        return self.event("Metadata", "get", "system:anonymous", ["system:unauthenticated"], "curl/8.5.0", "", "v1",
                          "secrets", "kube-system", "bootstrap-token-abcdef")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--mb", type=float, default=1000, help="approximate size in MB (10^6 bytes)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    generator = Generator(args.seed)
    target = int(args.mb * 1_000_000)
    written = 0
    lines = 0
    with open(args.out, "w") as out:
        while written < target:
            event = generator.suspicious() if generator.rng.random() < 0.0005 else generator.ordinary()
            line = json.dumps(event, separators=(",", ":")) + "\n"
            out.write(line)
            written += len(line)
            lines += 1
    print(f"{args.out}: {lines} events, {written / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
