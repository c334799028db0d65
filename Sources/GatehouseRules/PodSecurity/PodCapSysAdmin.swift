import KubeModel

/// pod-cap-sys-admin: no container adds CAP_SYS_ADMIN.
public struct PodCapSysAdmin: Rule {
    public static let description = RuleDescription(
        id: "pod-cap-sys-admin",
        title: "CAP_SYS_ADMIN added",
        category: .podSecurity,
        severity: .critical,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            Fails for each entry of securityContext.capabilities.add, in any container (initContainers, \
            containers, ephemeralContainers), that names SYS_ADMIN: compared case-insensitively, with or \
            without the `CAP_` prefix (`sys_admin`, `CAP_SYS_ADMIN`), as Azure lower-cases capabilities. The \
            container runtime would reject or ignore some spellings; refusing them all costs nothing. `ALL` \
            also fails: it grants SYS_ADMIN among every other capability.
            Field: spec.*Containers[*].securityContext.capabilities.add[*].
            """,
        rationale: """
            CAP_SYS_ADMIN is "the new root": mount, namespaces, BPF, device access. Most container escapes \
            documented for Kubernetes need it.
            """,
        remediation: "Remove SYS_ADMIN (and ALL) from capabilities.add; grant the narrow capability the workload needs.",
        references: [
            .azurePolicy("Kubernetes cluster containers should not grant CAP_SYS_ADMIN security capabilities (d2e7ea85)"),
            .defender("Containers should not grant CAPSYSADMIN security capabilities"),
            .other("KSV005, CKV_K8S_39 (UNVERIFIED), Polaris dangerousCapabilities"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - name: app
                    image: nginx:1.27
                    securityContext: {capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  template:
                    spec:
                      initContainers:
                      - {name: setup, image: busybox:1.36, securityContext: {capabilities: {add: [NET_ADMIN, cap_sys_admin]}}}
                      containers:
                      - {name: app, image: nginx:1.27, securityContext: {capabilities: {add: [SYS_ADMIN]}}}
                      - {name: all, image: tool:1, securityContext: {capabilities: {add: [all]}}}
                """,
                paths: [
                    "spec.template.spec.initContainers[0].securityContext.capabilities.add[1]",
                    "spec.template.spec.containers[0].securityContext.capabilities.add[0]",
                    "spec.template.spec.containers[1].securityContext.capabilities.add[0]",
                ]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let template = context.template else { return }
        for container in template.containers {
            guard let add = container.securityContext?["capabilities"]?["add"], add.isSequence else { continue }
            for (i, entry) in add.items.enumerated() {
                guard let text = entry.string else { continue }
                var name = text.uppercased()
                if name.hasPrefix("CAP_") { name.removeFirst(4) }
                guard name == "SYS_ADMIN" || name == "ALL" else { continue }
                let what = name == "ALL" ? "ALL (which includes SYS_ADMIN)" : text
                context.report(
                    "container \"\(container.name)\" adds capability \(what)",
                    path: container.path("securityContext.capabilities.add[\(i)]"), at: entry, container: container)
            }
        }
    }
}
