import KubeModel

/// pod-proc-mount: containers keep the default masked /proc.
///
/// PSS checks `procMount` (baseline, v1.0; from v1.35 pods with `hostUsers: false` may set any value, since
/// an unmasked /proc in a user namespace does not expose the host) and `procMount_restricted` (restricted,
/// v1.35; replaces the baseline check and has no user-namespace relaxation). AKS vs PSS: Azure's "allowed
/// ProcMountType" examines only containers that set procMount and compares the value case-insensitively with
/// the allowed type (default `Default`); it has no user-namespace relaxation. The `aks` profile follows Azure,
/// the PSS profiles follow PSA for the requested version.
public struct PodProcMount: Rule {
    public static let description = RuleDescription(
        id: "pod-proc-mount",
        title: "Unmasked /proc",
        category: .podSecurity,
        severity: .high,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks, .pssBaseline, .pssRestricted],
        spec: """
            Fails when a container (init, regular, ephemeral) sets securityContext.procMount to anything but \
            Default.
            PSS profiles: PSA `procMount` (baseline; from v1.35 skipped for pods with spec.hostUsers: false) and, \
            at restricted from v1.35, `procMount_restricted` (no hostUsers exception).
            aks profile: the value is compared case-insensitively with "Default"; hostUsers is ignored; \
            Windows-nodeSelector pods are skipped.
            """,
        rationale: "An unmasked /proc exposes kernel interfaces (sysrq-trigger, kcore, sysctls) that the runtime normally hides from containers.",
        remediation: "Remove securityContext.procMount or set it to Default; run the pod with hostUsers: false if it truly needs an unmasked /proc.",
        references: [
            .pss("procMount (baseline), procMount_restricted (restricted)"),
            .azurePolicy("Kubernetes cluster containers should only use allowed ProcMountType (f85eb0dd)"),
            .other("KSV027"),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27, securityContext: {procMount: Default}}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: nested}
                spec:
                  hostUsers: false
                  containers:
                  - {name: builder, image: buildkit:0.15, securityContext: {procMount: Unmasked}}
                """,
                paths: ["spec.containers[0].securityContext.procMount"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.procMount, .procMountRestricted], pod: pod) }
        if AzurePods.isWindows(pod) { return }
        for use in Self.procMounts(pod) where use.value.lowercased() != "default" {
            context.report(
                "container \"\(use.container.name)\" must not set securityContext.procMount to \"\(use.value)\"",
                path: use.container.path("securityContext.procMount"), at: use.node, container: use.container)
        }
    }

    static func procMounts(_ pod: PodTemplate) -> [(container: Container, value: String, node: Value)] {
        pod.containers.compactMap { container in
            guard let node = container.securityContext?["procMount"], !node.isNull else { return nil }
            return (container, node.string ?? "", node)
        }
    }

    /// PSA `procMount` v1.0: containers that set a procMount other than Default.
    static func procMount_1_0(_ pod: PodTemplate) -> PSSViolation? {
        let bad = procMounts(pod).filter { $0.value != "Default" }
        guard !bad.isEmpty else { return nil }
        return PSSViolation(
            reason: "procMount",
            detail: "\(PSSText.containers(bad.map(\.container.name))) must not set securityContext.procMount to \(PSSText.joinQuote(PSSText.sortedSet(bad.map(\.value))))",
            spots: bad.map {
                PSSSpot(
                    "container \"\($0.container.name)\" must not set securityContext.procMount to \"\($0.value)\"",
                    path: $0.container.path("securityContext.procMount"), at: $0.node, container: $0.container)
            })
    }

    /// PSA `procMount` v1.35: pods with hostUsers: false allowed.
    static func procMount_1_35(_ pod: PodTemplate) -> PSSViolation? {
        pod.usesUserNamespace ? nil : procMount_1_0(pod)
    }

    /// PSA `procMount_restricted` v1.35: the v1.0 rule, with or without a user namespace.
    static func procMountRestricted_1_35(_ pod: PodTemplate) -> PSSViolation? { procMount_1_0(pod) }
}
