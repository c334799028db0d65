#!/usr/bin/env python3
"""Generate a synthetic cluster export for bench-cluster.sh.

Default: 100,000 objects in 500 namespaces, of which 10,000 are RBAC objects (Roles, ClusterRoles and their
bindings) and 2,000 NetworkPolicies, the rest Deployments, Pods, Services, ServiceAccounts, ConfigMaps and
Namespaces. One multi-document YAML file per namespace plus cluster.yaml for cluster-scoped RBAC.

usage: gen-cluster.py OUTDIR [--namespaces N]
"""
import argparse
import os
import random

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels: {{app: {app}, team: {team}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: {app}}}}}
  template:
    metadata:
      labels: {{app: {app}, tier: {tier}, team: {team}}}
    spec:
      serviceAccountName: {sa}
      securityContext: {{runAsNonRoot: true, seccompProfile: {{type: RuntimeDefault}}}}
      containers:
      - name: app
        image: registry.example.com/{team}/{app}:1.{i}
        ports: [{{containerPort: 8080}}]
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{cpu: 500m, memory: 256Mi}}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {{drop: [ALL]}}
        env:
        - {{name: MODE, value: production}}
        - {{name: DB_PASSWORD, valueFrom: {{secretKeyRef: {{name: db, key: password}}}}}}
      - name: sidecar
        image: registry.example.com/platform/proxy:3.2
        securityContext: {{allowPrivilegeEscalation: false, privileged: {priv}}}
"""

POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {ns}
  labels: {{app: {app}, tier: {tier}, team: {team}}}
  ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: {app}-rs, controller: true}}]
spec:
  serviceAccountName: {sa}
  containers:
  - name: app
    image: registry.example.com/{team}/{app}:1.{i}
    resources: {{limits: {{cpu: 500m, memory: 256Mi}}}}
    securityContext: {{allowPrivilegeEscalation: false}}
"""

SERVICE = """apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {ns}}}
spec:
  type: {type}
  selector: {{app: {app}}}
  ports: [{{name: http, port: {port}, targetPort: 8080}}]
"""

NETPOL = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {name}, namespace: {ns}}}
spec:
  podSelector: {selector}
  policyTypes: [{types}]
{rules}"""

ROLE = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: {name}, namespace: {ns}}}
rules:
- {{apiGroups: [""], resources: [{res}], verbs: [{verbs}]}}
- {{apiGroups: [apps], resources: [deployments, replicasets], verbs: [get, list, watch]}}
"""

ROLEBINDING = """apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: {name}, namespace: {ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {kind}, name: {role}}}
subjects:
- {{kind: ServiceAccount, name: {sa}, namespace: {ns}}}
- {{kind: Group, name: {group}, apiGroup: rbac.authorization.k8s.io}}
"""

CLUSTERROLE = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {name}
  labels: {{rbac.authorization.k8s.io/aggregate-to-{agg}: "true"}}
rules:
- {{apiGroups: [""], resources: [{res}], verbs: [{verbs}]}}
- {{apiGroups: [""], resources: [nodes], verbs: [get, list]}}
"""

AGGREGATED = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: {name}}}
aggregationRule:
  clusterRoleSelectors: [{{matchLabels: {{rbac.authorization.k8s.io/aggregate-to-{agg}: "true"}}}}]
"""

