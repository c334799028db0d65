import KubeModel

/// pod-run-as-non-root: containers must be required to run as a non-root user.
///
/// PSS check `runAsNonRoot` (restricted, v1.0; from v1.35 pods with `hostUsers: false` pass, since root in
/// a user namespace is not root on the node). AKS vs PSS: Azure's "approved user and group IDs" with
/// `MustRunAsNonRoot` also accepts a container whose effective runAsUser is set and non-zero, and fails an
/// effective runAsUser 0 even when runAsNonRoot is true. Under the `aks` profile this rule follows Azure
/// (`honorRunAsUserNonZero: true`, the default); set it to false to apply the PSS logic under `aks` too. The
/// PSS profiles always follow PSA: a non-zero runAsUser without runAsNonRoot: true fails there, because PSA
/// cannot know the image's user and so asks for the kubelet's guarantee.
public struct PodRunAsNonRoot: Rule {
    public static let description = RuleDescription(
        id: "pod-run-as-non-root",
        title: "Must run as non-root",
        category: .podSecurity,
        severity: .high,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks, .pssRestricted],
        spec: """
            PSS profiles: PSA check `runAsNonRoot`. Fails when the pod or any container (init, regular, \
            ephemeral) sets securityContext.runAsNonRoot: false, or when a container leaves it unset and the \
            pod does not set it to true. From v1.35, pods with spec.hostUsers: false pass.
            aks profile (honorRunAsUserNonZero: true): per container, with each field taken from the \
            container, else the pod: fails when runAsUser is 0, or when runAsUser is unset and runAsNonRoot is \
            not true. Windows-nodeSelector pods are skipped. With honorRunAsUserNonZero: false the PSS logic \
            (newest version) applies.
            """,
        rationale: """
            A process running as root in the container is root on the node if it escapes, and can change any \
            file of its image.
            """,
        remediation: "Set securityContext.runAsNonRoot: true at pod level (and a non-zero runAsUser, or a USER in the image).",
        references: [
            .pss("runAsNonRoot (restricted)"),
            .azurePolicy("Kubernetes cluster pods and containers should only run with approved user and group IDs (f06ddb64)"),
            .defender("Running containers as root user should be avoided"),
            .cis("5.2.7"),
            .other("KSV012, Polaris runAsRootAllowed, kubeaudit RunAsNonRootPSCNilCSCNil"),
        ],
        parameters: [
            ParameterSpec(
                "honorRunAsUserNonZero", .bool, default: "true",
                "aks profile only: a set, non-zero runAsUser satisfies the rule (Azure MustRunAsNonRoot).")
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  securityContext: {runAsNonRoot: true}
                  containers:
                  - {name: app, image: nginx:1.27}
                """),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: uid}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27, securityContext: {runAsUser: 1000}}
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
                      securityContext: {runAsNonRoot: true}
                      containers:
                      - {name: app, image: nginx:1.27}
                      - {name: root, image: busybox:1.36, securityContext: {runAsNonRoot: false}}
                """,
                paths: ["spec.template.spec.containers[1].securityContext.runAsNonRoot"]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: uid}
                spec:
                  containers:
                  - {name: app, image: nginx:1.27, securityContext: {runAsUser: 1000}}
                """,
                parameters: "honorRunAsUserNonZero: false",
                paths: ["spec.containers[0].securityContext.runAsNonRoot"]),
        ],
        docker: DockerView(
            .dockerContainer, controls: [CISDocker.containerUser],
            spec: """
                Docker container: fails when Config.User runs as root: empty (the container's Config carries the \
                image's USER unless the run overrode it, so empty means neither set one and Docker runs root), \
                `root`, a UID that reads as 0, or either with a group (`0:0`, `root:root`, `root:staff`, \
                `0:1000`). A named user other than root passes (the image's /etc/passwd is not read). \
                `honorRunAsUserNonZero` applies to pods only. docker-bench fails only empty, `0` and `root`, so \
                `0:0` and `root:root` pass there.
                """,
            remediation: "Create a user in the image (USER 10001 in the Dockerfile) or run the container with --user <non-zero uid>:<gid>.",
            passing: [
                Example(
                    """
                    Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /web
                    Config: {Image: "nginx:1.27", User: "1000:1000"}
                    """, docker: .dockerContainer),
                Example(
                    """
                    Id: 4f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /named
                    Config: {Image: "app:1", User: app}
                    """, docker: .dockerContainer),
            ],
            failing: [
                Example(
                    """
                    Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /default
                    Config: {Image: "busybox:1.36", User: ""}
                    """, docker: .dockerContainer, paths: ["Config.User"]),
                Example(
                    """
                    Id: 8a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /grouped
                    Config: {Image: "busybox:1.36", User: "root:staff"}
                    """, docker: .dockerContainer, paths: ["Config.User"]),
                Example(
                    """
                    Id: 7a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /uid
                    Config: {Image: "busybox:1.36", User: "0:0"}
                    """, docker: .dockerContainer, paths: ["Config.User"]),
            ]),
        fix: .setting(
            "securityContext.runAsNonRoot", to: .bool(true),
            summary: "sets securityContext.runAsNonRoot to true (the image must then run as a non-zero user)")
    )

    let honorRunAsUser: Bool

    public init(parameters: RuleParameters) {
        honorRunAsUser = parameters.bool("honorRunAsUserNonZero", default: true)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if let container = DockerContainerView(object) { return checkDocker(container, &context) }
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.runAsNonRoot], pod: pod) }
        if AzurePods.isWindows(pod) { return }
        guard honorRunAsUser else {
            for spot in PSSCheckID.runAsNonRoot.evaluate(pod, version: .newest)?.spots ?? [] {
                context.report(spot.message, path: spot.path, at: spot.value, container: spot.container)
            }
            return
        }
        let podContext = pod.securityContext
        for container in pod.containers {
            let sc = container.securityContext
            let userNode = sc?["runAsUser"]?.int != nil ? sc?["runAsUser"] : podContext?["runAsUser"]
            if let user = userNode?.int {
                guard user == 0 else { continue }
                context.report(
                    "container \"\(container.name)\" must not run as user 0", path: PodRunAsUserRoot.userPath(container, pod, userNode),
                    at: userNode, container: container)
                continue
            }
            let nonRoot = PodFields.bool(sc, "runAsNonRoot") ?? PodFields.bool(podContext, "runAsNonRoot")
            if nonRoot?.value == true { continue }
            context.report(
                "container \"\(container.name)\" must set securityContext.runAsNonRoot=true or a non-zero runAsUser",
                path: container.path("securityContext.runAsNonRoot"), at: nonRoot?.node ?? sc ?? container.value,
                container: container)
        }
    }

    private func checkDocker(_ container: DockerContainerView, _ context: inout CheckContext) {
        let user = container.user
        guard DockerUser.isRoot(user) else { return }
        let shown = user.isEmpty ? "root (no user set by the image or the run)" : "root (Config.User \"\(user)\")"
        context.report(
            "container \(container.label) runs as \(shown)", control: CISDocker.containerUser, path: "Config.User",
            at: container.root.at("Config", "User") ?? container.root["Config"] ?? container.root)
    }

    /// PSA `runAsNonRoot` v1.35: pods with hostUsers: false allowed.
    static func runAsNonRoot_1_35(_ pod: PodTemplate) -> PSSViolation? {
        pod.usesUserNamespace ? nil : runAsNonRoot_1_0(pod)
    }

    /// PSA `runAsNonRoot` v1.0.
    static func runAsNonRoot_1_0(_ pod: PodTemplate) -> PSSViolation? {
        var badSetters: [String] = []
        var explicitSpots: [PSSSpot] = []
        var podNonRoot = false
        if let flag = PodFields.bool(pod.securityContext, "runAsNonRoot") {
            if flag.value {
                podNonRoot = true
            } else {
                badSetters.append("pod")
                explicitSpots.append(
                    PSSSpot("pod must not set securityContext.runAsNonRoot=false", path: pod.path("securityContext.runAsNonRoot"), at: flag.node))
            }
        }
        var explicitBad: [String] = []
        var implicitBad: [String] = []
        var implicitSpots: [PSSSpot] = []
        for container in pod.containers {
            let path = container.path("securityContext.runAsNonRoot")
            if let flag = PodFields.bool(container.securityContext, "runAsNonRoot") {
                if !flag.value {
                    explicitBad.append(container.name)
                    explicitSpots.append(
                        PSSSpot(
                            "container \"\(container.name)\" must not set securityContext.runAsNonRoot=false", path: path,
                            at: flag.node, container: container))
                }
            } else if !podNonRoot {
                implicitBad.append(container.name)
                implicitSpots.append(
                    PSSSpot(
                        "pod or container \"\(container.name)\" must set securityContext.runAsNonRoot=true", path: path,
                        at: container.securityContext ?? container.value, container: container))
            }
        }
        if !explicitBad.isEmpty { badSetters.append(PSSText.containers(explicitBad)) }
        if !badSetters.isEmpty {
            return PSSViolation(
                reason: "runAsNonRoot != true",
                detail: "\(badSetters.joined(separator: " and ")) must not set securityContext.runAsNonRoot=false",
                spots: explicitSpots)
        }
        guard !implicitBad.isEmpty else { return nil }
        return PSSViolation(
            reason: "runAsNonRoot != true",
            detail: "pod or \(PSSText.containers(implicitBad)) must set securityContext.runAsNonRoot=true", spots: implicitSpots)
    }
}
