#!/usr/bin/env python3
"""Generates the audit benchmark corpus: realistic Kubernetes objects as YAML and JSON.

The mix follows the kinds and sizes of real-world manifests (see the realism corpus: Deployments, Services,
ServiceAccounts, RBAC, ConfigMaps, NetworkPolicies, Pods, Jobs...), with the bulk that `kubectl get -o yaml`
exports carry (managedFields, status, annotations). About 1 workload in 50 has a privileged container and
many lack resource limits, so the audit has findings to report.

Outputs, under OUT (default .build/bench-corpus):
  yaml/part-NN.yaml   the objects as multi-document YAML, split over several files (files are the unit of
                      parallel work)
  list.json           the same objects as one `kind: List`, formatted as `kubectl get -o json` formats it
                      (4-space indentation)
  million.json        with --million: 1,000,000 objects as one compact `kind: List` (peak RSS check)
  small.yaml          one small file (cold start check)

Deterministic: the same arguments give the same bytes.
"""
import argparse
import json
import os
import random
import re

PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./@-]*$")
RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def scalar(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if PLAIN.match(v) and v.lower() not in RESERVED:
        return v
    return json.dumps(v)


def emit(v, indent, out):
    """Block-style YAML as kubectl writes it (sequences not indented under their key)."""
    pad = " " * indent
    if isinstance(v, dict):
        for k, x in v.items():
            key = scalar(k)
            if isinstance(x, dict) and x:
                out.append(f"{pad}{key}:\n")
                emit(x, indent + 2, out)
            elif isinstance(x, list) and x:
                out.append(f"{pad}{key}:\n")
                emit(x, indent, out)
            elif isinstance(x, dict):
                out.append(f"{pad}{key}: {{}}\n")
            elif isinstance(x, list):
                out.append(f"{pad}{key}: []\n")
            else:
                out.append(f"{pad}{key}: {scalar(x)}\n")
    elif isinstance(v, list):
        for x in v:
            if isinstance(x, dict) and x:
                sub = []
                emit(x, indent + 2, sub)
                first = sub[0]
                sub[0] = pad + "- " + first[indent + 2:]
                out.extend(sub)
            elif isinstance(x, list) and x:
                out.append(f"{pad}-\n")
                emit(x, indent + 2, out)
            else:
                out.append(f"{pad}- {scalar(x)}\n")


class Generator:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.namespaces = [f"team-{i:03d}" for i in range(200)]

    def meta(self, kind, i, namespaced=True, bulk=False):
        r = self.r
        name = f"{kind.lower()}-{i}"
        m = {"name": name}
        if namespaced:
            m["namespace"] = r.choice(self.namespaces)
        m["labels"] = {"app.kubernetes.io/name": f"svc{i % 997}", "app.kubernetes.io/part-of": "shop",
                       "app.kubernetes.io/version": f"1.{i % 40}.{i % 7}"}
        m["annotations"] = {"meta.helm.sh/release-name": f"release-{i % 300}",
                            "meta.helm.sh/release-namespace": m.get("namespace", "default")}
        m["uid"] = "%08x-%04x-%04x-%04x-%012x" % (r.getrandbits(32), r.getrandbits(16), r.getrandbits(16),
                                                  r.getrandbits(16), r.getrandbits(48))
        m["resourceVersion"] = str(r.randint(1000, 99999999))
        m["creationTimestamp"] = "2026-0%d-1%dT0%d:1%d:2%dZ" % (r.randint(1, 9), r.randint(0, 9), r.randint(0, 9),
                                                                r.randint(0, 9), r.randint(0, 9))
        if bulk:
            m["managedFields"] = [
                {"apiVersion": "apps/v1", "fieldsType": "FieldsV1", "manager": "helm", "operation": "Update",
                 "time": m["creationTimestamp"],
                 "fieldsV1": {"f:metadata": {"f:annotations": {".": {}, "f:meta.helm.sh/release-name": {},
                                                                "f:meta.helm.sh/release-namespace": {}},
                                             "f:labels": {".": {}, "f:app.kubernetes.io/name": {},
                                                          "f:app.kubernetes.io/part-of": {}}},
                              "f:spec": {"f:replicas": {}, "f:selector": {}, "f:strategy": {"f:rollingUpdate": {
                                  ".": {}, "f:maxSurge": {}, "f:maxUnavailable": {}}, "f:type": {}},
                                         "f:template": {"f:metadata": {"f:labels": {".": {}}},
                                                        "f:spec": {"f:containers": {}, "f:dnsPolicy": {},
                                                                   "f:restartPolicy": {},
                                                                   "f:schedulerName": {}}}}}},
                {"apiVersion": "apps/v1", "fieldsType": "FieldsV1", "manager": "kube-controller-manager",
                 "operation": "Update", "subresource": "status", "time": m["creationTimestamp"],
                 "fieldsV1": {"f:status": {"f:availableReplicas": {}, "f:conditions": {}, "f:observedGeneration": {},
                                           "f:readyReplicas": {}, "f:replicas": {}, "f:updatedReplicas": {}}}},
            ]
        return m

    def container(self, i, j):
        r = self.r
        registry = r.choice(["contoso.azurecr.io/shop/", "mcr.microsoft.com/", "docker.io/library/", "",
                             "ghcr.io/acme/", "quay.io/example/"])
        c = {"name": f"c{j}", "image": f"{registry}app{i % 113}:{r.randint(1, 9)}.{r.randint(0, 20)}",
             "imagePullPolicy": "IfNotPresent",
             "ports": [{"containerPort": 8080 + j, "name": "http", "protocol": "TCP"}],
             "env": [{"name": f"ENV_{k}", "value": f"value-{i}-{k}"} for k in range(r.randint(1, 6))],
             "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}
        if r.random() < 0.6:
            c["resources"] = {"limits": {"cpu": "500m", "memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}}
        if r.random() < 0.5:
            c["livenessProbe"] = {"httpGet": {"path": "/healthz", "port": 8080 + j, "scheme": "HTTP"},
                                  "initialDelaySeconds": 10, "periodSeconds": 10}
        sc = {}
        if r.random() < 0.02:
            sc["privileged"] = True
        if r.random() < 0.4:
            sc.update({"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                       "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}})
        if sc:
            c["securityContext"] = sc
        return c

    def podspec(self, i):
        r = self.r
        spec = {"containers": [self.container(i, j) for j in range(r.choice([1, 1, 1, 2, 3]))],
                "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
                "serviceAccountName": f"sa-{i % 500}", "terminationGracePeriodSeconds": 30}
        if r.random() < 0.1:
            spec["initContainers"] = [self.container(i, 9)]
        if r.random() < 0.01:
            spec["hostNetwork"] = True
        return spec

    def obj(self, i):
        r = self.r
        x = r.random()
        if x < 0.20:
            labels = {"app.kubernetes.io/name": f"svc{i % 997}"}
            return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": self.meta("Deployment", i, bulk=True),
                    "spec": {"replicas": r.randint(1, 5), "revisionHistoryLimit": 10,
                             "selector": {"matchLabels": labels},
                             "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                                          "type": "RollingUpdate"},
                             "template": {"metadata": {"labels": labels}, "spec": self.podspec(i)}},
                    "status": {"availableReplicas": 1, "observedGeneration": 3, "readyReplicas": 1, "replicas": 1,
                               "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                                               "lastTransitionTime": "2026-01-01T00:00:00Z",
                                               "message": "Deployment has minimum availability."}]}}
        if x < 0.38:
            return {"apiVersion": "v1", "kind": "Service", "metadata": self.meta("Service", i),
                    "spec": {"type": r.choice(["ClusterIP", "ClusterIP", "ClusterIP", "LoadBalancer", "NodePort"]),
                             "selector": {"app.kubernetes.io/name": f"svc{i % 997}"},
                             "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}],
                             "sessionAffinity": "None"}}
        if x < 0.52:
            return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": self.meta("ConfigMap", i),
                    "data": {f"key{k}": "value " * r.randint(2, 30) for k in range(r.randint(1, 8))}}
        if x < 0.62:
            return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": self.meta("ServiceAccount", i),
                    "automountServiceAccountToken": r.random() < 0.5}
        if x < 0.72:
            cluster = r.random() < 0.5
            kind = "ClusterRole" if cluster else "Role"
            return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
                    "metadata": self.meta(kind, i, namespaced=not cluster),
                    "rules": [{"apiGroups": [r.choice(["", "apps", "batch", "*"])],
                               "resources": r.sample(["pods", "services", "secrets", "configmaps", "deployments", "*"], 2),
                               "verbs": r.sample(["get", "list", "watch", "create", "update", "delete", "*"], 3)}
                              for _ in range(r.randint(1, 5))]}
        if x < 0.82:
            cluster = r.random() < 0.4
            kind = "ClusterRoleBinding" if cluster else "RoleBinding"
            return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
                    "metadata": self.meta(kind, i, namespaced=not cluster),
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                "name": r.choice(["view", "edit", "cluster-admin", f"clusterrole-{i % 1000}"])},
                    "subjects": [{"kind": "ServiceAccount", "name": f"sa-{i % 500}",
                                  "namespace": r.choice(self.namespaces)}]}
        if x < 0.87:
            return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": self.meta("NetworkPolicy", i),
                    "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": f"svc{i % 997}"}},
                             "policyTypes": ["Ingress"],
                             "ingress": [{"from": [{"podSelector": {"matchLabels": {"role": "frontend"}}}],
                                          "ports": [{"port": 8080, "protocol": "TCP"}]}]}}
        if x < 0.95:
            return {"apiVersion": "v1", "kind": "Pod", "metadata": self.meta("Pod", i), "spec": self.podspec(i),
                    "status": {"phase": "Running", "podIP": f"10.{i % 250}.{i % 199}.{i % 251}", "qosClass": "Burstable"}}
        if x < 0.98:
            return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": self.meta("CronJob", i),
                    "spec": {"schedule": "*/15 * * * *", "concurrencyPolicy": "Forbid",
                             "jobTemplate": {"spec": {"template": {"spec": dict(self.podspec(i), restartPolicy="OnFailure")}}}}}
        return {"apiVersion": "v1", "kind": "Namespace", "metadata": self.meta("Namespace", i, namespaced=False),
                "spec": {"finalizers": ["kubernetes"]}}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=".build/bench-corpus")
    ap.add_argument("--objects", type=int, default=105_000)
    ap.add_argument("--files", type=int, default=24, help="YAML files to split the objects over")
    ap.add_argument("--million", action="store_true", help="also write million.json (1,000,000 objects)")
    ap.add_argument("--seed", type=int, default=20261129)
    args = ap.parse_args()

    os.makedirs(os.path.join(args.out, "yaml"), exist_ok=True)
    gen = Generator(args.seed)
    objects = [gen.obj(i) for i in range(args.objects)]

    per_file = (len(objects) + args.files - 1) // args.files
    yaml_bytes = 0
    for f in range(args.files):
        out = []
        for o in objects[f * per_file:(f + 1) * per_file]:
            out.append("---\n")
            emit(o, 0, out)
        text = "".join(out)
        yaml_bytes += len(text.encode())
        with open(os.path.join(args.out, "yaml", f"part-{f:02d}.yaml"), "w") as fh:
            fh.write(text)

    with open(os.path.join(args.out, "list.json"), "w") as fh:
        json.dump({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": objects}, fh, indent=4)
    json_bytes = os.path.getsize(os.path.join(args.out, "list.json"))

    with open(os.path.join(args.out, "small.yaml"), "w") as fh:
        out = []
        for o in objects[:3]:
            out.append("---\n")
            emit(o, 0, out)
        fh.write("".join(out))

    print(f"{len(objects)} objects: YAML {yaml_bytes / 1e6:.1f} MB in {args.files} files, JSON {json_bytes / 1e6:.1f} MB")

    if args.million:
        gen = Generator(args.seed + 1)
        path = os.path.join(args.out, "million.json")
        with open(path, "w") as fh:
            fh.write('{"apiVersion": "v1", "kind": "List", "items": [\n')
            for i in range(1_000_000):
                if i:
                    fh.write(",\n")
                fh.write(json.dumps(gen.obj(i), separators=(",", ":")))
            fh.write("\n]}\n")
        print(f"1000000 objects: JSON {os.path.getsize(path) / 1e6:.1f} MB (million.json)")


if __name__ == "__main__":
    main()