CLUSTERROLEBINDING = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: {name}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {role}}}
subjects:
- {{kind: ServiceAccount, name: {sa}, namespace: {ns}}}
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--namespaces", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(42)
    os.makedirs(args.outdir, exist_ok=True)
    n = args.namespaces
    counts = {}

    def emit(docs, kind, text):
        docs.append(text)
        counts[kind] = counts.get(kind, 0) + 1

    resources = ["pods", "configmaps", "secrets", "services", "pods/exec", "pods/log", "endpoints", "persistentvolumeclaims"]
    verbs = ["get", "list", "watch", "create", "update", "patch", "delete"]
    for k in range(n):
        ns = f"ns-{k:04d}"
        team = f"team-{k % 37}"
        docs = []
        emit(docs, "Namespace", f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}, labels: {{team: {team}}}}}\n")
        for s in range(10):
            emit(docs, "ServiceAccount", f"apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: sa-{s}, namespace: {ns}}}\n")
        for d in range(40):
            app = f"app-{d}"
            emit(docs, "Deployment", DEPLOYMENT.format(
                name=app, ns=ns, app=app, team=team, tier=rng.choice(["front", "back", "data"]),
                sa=f"sa-{d % 10}" if d % 7 else "default", i=d, priv="true" if d == 13 else "false"))
        for p in range(80):
            app = f"app-{p % 40}"
            emit(docs, "Pod", POD.format(
                name=f"{app}-{p}", ns=ns, app=app, team=team, tier="front", sa=f"sa-{p % 10}", i=p))
        for s in range(20):
            kind = "ClusterIP"
            if s == 0 and k % 5 == 0:
                kind = "LoadBalancer"
            elif s == 1 and k % 9 == 0:
                kind = "NodePort"
            emit(docs, "Service", SERVICE.format(name=f"svc-{s}", ns=ns, type=kind, app=f"app-{s}", port=80 + s))
        for c in range(25):
            emit(docs, "ConfigMap",
                 f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm-{c}, namespace: {ns}}}\ndata: {{key: value-{c}, mode: production}}\n")
        policies = [
            ("default-deny", "{}", "Ingress, Egress", ""),
            ("allow-front", "{matchLabels: {tier: front}}", "Ingress",
             "  ingress:\n  - from: [{namespaceSelector: {matchLabels: {team: %s}}}]\n    ports: [{port: 8080}]\n" % team),
            ("allow-dns", "{}", "Egress",
             "  egress:\n  - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]\n    ports: [{port: 53, protocol: UDP}]\n"),
            ("data", "{matchExpressions: [{key: tier, operator: In, values: [data]}, {key: canary, operator: DoesNotExist}]}",
             "Ingress", "  ingress:\n  - from: [{podSelector: {matchLabels: {tier: back}}}]\n"),
        ]
        if k % 10 == 3:
            policies = policies[1:] + [("allow-all", "{}", "Ingress", "  ingress:\n  - {}\n")]
        for name, selector, types, rules in policies:
            emit(docs, "NetworkPolicy", NETPOL.format(name=name, ns=ns, selector=selector, types=types, rules=rules))
        for r in range(8):
            res = ", ".join(rng.sample(resources, 3))
            vs = ", ".join(rng.sample(verbs, 3))
            emit(docs, "Role", ROLE.format(name=f"role-{r}", ns=ns, res=res, verbs=vs))
        for b in range(10):
            kind, role = ("Role", f"role-{b % 8}") if b < 8 else ("ClusterRole", f"aggregated-{k % 50}")
            emit(docs, "RoleBinding", ROLEBINDING.format(
                name=f"rb-{b}", ns=ns, kind=kind, role=role, sa=f"sa-{b}", group=f"{team}-devs"))
        with open(os.path.join(args.outdir, f"{ns}.yaml"), "w") as f:
            f.write("---\n".join(docs))
    docs = []
    for c in range(n):
        if c < 50:
            emit(docs, "ClusterRole", AGGREGATED.format(name=f"aggregated-{c}", agg=f"group-{c}"))
        else:
            res = ", ".join(rng.sample(resources, 2))
            vs = ", ".join(rng.sample(verbs, 3))
            emit(docs, "ClusterRole", CLUSTERROLE.format(name=f"cr-{c}", agg=f"group-{c % 50}", res=res, verbs=vs))
    for c in range(n):
        role = f"cr-{50 + c % (n - 50)}" if n > 50 else "aggregated-0"
        emit(docs, "ClusterRoleBinding", CLUSTERROLEBINDING.format(
            name=f"crb-{c}", role=role, sa=f"sa-{c % 10}", ns=f"ns-{c:04d}"))
    with open(os.path.join(args.outdir, "cluster.yaml"), "w") as f:
        f.write("---\n".join(docs))
    total = sum(counts.values())
    rbac = sum(counts.get(k, 0) for k in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"))
    print(f"{total} objects ({rbac} RBAC, {counts.get('NetworkPolicy', 0)} NetworkPolicies) in {args.outdir}")


if __name__ == "__main__":
    main()
