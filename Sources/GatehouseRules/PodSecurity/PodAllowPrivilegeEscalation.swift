import KubeModel

/// pod-allow-privilege-escalation: every container sets allowPrivilegeEscalation: false.
///
/// PSS check `allowPrivilegeEscalation` (restricted, v1.8; Windows pods exempt from v1.25). AKS vs PSS:
/// Azure's live definition (template v4, `forcePrivilegeEscalationToBeFalse`) requires an explicit false like
/// PSA, and that is this rule's default under the `aks` profile (`mode: pss`). Azure's older v3 template
/// passes a container with no securityContext and no runAsUser at all; `mode: azure-legacy` reproduces it
/// for teams migrating from that definition. The PSS profiles always use PSA's logic and ignore `mode`.
public struct PodAllowPrivilegeEscalation: Rule {
    public static let description = RuleDescription(
        id: "pod-allow-privilege-escalation",
        title: "Privilege escalation allowed",
        category: .podSecurity,
        severity: .medium,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks, .pssRestricted],
        spec: """
            Fails for every container (init, regular, ephemeral) whose securityContext.allowPrivilegeEscalation \
            is not explicitly false (unset fails).
            PSS profiles: PSA check `allowPrivilegeEscalation`, restricted level, from v1.8; pods with \
            spec.os.name: windows are exempt from v1.25.
            aks profile: mode "pss" (default) is the same rule, skipping Windows pods (nodeSelector or \
            spec.os.name); mode "azure-legacy" fails only when the field is true, or when it is not false and \
            the container's runAsUser (else the pod's) is set and non-zero.
            """,
        rationale: """
            With privilege escalation allowed, a setuid binary or file capability in the image lets a process \
            gain more privileges than its parent, undoing a non-root user.
            """,
        remediation: "Set securityContext.allowPrivilegeEscalation: false on every container.",
        references: [
            .pss("allowPrivilegeEscalation (restricted)"),
            .azurePolicy("Kubernetes clusters should not allow container privilege escalation (1c6e92c9)"),
            .defender("Container with privilege escalation should be avoided"),
            .cis("5.2.6 [AKS 4.2.5]"),
            .other("KSV001, kubeaudit AllowPrivilegeEscalationNil/True"),
        ],
        parameters: [
            ParameterSpec(
                "mode", .string, default: "pss",
                "aks profile only: \"pss\" (explicit false required) or \"azure-legacy\" (Azure template v3 logic).")
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27, securityContext: {allowPrivilegeEscalation: false}}
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: legacy}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27}
                """, parameters: "mode: azure-legacy"),
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
                      containers:
                      - {name: app, image: nginx:1.27}
                      - {name: proxy, image: envoy:1.30, securityContext: {allowPrivilegeEscalation: true}}
                      ephemeralContainers:
                      - {name: debug, image: busybox:1.36, securityContext: {allowPrivilegeEscalation: false}}
                """,
                paths: [
                    "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
                    "spec.template.spec.containers[1].securityContext.allowPrivilegeEscalation",
                ]),
        ]
    )

    let legacy: Bool

    public init(parameters: RuleParameters) throws {
        let mode = parameters.string("mode", default: "pss") ?? "pss"
        guard mode == "pss" || mode == "azure-legacy" else {
            throw ParameterError(
                parameter: "mode", position: parameters.value("mode")?.position ?? .unknown,
                message: "\"\(mode)\" is not a mode: use \"pss\" or \"azure-legacy\"")
        }
        legacy = mode == "azure-legacy"
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.allowPrivilegeEscalation], pod: pod) }
        if AzurePods.isWindows(pod, includingOSName: true) { return }
        let podUser = pod.securityContext?["runAsUser"]?.int
        for container in pod.containers {
            let flag = PodFields.bool(container.securityContext, "allowPrivilegeEscalation")
            if flag?.value == false { continue }
            if legacy, flag?.value != true {
                let user = container.securityContext?["runAsUser"]?.int ?? podUser
                guard let user, user != 0 else { continue }
            }
            context.report(
                "container \"\(container.name)\" must set securityContext.allowPrivilegeEscalation=false",
                path: container.path("securityContext.allowPrivilegeEscalation"),
                at: flag?.node ?? container.securityContext ?? container.value, container: container)
        }
    }

    /// PSA `allowPrivilegeEscalation` v1.25: Windows pods allowed.
    static func allowPrivilegeEscalation_1_25(_ pod: PodTemplate) -> PSSViolation? {
        pod.isWindowsByOS ? nil : allowPrivilegeEscalation_1_8(pod)
    }

    /// PSA `allowPrivilegeEscalation` v1.8.
    static func allowPrivilegeEscalation_1_8(_ pod: PodTemplate) -> PSSViolation? {
        var names: [String] = []
        var spots: [PSSSpot] = []
        for container in pod.containers {
            let flag = PodFields.bool(container.securityContext, "allowPrivilegeEscalation")
            if flag?.value == false { continue }
            names.append(container.name)
            spots.append(
                PSSSpot(
                    "container \"\(container.name)\" must set securityContext.allowPrivilegeEscalation=false",
                    path: container.path("securityContext.allowPrivilegeEscalation"),
                    at: flag?.node ?? container.securityContext ?? container.value, container: container))
        }
        guard !names.isEmpty else { return nil }
        return PSSViolation(
            reason: "allowPrivilegeEscalation != false",
            detail: "\(PSSText.containers(names)) must set securityContext.allowPrivilegeEscalation=false", spots: spots)
    }
}
