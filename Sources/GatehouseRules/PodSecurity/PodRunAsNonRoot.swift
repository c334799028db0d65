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
        ]
    )

    let honorRunAsUser: Bool

    public init(parameters: RuleParameters) {
        honorRunAsUser = parameters.bool("honorRunAsUserNonZero", default: true)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
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
