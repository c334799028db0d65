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

    /// The capabilities Docker grants a container by default (moby's default set): the PSS set plus NET_RAW.
    static let dockerDefaultCapabilities = Set(baselineCapabilities + ["NET_RAW"])

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
        ],
        docker: DockerView(
            .dockerContainer, controls: [CISDocker.capabilities],
            spec: """
                Docker container: fails for each HostConfig.CapAdd entry outside Docker's default set (AUDIT_WRITE, \
                CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, NET_RAW, SETFCAP, SETGID, \
                SETPCAP, SETUID, SYS_CHROOT), compared upper-cased and without a `CAP_` prefix, as the daemon \
                reads them (`cap_sys_admin` is SYS_ADMIN); `ALL` fails. `allowedCapabilities` applies to pods \
                only. CapDrop is not judged; a privileged container is reported by pod-privileged (CIS 5.5). \
                docker-bench does the same comparison.
                """,
            remediation: "Run the container without --cap-add for that capability (docker run --cap-drop ALL --cap-add <only what it needs>).",
            passing: [
                Example(
                    """
                    Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                    Name: /web
                    HostConfig: {CapAdd: [NET_BIND_SERVICE, cap_chown, CAP_NET_RAW], CapDrop: [ALL]}
                    """, docker: .dockerContainer),
            ],
            failing: [
                Example(
                    """
                    Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                    Name: /vpn
                    HostConfig: {CapAdd: [CAP_NET_ADMIN, KILL, sys_admin, all]}
                    """, docker: .dockerContainer,
                    paths: ["HostConfig.CapAdd[0]", "HostConfig.CapAdd[2]", "HostConfig.CapAdd[3]"]),
            ])
    )

    let allowed: Set<String>
    let allowAll: Bool

    public init(parameters: RuleParameters) {
        let list = parameters.strings("allowedCapabilities", default: Self.baselineCapabilities)
        allowed = AzurePods.lowered(list)
        allowAll = list.contains("*")
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        if let container = DockerContainerView(object) { return checkDocker(container, &context) }
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.capabilitiesBaseline], pod: pod) }
        if allowAll || AzurePods.isWindows(pod) { return }
        for added in Self.added(pod) where !allowed.contains(added.name.lowercased()) {
            context.report(
                "container \"\(added.container.name)\" must not add capability \"\(added.name)\"",
                path: added.path, at: added.node, container: added.container)
        }
    }

    private func checkDocker(_ container: DockerContainerView, _ context: inout CheckContext) {
        for (text, value, i) in container.hostConfigList("CapAdd") {
            let upper = text.uppercased()
            let name = upper.hasPrefix("CAP_") ? String(upper.dropFirst(4)) : upper
            guard !Self.dockerDefaultCapabilities.contains(name) else { continue }
            let what = name == "ALL" ? "every capability (CapAdd ALL)" : "capability \(name)"
            context.report(
                "container \(container.label) must not add \(what)", control: CISDocker.capabilities,
                path: "HostConfig.CapAdd[\(i)]", at: value)
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
