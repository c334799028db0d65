import KubeModel

/// pod-seccomp: containers run under the runtime's default seccomp profile or a node-local one.
///
/// PSS checks `seccompProfile_baseline` (baseline: v1.0 reads the pre-GA annotations, v1.19 the
/// securityContext fields) and `seccompProfile_restricted` (restricted, v1.19; Windows pods exempt from
/// v1.25; replaces the baseline check). Before v1.19 the restricted level has no seccomp check of its own and
/// runs the baseline one.
///
/// AKS vs PSS: Azure's "allowed seccomp profiles" resolves one profile per container (container field, pod
/// field, container annotation, pod annotation) and fails a container with none. Under the `aks` profile this
/// rule resolves the same way and checks `allowedProfiles`; an unresolved profile fails only with
/// `level: restricted`, because failing every pod without seccomp settings at the rule's default deny action
/// would reject most real workloads (Azure's policy default effect is audit). PSA reads annotations only
/// before v1.19 and fields only from v1.19; the PSS profiles follow PSA exactly.
public struct PodSeccomp: Rule {
    static let podAnnotation = "seccomp.security.alpha.kubernetes.io/pod"
    static let containerAnnotationPrefix = "container.seccomp.security.alpha.kubernetes.io/"

    public static let description = RuleDescription(
        id: "pod-seccomp",
        title: "Seccomp profile",
        category: .podSecurity,
        severity: .medium,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks, .pssBaseline, .pssRestricted],
        spec: """
            PSS baseline (`seccompProfile_baseline`): before v1.19, the annotations \
            seccomp.security.alpha.kubernetes.io/pod and container.seccomp.security.alpha.kubernetes.io/<name> \
            must be runtime/default, docker/default or localhost/*; from v1.19, pod and container \
            securityContext.seccompProfile.type must be RuntimeDefault or Localhost when set (Unconfined fails).
            PSS restricted (`seccompProfile_restricted`, v1.19+): additionally every container must have a \
            valid type, its own or the pod's; pods with spec.os.name: windows are exempt from v1.25.
            aks profile: each container's profile is resolved from its field, the pod's field, its annotation, \
            then the pod annotation, and must be in allowedProfiles; with level: restricted an unresolved \
            profile fails too. Windows pods (nodeSelector or spec.os.name) are skipped.
            """,
        rationale: """
            Without a seccomp filter every system call is reachable from the container, including the rarely \
            used ones most kernel exploits need.
            """,
        remediation: "Set spec.securityContext.seccompProfile.type: RuntimeDefault (or Localhost with a reviewed profile).",
        references: [
            .pss("seccompProfile_baseline (baseline), seccompProfile_restricted (restricted)"),
            .azurePolicy("Kubernetes cluster containers should only use allowed seccomp profiles (975ce327)"),
            .cis("5.7.2"),
            .other("KSV030, KSV104, kubeaudit SeccompAnnotationMissing"),
        ],
        parameters: [
            ParameterSpec(
                "level", .string, default: "baseline",
                "aks profile only: \"baseline\" (unset passes) or \"restricted\" (every container needs a profile)."),
            ParameterSpec(
                "allowedProfiles", .stringList, default: "[RuntimeDefault, Localhost]",
                "aks profile only: RuntimeDefault/runtime/default/docker/default, Localhost/localhost/* or localhost/<file>, Unconfined, or \"*\"."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  securityContext: {seccompProfile: {type: RuntimeDefault}}
                  containers:
                  - {name: app, image: nginx:1.27}
                  - {name: tuned, image: app:1, securityContext: {seccompProfile: {type: Localhost, localhostProfile: app.json}}}
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
                    metadata:
                      annotations: {container.seccomp.security.alpha.kubernetes.io/legacy: unconfined}
                    spec:
                      containers:
                      - {name: app, image: nginx:1.27, securityContext: {seccompProfile: {type: Unconfined}}}
                      - {name: legacy, image: app:1}
                """,
                paths: [
                    "spec.template.spec.containers[0].securityContext.seccompProfile.type",
                    "spec.template.metadata.annotations[\"container.seccomp.security.alpha.kubernetes.io/legacy\"]",
                ]),
        ],
        docker: DockerView(
            .dockerContainer, controls: [CISDocker.seccomp],
            spec: """
                Docker container: fails for each HostConfig.SecurityOpt entry `seccomp=unconfined` or \
                `seccomp:unconfined` (key and value in any case). With no seccomp entry it also fails when its \
                host's daemon runs every container unconfined (Info.SecurityOptions \
                `name=seccomp,profile=unconfined`, from dockerd --seccomp-profile unconfined). A custom profile \
                (`seccomp=/path/profile.json`) passes. A privileged container runs without seccomp too: \
                pod-privileged (CIS 5.5) reports that. `level` and `allowedProfiles` apply to pods only. \
                docker-bench matches the two option spellings only.
                """,
            remediation: "Run the container without --security-opt seccomp=unconfined (keep Docker's default profile, or give a reviewed one: --security-opt seccomp=profile.json).",
            passing: [
                Example(
                    """
                    Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /web
                    HostConfig: {SecurityOpt: ["seccomp=/etc/docker/seccomp/web.json", "no-new-privileges"]}
                    """, docker: .dockerContainer,
                    host: "{Name: host-1, Info: {SecurityOptions: [\"name=seccomp,profile=builtin\"]}}"),
            ],
            failing: [
                Example(
                    """
                    Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /unconfined
                    HostConfig: {SecurityOpt: ["label=disable", "seccomp:unconfined", "SECCOMP=Unconfined"]}
                    """, docker: .dockerContainer, paths: ["HostConfig.SecurityOpt[1]", "HostConfig.SecurityOpt[2]"]),
                Example(
                    """
                    Id: 8a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /daemon-wide
                    HostConfig: {SecurityOpt: null}
                    """, docker: .dockerContainer,
                    host: "{Name: host-1, Info: {SecurityOptions: [\"name=seccomp,profile=unconfined\"]}}",
                    paths: ["HostConfig.SecurityOpt"]),
            ]),
        fix: .setting(
            "securityContext.seccompProfile.type", to: .string("RuntimeDefault"),
            summary: "sets securityContext.seccompProfile.type to RuntimeDefault")
    )

    /// A resolved or allowed profile in annotation syntax: `runtime/default`, `localhost/<file>`, `unconfined`.
    enum Allowed: Sendable, Hashable {
        case exact(String)
        case anyLocalhost
        case any
    }

    let requireProfile: Bool
    let allowed: [Allowed]

    public init(parameters: RuleParameters) throws {
        let level = parameters.string("level", default: "baseline") ?? "baseline"
        guard level == "baseline" || level == "restricted" else {
            throw ParameterError(
                parameter: "level", position: parameters.value("level")?.position ?? .unknown,
                message: "\"\(level)\" is not a level: use \"baseline\" or \"restricted\"")
        }
        requireProfile = level == "restricted"
        allowed = parameters.strings("allowedProfiles", default: ["RuntimeDefault", "Localhost"]).map { entry in
            switch entry {
            case "*": .any
            case "RuntimeDefault", "runtime/default", "docker/default": .exact("runtime/default")
            case "Localhost", "localhost/*": .anyLocalhost
            case "Unconfined", "unconfined": .exact("unconfined")
            default: .exact(entry)
            }
        }
    }

    func isAllowed(_ profile: String) -> Bool {
        allowed.contains {
            switch $0 {
            case .any: true
            case .anyLocalhost: profile.hasPrefix("localhost/")
            case .exact(let p): p == profile
            }
        }
    }

    /// A securityContext.seccompProfile in annotation syntax.
    static func annotationSyntax(_ profile: Value) -> String {
        switch PodFields.string(profile, "type") {
        case "RuntimeDefault": "runtime/default"
        case "Localhost": "localhost/" + PodFields.string(profile, "localhostProfile")
        case "Unconfined": "unconfined"
        case let other: other
        }
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if let container = DockerContainerView(object) { return checkDocker(container, &context) }
        guard let pod = context.template else { return }
        if context.pss != nil {
            return context.reportPSS([.seccompProfileBaseline, .seccompProfileRestricted], pod: pod)
        }
        if AzurePods.isWindows(pod, includingOSName: true) { return }
        let podField = PodFields.object(pod.securityContext, "seccompProfile")
        for container in pod.containers {
            let annotationKey = Self.containerAnnotationPrefix + container.name
            let resolved: (profile: String, path: String, node: Value?)?
            if let field = PodFields.object(container.securityContext, "seccompProfile") {
                resolved = (Self.annotationSyntax(field), container.path("securityContext.seccompProfile.type"), field["type"] ?? field)
            } else if let field = podField {
                resolved = (Self.annotationSyntax(field), pod.path("securityContext.seccompProfile.type"), field["type"] ?? field)
            } else if let value = pod.annotation(annotationKey) {
                let profile = value == "docker/default" ? "runtime/default" : value
                resolved = (profile, Self.annotationPath(pod, annotationKey), pod.metadata?["annotations"]?[annotationKey])
            } else if let value = pod.annotation(Self.podAnnotation) {
                let profile = value == "docker/default" ? "runtime/default" : value
                resolved = (profile, Self.annotationPath(pod, Self.podAnnotation), pod.metadata?["annotations"]?[Self.podAnnotation])
            } else {
                resolved = nil
            }
            if let resolved {
                if isAllowed(resolved.profile) { continue }
                context.report(
                    "container \"\(container.name)\" uses seccomp profile \"\(resolved.profile)\", which is not allowed",
                    path: resolved.path, at: resolved.node, container: container)
            } else if requireProfile, !allowed.contains(.any) {
                context.report(
                    "container \"\(container.name)\" must set a seccomp profile (securityContext.seccompProfile.type RuntimeDefault or Localhost)",
                    path: container.path("securityContext.seccompProfile.type"), at: container.securityContext ?? container.value,
                    container: container)
            }
        }
    }

    private func checkDocker(_ container: DockerContainerView, _ context: inout CheckContext) {
        let options = DockerSecurityOption.all(of: container).filter { $0.key == "seccomp" }
        for option in options where option.value?.lowercased() == "unconfined" {
            context.report(
                "container \(container.label) runs without a seccomp profile (\(option.node.string ?? ""))",
                control: CISDocker.seccomp, path: option.path, at: option.node)
        }
        guard options.isEmpty, let host = context.dockerHost,
            host.securityOptions.contains(where: { $0.split(separator: ",").contains("profile=unconfined") })
        else { return }
        context.report(
            "container \(container.label) runs without a seccomp profile (its daemon's default profile is unconfined)",
            control: CISDocker.seccomp, path: "HostConfig.SecurityOpt",
            at: container.hostConfig("SecurityOpt") ?? container.hostConfig)
    }

    static func annotationPath(_ pod: PodTemplate, _ key: String) -> String {
        "\(pod.metadataPath).annotations[\"\(key)\"]"
    }

    static func validType(_ type: String) -> Bool { type == "RuntimeDefault" || type == "Localhost" }

    /// PSA `seccompProfile_baseline` v1.0: the seccomp annotations.
    static func seccompProfileBaseline_1_0(_ pod: PodTemplate) -> PSSViolation? {
        var forbidden: [String] = []
        var spots: [PSSSpot] = []
        func checkAnnotation(_ key: String, _ container: Container?) {
            guard let node = pod.metadata?["annotations"]?[key] else { return }
            let value = node.string ?? ""
            if value == "docker/default" || value == "runtime/default" || value.hasPrefix("localhost/") { return }
            let text = "\(key)=\"\(value)\""
            if forbidden.contains(text) { return }
            forbidden.append(text)
            spots.append(
                PSSSpot("forbidden seccomp annotation \(text)", path: annotationPath(pod, key), at: node, container: container))
        }
        checkAnnotation(podAnnotation, nil)
        for container in pod.containers { checkAnnotation(containerAnnotationPrefix + container.name, container) }
        guard !forbidden.isEmpty else { return nil }
        let sorted = PSSText.sortedSet(forbidden)
        return PSSViolation(
            reason: "seccompProfile",
            detail: "forbidden \(PSSText.pluralize("annotation", "annotations", sorted.count)) \(sorted.joined(separator: ", "))",
            spots: spots)
    }

    /// PSA `seccompProfile_baseline` v1.19: the securityContext.seccompProfile fields.
    static func seccompProfileBaseline_1_19(_ pod: PodTemplate) -> PSSViolation? {
        let scan = PSSProfileTypeScan(
            pod, field: "seccompProfile", wording: "securityContext.seccompProfile.type", allowed: validType)
        let badSetters = scan.setters
        let badValues = scan.values
        let spots = scan.spots
        guard !badSetters.isEmpty else { return nil }
        return PSSViolation(
            reason: "seccompProfile",
            detail: "\(badSetters.joined(separator: " and ")) must not set securityContext.seccompProfile.type to \(PSSText.joinQuote(PSSText.sortedSet(badValues)))",
            spots: spots)
    }

    /// PSA `seccompProfile_restricted` v1.25: Windows pods allowed.
    static func seccompProfileRestricted_1_25(_ pod: PodTemplate) -> PSSViolation? {
        pod.isWindowsByOS ? nil : seccompProfileRestricted_1_19(pod)
    }

    /// PSA `seccompProfile_restricted` v1.19.
    static func seccompProfileRestricted_1_19(_ pod: PodTemplate) -> PSSViolation? {
        var badSetters: [String] = []
        var badValues: [String] = []
        var explicitSpots: [PSSSpot] = []
        var podSet = false
        if let profile = PodFields.object(pod.securityContext, "seccompProfile") {
            let type = PodFields.string(profile, "type")
            if validType(type) {
                podSet = true
            } else {
                badSetters.append("pod")
                badValues.append(type)
                explicitSpots.append(
                    PSSSpot(
                        "pod must not set securityContext.seccompProfile.type to \"\(type)\"",
                        path: pod.path("securityContext.seccompProfile.type"), at: profile["type"] ?? profile))
            }
        }
        var explicitBad: [String] = []
        var implicitBad: [String] = []
        var implicitSpots: [PSSSpot] = []
        for container in pod.containers {
            let path = container.path("securityContext.seccompProfile.type")
            if let profile = PodFields.object(container.securityContext, "seccompProfile") {
                let type = PodFields.string(profile, "type")
                guard !validType(type) else { continue }
                explicitBad.append(container.name)
                badValues.append(type)
                explicitSpots.append(
                    PSSSpot(
                        "container \"\(container.name)\" must not set securityContext.seccompProfile.type to \"\(type)\"",
                        path: path, at: profile["type"] ?? profile, container: container))
            } else if !podSet {
                implicitBad.append(container.name)
                implicitSpots.append(
                    PSSSpot(
                        "pod or container \"\(container.name)\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
                        path: path, at: container.securityContext ?? container.value, container: container))
            }
        }
        if !explicitBad.isEmpty { badSetters.append(PSSText.containers(explicitBad)) }
        if !badSetters.isEmpty {
            return PSSViolation(
                reason: "seccompProfile",
                detail: "\(badSetters.joined(separator: " and ")) must not set securityContext.seccompProfile.type to \(PSSText.joinQuote(PSSText.sortedSet(badValues)))",
                spots: explicitSpots)
        }
        guard !implicitBad.isEmpty else { return nil }
        return PSSViolation(
            reason: "seccompProfile",
            detail: "pod or \(PSSText.containers(implicitBad)) must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
            spots: implicitSpots)
    }
}
