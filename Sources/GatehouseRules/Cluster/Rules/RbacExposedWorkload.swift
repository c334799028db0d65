import KubeModel

/// rbac-exposed-workload: the attack path from the internet to a cluster-takeover permission.
public struct RbacExposedWorkload: CrossObjectRule {
    public static let description = RuleDescription(
        id: "rbac-exposed-workload",
        title: "Exposed workload with a dangerous service account",
        category: .rbac,
        severity: .critical,
        action: .warn,
        scope: .kinds(["Service", "Ingress", "ServiceAccount", "RoleBinding", "ClusterRoleBinding", "Role", "ClusterRole"]),
        profiles: [.aks],
        spec: """
            Audit only. Follows the path an attacker would: an entry point (a public LoadBalancer Service, i.e. \
            without the Azure internal annotation, or any LoadBalancer with includeInternalLoadBalancers; a \
            NodePort Service; a Service with spec.externalIPs; or any Service an Ingress routes to), the \
            workloads its selector matches in its namespace, the ServiceAccount they run as (only when the token \
            is mounted: the pod's automountServiceAccountToken, else the ServiceAccount's, default true), every \
            binding naming that ServiceAccount (directly, as its user name, or through system:serviceaccounts, \
            system:serviceaccounts:<ns> and system:authenticated), the role (aggregation resolved) and the rule \
            that grants one of:
            - read Secrets (get, list or watch) in every namespace (ClusterRoleBinding);
            - escalate or bind on roles, or impersonate users, groups or service accounts;
            - exec or attach into pods (create or get on pods/exec, pods/attach);
            - get or create on nodes/proxy (cluster-wide);
            - create pods or pod-running workloads in kube-system (ClusterRoleBinding, or RoleBinding in kube-system).
            One finding per workload and permission, at the pod spec's serviceAccountName; the message spells \
            the path and Finding.chain holds it: entry point → workload → ServiceAccount → binding → role rule. \
            Rules limited by resourceNames count (they still grant those objects).
            """,
        rationale: """
            A remote-code-execution bug in an internet-facing pod hands the attacker the pod's token; with one \
            of these permissions that token becomes every secret, or the cluster.
            """,
        remediation: "Remove the permission from the workload's ServiceAccount (give it a dedicated, minimal role), stop mounting the token, or stop exposing the workload.",
        references: [
            .cis("5.1.2, 5.1.4, 5.1.6, 5.1.8"),
            .defender("attack path analysis: internet-exposed Kubernetes pod with a service account that has high permissions"),
        ],
        parameters: [
            ParameterSpec(
                "includeInternalLoadBalancers", .bool, default: "false",
                "Treat internal LoadBalancers as entry points too (reachable from peered networks)."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 443}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec: {template: {metadata: {labels: {app: web}}, spec: {serviceAccountName: web, automountServiceAccountToken: false, containers: [{name: app, image: web:1}]}}}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: web-secrets}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
                subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: secret-reader}
                rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 443}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec: {template: {metadata: {labels: {app: web, tier: front}}, spec: {serviceAccountName: web, containers: [{name: app, image: web:1}]}}}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: web-secrets}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
                subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: secret-reader}
                rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list]}]
                """,
                paths: ["Deployment shop/web: spec.template.spec.serviceAccountName"]),
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: debug, namespace: tools}
                spec: {selector: {app: debug}, ports: [{port: 22}], externalIPs: [203.0.113.9]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: debug, namespace: tools, labels: {app: debug}}
                spec: {containers: [{name: sh, image: busybox:1.36}]}
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: admin
                  namespace: tools
                  annotations: {service.beta.kubernetes.io/azure-load-balancer-internal: "true"}
                spec: {type: LoadBalancer, selector: {app: admin}, ports: [{port: 443}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: admin, namespace: tools, labels: {app: admin}}
                spec: {serviceAccountName: admin, containers: [{name: ui, image: admin:1}]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: exec, namespace: tools}
                rules: [{apiGroups: [""], resources: [pods/exec], verbs: [create]}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: exec, namespace: tools}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: exec}
                subjects: [{kind: ServiceAccount, name: default}, {kind: ServiceAccount, name: admin}]
                """,
                paths: ["Pod tools/debug: spec.serviceAccountName"]),
            Example(
                """
                apiVersion: v1
                kind: Service
                metadata:
                  name: admin
                  namespace: tools
                  annotations: {service.beta.kubernetes.io/azure-load-balancer-internal: "true"}
                spec: {type: LoadBalancer, selector: {app: admin}, ports: [{port: 443}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: admin, namespace: tools, labels: {app: admin}}
                spec: {serviceAccountName: admin, containers: [{name: ui, image: admin:1}]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: impersonator}
                rules: [{apiGroups: [""], resources: [users, groups], verbs: [impersonate]}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: admin-impersonate}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonator}
                subjects: [{kind: ServiceAccount, name: admin, namespace: tools}]
                """,
                parameters: "includeInternalLoadBalancers: true",
                paths: ["Pod tools/admin: spec.serviceAccountName"]),
        ]
    )

    /// One permission that turns a pod compromise into a cluster compromise.
    struct Danger: Sendable {
        let label: String
        let requests: [AccessRequest]
        /// Only ClusterRoleBindings count (the permission is about every namespace).
        let clusterWideOnly: Bool
    }

    static let dangers: [Danger] = {
        let rbac = "rbac.authorization.k8s.io"
        return [
            Danger(
                label: "read Secrets in every namespace",
                requests: ["get", "list", "watch"].map { AccessRequest(verb: $0, resource: "secrets") },
                clusterWideOnly: true),
            Danger(
                label: "escalate, bind or impersonate",
                requests: [
                    AccessRequest(verb: "escalate", group: rbac, resource: "roles"),
                    AccessRequest(verb: "escalate", group: rbac, resource: "clusterroles"),
                    AccessRequest(verb: "bind", group: rbac, resource: "roles"),
                    AccessRequest(verb: "bind", group: rbac, resource: "clusterroles"),
                    AccessRequest(verb: "impersonate", resource: "users"),
                    AccessRequest(verb: "impersonate", resource: "groups"),
                    AccessRequest(verb: "impersonate", resource: "serviceaccounts"),
                ],
                clusterWideOnly: false),
            Danger(
                label: "exec into pods",
                requests: ["create", "get"].flatMap { verb in
                    ["pods/exec", "pods/attach"].map { AccessRequest(verb: verb, resource: $0) }
                },
                clusterWideOnly: false),
            Danger(
                label: "proxy to kubelets (nodes/proxy)",
                requests: ["get", "create"].map { AccessRequest(verb: $0, resource: "nodes/proxy") },
                clusterWideOnly: true),
            Danger(
                label: "create workloads in kube-system",
                requests: WorkloadResources.all.map {
                    AccessRequest(verb: "create", group: $0.group, resource: $0.resource, namespace: "kube-system")
                },
                clusterWideOnly: false),
        ]
    }()

    let includeInternal: Bool

    public init(parameters: RuleParameters) {
        includeInternal = parameters.bool("includeInternalLoadBalancers", default: false)
    }

    public func check(_ cluster: ClusterAnalysis, _ report: inout CrossObjectReport) {
        var reach = Reach(cluster)
        // Most exposed Services reach no workload with a dangerous grant: entry points are described and
        // sorted only for those that do (a large cluster has thousands of exposed Services).
        let entries = EntryPoint.all(in: cluster, includeInternalLoadBalancers: includeInternal) { reach.reachesDanger($0) }
        var reported: Set<Reported> = []
        for entry in entries {
            for workload in reach.workloads(selectedBy: entry.service) {
                let held = reach.dangers(of: workload)
                guard !held.isEmpty else { continue }
                // What every finding of this workload shares is built once: a large cluster has hundreds of
                // thousands of these findings, and their chains are held until the report is written.
                let account = cluster.serviceAccountAnchor(namespace: workload.namespace, name: workload.serviceAccount, near: workload.anchor)
                let workloadName = "\(workload.anchor.ref.kind) \(workload.namespace)/\(workload.anchor.ref.name)"
                let workloadLink = ChainLink(object: workload.anchor.ref, detail: "pods run as ServiceAccount \(workload.serviceAccount), token mounted")
                for danger in held {
                    guard reported.insert(Reported(workload: workload.anchor.ref, danger: danger.danger.label)).inserted else { continue }
                    var chain = entry.links
                    chain.append(workloadLink)
                    chain.append(ChainLink(object: account.ref, detail: danger.subjectDetail))
                    chain += danger.grantChain
                    report.report(
                        "\(workloadName) is exposed and its ServiceAccount can \(danger.danger.label): "
                            + "\(entry.text) → \(workloadName) → "
                            + "ServiceAccount \(workload.namespace)/\(workload.serviceAccount) → \(danger.grant.path) "
                            + "(\(danger.grant.rule.summary))",
                        about: workload.anchor, path: ClusterAnalysis.serviceAccountPath(workload), chain: chain)
                }
            }
        }
    }

    /// A workload (by its place in the inputs) and a danger already reported for it, through another entry point.
    private struct Reported: Hashable {
        let workload: ObjectRef
        let danger: String
    }

    /// A dangerous permission a service account holds, the first grant giving it, and the chain links that
    /// grant contributes to every finding through that account.
    struct HeldDanger {
        let danger: Danger
        let grant: Grant
        let subjectDetail: String
        let grantChain: [ChainLink]
    }

    /// Which workloads a Service routes to (with their token mounted), and what their service accounts can do,
    /// worked out once per namespace and per service account however many Services and workloads share them.
    struct Reach {
        var selection: ServiceSelection
        /// The dangerous grants of each service account.
        var dangersBySubject: [String: [HeldDanger]] = [:]

        init(_ cluster: ClusterAnalysis) { selection = ServiceSelection(cluster) }

        var cluster: ClusterAnalysis { selection.cluster }

        /// The workloads `service` selects whose pods mount their service account's token, in input order.
        mutating func workloads(selectedBy service: ServiceEntry) -> [WorkloadEntry] {
            let cluster = self.cluster
            return selection.workloads(selectedBy: service).filter { cluster.mountsToken($0) }
        }

        /// The dangerous permissions `workload`'s service account holds, each with the first grant giving it.
        mutating func dangers(of workload: WorkloadEntry) -> [HeldDanger] {
            let subject = Subject(kind: .serviceAccount, name: workload.serviceAccount, namespace: workload.namespace)
            let key = subject.description
            if let known = dangersBySubject[key] { return known }
            let grants = cluster.rbac.grants(to: subject)
            let found = RbacExposedWorkload.dangers.compactMap { danger in
                grants.first { grant in
                    (!danger.clusterWideOnly || grant.namespace == nil)
                        && danger.requests.contains { RBACGraph.covers(grant, $0, anyName: true) }
                }.map { HeldDanger(danger: danger, grant: $0, subjectDetail: "subject \($0.subject.text)", grantChain: $0.chain) }
            }
            dangersBySubject[key] = found
            return found
        }

        /// Whether `service` routes to some workload whose service account holds a dangerous permission.
        mutating func reachesDanger(_ service: ServiceEntry) -> Bool {
            workloads(selectedBy: service).contains { !dangers(of: $0).isEmpty }
        }
    }
}
