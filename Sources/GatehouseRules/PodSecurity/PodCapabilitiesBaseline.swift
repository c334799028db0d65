import KubeModel

/// pod-capabilities-baseline: containers add only the capabilities a container runtime grants by default.
///
/// PSS check `capabilities_baseline` (baseline, v1.0; replaced at restricted from v1.22 by
/// `capabilities_restricted`, reported by pod-capabilities-drop-all). AKS vs PSS: Azure's "should only use
/// allowed capabilities" compares lower-cased names against `allowedCapabilities` (and `*` allows all).
/// Under the `aks` profile this rule does that, with the PSS baseline set as the default list, so `net_admin`
/// and `NET_ADMIN` are judged alike; PSA compares exactly, so under the PSS profiles `chown` is not the
/// allowed `CHOWN` and fails. The profile decides because the two admission controllers really disagree there.
public struct PodCapabilitiesBaseline: Rule {
    /// The capabilities PSS baseline allows in `add` (no NET_RAW).
    static let baselineCapabilities = [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    ]

    public static let description = RuleDescription(
        id: "pod-capabilities-baseline",
        title: "Non-default capabilities added",
        category: .podSecurity,
        severity: .high,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks, .pssBaseline, .pssRestricted],
        spec: """
            Fails for every securityContext.capabilities.add entry (init, regular, ephemeral containers) outside \
            the allowed set: AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, \
            SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT (not NET_RAW).
            PSS profiles: PSA check `capabilities_baseline`, exact case-sensitive names; at restricted from \
            v1.22 it is replaced by `capabilities_restricted` (pod-capabilities-drop-all).
            aks profile: names compared lower-cased against allowedCapabilities ("*" allows all); \
            Windows-nodeSelector pods skipped.
            """,
        rationale: """
            Capabilities beyond the runtime defaults (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, NET_RAW...) give a \
            container root-like powers over the kernel and the node's network.
            """,
        remediation: "Remove the capability from securityContext.capabilities.add, or grant only one of the default set.",
        references: [
            .pss("capabilities_baseline (baseline)"),
            .azurePolicy("Kubernetes cluster containers should only use allowed capabilities (c26596ff)"),
            .defender("Least privileged Linux capabilities should be enforced for containers"),
            .cis("5.2.8, 5.2.9"),
            .other("KSV022, KSV119 (NET_RAW), KSV120 (SYS_MODULE), kubeaudit CapabilityAdded"),
        ],
        parameters: [
            ParameterSpec(
                "allowedCapabilities", .stringList, default: "the PSS baseline set",
                "aks profile only: capabilities containers may add (case-insensitive; \"*\" allows all).")
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
                    securityContext: {capabilities: {add: [NET_BIND_SERVICE, chown]}}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: vpn}
                spec:
                  template:
                    spec:
                      containers:
                      - name: vpn
                        image: wireguard:1
                        securityContext: {capabilities: {add: [NET_ADMIN, KILL, NET_RAW]}}
                """,
                paths: [
                    "spec.template.spec.containers[0].securityContext.capabilities.add[0]",
                    "spec.template.spec.containers[0].securityContext.capabilities.add[2]",
                ]),
        ]
    )

    let allowed: Set<String>
    let allowAll: Bool

    public init(parameters: RuleParameters) {
        let list = parameters.strings("allowedCapabilities", default: Self.baselineCapabilities)
        allowed = AzurePods.lowered(list)
        allowAll = list.contains("*")
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.capabilitiesBaseline], pod: pod) }
        if allowAll || AzurePods.isWindows(pod) { return }
        for added in Self.added(pod) where !allowed.contains(added.name.lowercased()) {
            context.report(
                "container \"\(added.container.name)\" must not add capability \"\(added.name)\"",
                path: added.path, at: added.node, container: added.container)
        }
    }

    /// Every `capabilities.add` entry, container by container.
    static func added(_ pod: PodTemplate) -> [(container: Container, name: String, path: String, node: Value)] {
        var result: [(Container, String, String, Value)] = []
        for container in pod.containers {
            let caps = PodFields.object(container.securityContext, "capabilities")
            for (k, entry) in PodFields.strings(caps, "add").enumerated() {
                result.append((container, entry.text, container.path("securityContext.capabilities.add[\(k)]"), entry.node))
            }
        }
        return result
    }

    /// PSA `capabilities_baseline` v1.0.
    static func capabilitiesBaseline_1_0(_ pod: PodTemplate) -> PSSViolation? {
        let allowed = Set(baselineCapabilities)
        let bad = added(pod).filter { !allowed.contains($0.name) }
        guard !bad.isEmpty else { return nil }
        var names: [String] = []
        var lastPath = ""
        for b in bad where b.container.path != lastPath {
            names.append(b.container.name)
            lastPath = b.container.path
        }
        let caps = PSSText.sortedSet(bad.map(\.name))
        return PSSViolation(
            reason: "non-default capabilities",
            detail: "\(PSSText.containers(names)) must not include \(PSSText.joinQuote(caps)) in securityContext.capabilities.add",
            spots: bad.map {
                PSSSpot(
                    "container \"\($0.container.name)\" must not include \"\($0.name)\" in securityContext.capabilities.add",
                    path: $0.path, at: $0.node, container: $0.container)
            })
    }
}
