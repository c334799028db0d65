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
        ],
        docker: DockerView(
            .dockerContainer, controls: [CISDocker.noNewPrivileges],
            spec: """
                Docker container: the last `no-new-privileges` entry of HostConfig.SecurityOpt decides, as the \
                daemon reads it: bare, `no-new-privileges:true` or `no-new-privileges=true` (any value Go's \
                ParseBool reads as true: 1, t, TRUE...) passes; `:false` / `=false` fails, even when the daemon \
                enables it (the container's option overrides the daemon's default). With no such entry the \
                container passes when its host's daemon runs with no-new-privileges (daemon setting \
                `no-new-privileges` true from daemon.json or dockerd's flag, or Info.SecurityOptions \
                `name=no-new-privileges`) and fails otherwise (and without a host to read). docker-bench \
                substring-matches `no-new-privileges`, so it passes `no-new-privileges=false`. `mode` applies to \
                pods only.
                """,
            remediation: "Run the container with --security-opt no-new-privileges (or set \"no-new-privileges\": true in daemon.json for every container).",
            passing: [
                Example(
                    """
                    Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /web
                    HostConfig: {SecurityOpt: ["no-new-privileges:true"]}
                    """, docker: .dockerContainer),
                Example(
                    """
                    Id: 4f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /daemon-default
                    HostConfig: {SecurityOpt: null}
                    """, docker: .dockerContainer,
                    host: "{Name: host-1, Info: {SecurityOptions: [\"name=seccomp,profile=builtin\", name=no-new-privileges]}}"),
            ],
            failing: [
                Example(
                    """
                    Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /escalating
                    HostConfig: {SecurityOpt: ["label=disable"]}
                    """, docker: .dockerContainer, paths: ["HostConfig.SecurityOpt"]),
                Example(
                    """
                    Id: 8a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /opted-out
                    HostConfig: {SecurityOpt: ["no-new-privileges", "no-new-privileges=false"]}
                    """, docker: .dockerContainer,
                    host: "{Name: host-1, Settings: {no-new-privileges: {Value: true, Source: /etc/docker/daemon.json line 2}}}",
                    paths: ["HostConfig.SecurityOpt[1]"]),
            ]),
        fix: .setting(
            "securityContext.allowPrivilegeEscalation", to: .bool(false),
            summary: "sets securityContext.allowPrivilegeEscalation to false")
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
        if let container = DockerContainerView(object) { return checkDocker(container, &context) }
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

    private func checkDocker(_ container: DockerContainerView, _ context: inout CheckContext) {
        let options = DockerSecurityOption.all(of: container).filter { $0.key == "no-new-privileges" && $0.bool != nil }
        if let last = options.last {
            guard last.bool == false else { return }
            return context.report(
                "container \(container.label) turns no-new-privileges off (\(last.node.string ?? ""))",
                control: CISDocker.noNewPrivileges, path: last.path, at: last.node)
        }
        if let host = context.dockerHost,
            host.setting("no-new-privileges")?.bool == true || host.hasSecurityOption("no-new-privileges")
        {
            return
        }
        context.report(
            "container \(container.label) may gain new privileges (no --security-opt no-new-privileges, and the "
                + "daemon does not set it)", control: CISDocker.noNewPrivileges, path: "HostConfig.SecurityOpt",
            at: container.hostConfig("SecurityOpt") ?? container.hostConfig)
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
