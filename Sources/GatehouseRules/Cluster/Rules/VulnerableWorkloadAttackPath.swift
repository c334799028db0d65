import KubeModel

/// vulnerable-workload-attack-path: a workload runs a vulnerable image and is also reachable from outside,
/// reaches into its node, or holds dangerous RBAC permissions.
public struct VulnerableWorkloadAttackPath: CrossObjectRule {
    public static let description = RuleDescription(
        id: "vulnerable-workload-attack-path",
        title: "Vulnerable workload on an attack path",
        category: .vulnerabilities,
        severity: .high,
        action: .warn,
        scope: .kinds(["Service", "Ingress", "ServiceAccount", "RoleBinding", "ClusterRoleBinding", "Role", "ClusterRole"]),
        profiles: [.aks],
        spec: """
            Audit only, with scanner reports loaded. Takes each top-level workload (a Deployment, not its \
            ReplicaSets and Pods) whose containers run an image with vulnerabilities that count (matched and \
            counted as running-image-vulnerabilities does: by digest, else by tag; VEX, `minimumSeverity`, \
            `fixableOnly`, `ignore`) and looks for three ways the vulnerability becomes an attack path:
            - reachable: an entry point routes to it, as rbac-exposed-workload finds them (a public LoadBalancer \
            Service, i.e. without the Azure internal annotation, or any LoadBalancer with \
            includeInternalLoadBalancers; a NodePort Service; spec.externalIPs; an Ingress to a selecting Service);
            - privileged: a privileged container, a hostPath volume, hostNetwork, hostPID or hostIPC;
            - dangerous RBAC: its ServiceAccount's token is mounted and it holds one of rbac-exposed-workload's \
            dangerous permissions (read Secrets everywhere, escalate/bind/impersonate, exec into pods, \
            nodes/proxy, create workloads in kube-system).
            One finding per workload with at least one of them, at its first vulnerable container's image. Its \
            severity is graded above its parts: the worst counted vulnerability's severity, raised one step for \
            each way that holds, up to critical (a HIGH vulnerability that is reachable is CRITICAL). \
            Finding.chain holds the path: entry point → workload → image → ServiceAccount → binding → role rule.
            """,
        rationale: """
            A vulnerability scanner ranks CVEs and a configuration audit ranks settings; an attacker combines \
            them. A remote-code-execution bug matters most in the pod the internet reaches, and most of all when \
            that pod can reach the node or the API with a strong token.
            """,
        remediation: """
            Fix the vulnerable image first (upgrade the packages or rebuild), then cut the path: stop exposing \
            the workload, drop its host access, or give its ServiceAccount a minimal role and stop mounting the token.
            """,
        references: [
            .defender("attack path analysis: internet-exposed vulnerable container; vulnerable container with high permissions"),
            .defender("Running container images should have vulnerability findings resolved"),
        ],
        parameters: VulnerabilityCriteria.parameterSpecs(severityDefault: "HIGH") + [
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
                spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: app, image: ghcr.io/acme/web:1.4}]}}}
                """,
                vulnerabilities: ImageVulnerabilities.report(severity: "LOW", fixed: "1.1.1d-r0")),
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: app, image: ghcr.io/acme/web:1.4}]}}}
                """,
                vulnerabilities: ImageVulnerabilities.report(severity: "CRITICAL", fixed: "1.1.1d-r0")),
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
                spec: {template: {metadata: {labels: {app: web}}, spec: {automountServiceAccountToken: false, containers: [{name: app, image: ghcr.io/acme/web:1.4}]}}}
                """,
                vulnerabilities: ImageVulnerabilities.report(severity: "HIGH", fixed: "1.1.1d-r0"),
                paths: ["Deployment shop/web: spec.template.spec.containers[0].image"], severities: [.critical]),
            Example(
                """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: ops}
                spec:
                  template:
                    spec:
                      serviceAccountName: agent
                      hostPID: true
                      volumes: [{name: root, hostPath: {path: /}}]
                      containers: [{name: agent, image: "ghcr.io/acme/web@sha256:0f3a6d14d4e4b1b5fba38a2a6cbd0d4b1d2e2f3c4a5b6c7d8e9f0a1b2c3d4e5f"}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: agent}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
                subjects: [{kind: ServiceAccount, name: agent, namespace: ops}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: secret-reader}
                rules: [{apiGroups: [""], resources: [secrets], verbs: [list]}]
                """,
                vulnerabilities: ImageVulnerabilities.report(severity: "MEDIUM", fixed: "1.1.1d-r0"),
                parameters: "minimumSeverity: MEDIUM",
                paths: ["DaemonSet ops/agent: spec.template.spec.containers[0].image"], severities: [.critical]),
        ]
    )

    let criteria: VulnerabilityCriteria
    let includeInternal: Bool

    public init(parameters: RuleParameters) throws {
        criteria = try VulnerabilityCriteria(parameters: parameters, severityDefault: .high)
        includeInternal = parameters.bool("includeInternalLoadBalancers", default: false)
    }

    /// One vulnerable container of a workload.
    struct VulnerableContainer {
        let container: WorkloadContainer
        let image: ScannedImage
        let counted: [Vulnerability]
        let match: ImageMatch
    }

    public func check(_ cluster: ClusterAnalysis, _ report: inout CrossObjectReport) {
        guard let index = cluster.vulnerabilities else { return }
        var vulnerable: [String: [VulnerableContainer]] = [:]
        func vulnerableContainers(_ w: WorkloadEntry) -> [VulnerableContainer] {
            let key = "\(w.namespace)/\(w.key)"
            if let known = vulnerable[key] { return known }
            let found: [VulnerableContainer] = w.containers.compactMap { c in
                let match = index.match(c.image, runningDigest: c.runningDigest)
                guard let image = match.image else { return nil }
                let counted = criteria.counted(image)
                return counted.isEmpty ? nil : VulnerableContainer(container: c, image: image, counted: counted, match: match)
            }
            vulnerable[key] = found
            return found
        }
        // Entry points, by the workloads they reach.
        var selection = ServiceSelection(cluster)
        var entriesByWorkload: [String: [EntryPoint]] = [:]
        let entries = EntryPoint.all(in: cluster, includeInternalLoadBalancers: includeInternal) { service in
            selection.workloads(selectedBy: service).contains { !vulnerableContainers($0).isEmpty }
        }
        for entry in entries {
            for w in selection.workloads(selectedBy: entry.service) {
                entriesByWorkload["\(w.namespace)/\(w.key)", default: []].append(entry)
            }
        }
        var reach = RbacExposedWorkload.Reach(cluster)
        for workload in cluster.allWorkloads {
            let containers = vulnerableContainers(workload)
            guard let first = containers.first else { continue }
            let entry = entriesByWorkload["\(workload.namespace)/\(workload.key)"]?.first
            let dangers = cluster.mountsToken(workload) ? reach.dangers(of: workload) : []
            let ways = (entry != nil ? 1 : 0) + (workload.hostAccess.isEmpty ? 0 : 1) + (dangers.isEmpty ? 0 : 1)
            guard ways > 0 else { continue }
            let all = containers.flatMap(\.counted)
            let severity = Self.raise(VulnerabilityCriteria.findingSeverity(all), by: ways)

            let workloadName = "\(workload.anchor.ref.kind) \(workload.namespace)/\(workload.anchor.ref.name)"
            var chain = entry?.links ?? []
            var facts: [String] = []
            if let entry { facts.append("reachable through \(entry.text)") }
            if !workload.hostAccess.isEmpty { facts.append("reaches its node (\(workload.hostAccess.joined(separator: ", ")))") }
            chain.append(ChainLink(object: workload.anchor.ref, detail: facts.isEmpty ? "runs the image" : facts.joined(separator: "; ")))
            for c in containers {
                chain.append(ChainLink(
                    object: ObjectRef(KubeObject(scannedImage: c.image)),
                    detail: "container \(c.container.name): \(VulnerabilityCriteria.summary(c.counted, worst: 1))"))
            }
            if let danger = dangers.first {
                let account = cluster.serviceAccountAnchor(namespace: workload.namespace, name: workload.serviceAccount, near: workload.anchor)
                chain.append(ChainLink(object: account.ref, detail: danger.subjectDetail))
                chain += danger.grantChain
                facts.append("its ServiceAccount \(workload.serviceAccount) can \(dangers.map(\.danger.label).joined(separator: ", "))")
            }
            report.report(
                "\(workloadName) runs \(first.container.image) with \(VulnerabilityCriteria.summary(all)) "
                    + "and is on an attack path: \(facts.joined(separator: "; "))",
                about: workload.anchor, path: first.container.imagePath, chain: chain, severity: severity)
        }
    }

    /// `severity` raised `steps` grades, at most to critical.
    static func raise(_ severity: Severity, by steps: Int) -> Severity {
        let order: [Severity] = [.info, .low, .medium, .high, .critical]
        let at = order.firstIndex(of: severity) ?? 0
        return order[min(order.count - 1, at + steps)]
    }
}
