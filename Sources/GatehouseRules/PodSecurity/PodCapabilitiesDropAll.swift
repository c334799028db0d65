import KubeModel

/// pod-capabilities-drop-all: containers drop ALL capabilities and add back at most NET_BIND_SERVICE.
///
/// PSS check `capabilities_restricted` (restricted, v1.22; Windows pods exempt from v1.25; replaces
/// `capabilities_baseline`). AKS vs PSS, and which way each profile goes:
/// - PSA requires the exact string `"ALL"` in `drop` (`all` or `All` fail) and only `NET_BIND_SERVICE` in
///   `add`. The PSS profiles follow that to the letter, because their verdict must equal PSA's.
/// - Azure's capabilities template lower-cases everything, and a `drop` containing `all` satisfies any
///   `requiredDropCapabilities` list. The `aks` profile follows Azure: with the defaults
///   (`requiredDropCapabilities: [ALL]`, `allowedCapabilities: [NET_BIND_SERVICE]`) `drop: [all]` passes.
///   The kernel and the runtime treat capability names case-insensitively, so Azure's reading is the one
///   that matches what actually runs.
public struct PodCapabilitiesDropAll: Rule {
    public static let description = RuleDescription(
        id: "pod-capabilities-drop-all",
        title: "Must drop ALL, add only NET_BIND_SERVICE",
        category: .podSecurity,
        severity: .medium,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks, .pssRestricted],
        spec: """
            Fails for a container (init, regular, ephemeral) whose securityContext.capabilities.drop does not \
            drop ALL, and for every capabilities.add entry other than NET_BIND_SERVICE.
            PSS profiles: PSA check `capabilities_restricted` from v1.22 (before that, restricted uses \
            capabilities_baseline); drop must contain exactly "ALL" (case-sensitive); pods with \
            spec.os.name: windows are exempt from v1.25.
            aks profile: case-insensitive; drop passes when it contains "all" or every \
            requiredDropCapabilities entry; add must be within allowedCapabilities ("*" allows all); Windows \
            pods (nodeSelector or spec.os.name) are skipped.
            """,
        rationale: """
            Dropping every capability removes the kernel privileges a compromised process could use to escape; \
            binding a low port is the one privilege most services need.
            """,
        remediation: "Set securityContext.capabilities.drop: [\"ALL\"] on every container and add back only NET_BIND_SERVICE if the process binds a port below 1024.",
        references: [
            .pss("capabilities_restricted (restricted)"),
            .azurePolicy("Kubernetes cluster containers should only use allowed capabilities (c26596ff), requiredDropCapabilities"),
            .defender("Least privileged Linux capabilities should be enforced for containers"),
            .cis("5.2.10"),
            .other("KSV003, KSV106, Polaris insecureCapabilities, kubeaudit CapabilityShouldDropAll"),
        ],
        parameters: [
            ParameterSpec(
                "requiredDropCapabilities", .stringList, default: "[ALL]",
                "aks profile only: capabilities every container must drop (case-insensitive; dropping ALL satisfies any list)."),
            ParameterSpec(
                "allowedCapabilities", .stringList, default: "[NET_BIND_SERVICE]",
                "aks profile only: capabilities containers may add (case-insensitive; \"*\" allows all)."),
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
                    securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}
                  - name: sidecar
                    image: envoy:1.30
                    securityContext: {capabilities: {drop: [all]}}
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
                      - {name: setup, image: busybox:1.36}
                      containers:
                      - name: app
                        image: nginx:1.27
                        securityContext: {capabilities: {drop: [NET_RAW], add: [SYS_TIME]}}
                """,
                paths: [
                    "spec.template.spec.initContainers[0].securityContext.capabilities.drop",
                    "spec.template.spec.containers[0].securityContext.capabilities.drop",
                    "spec.template.spec.containers[0].securityContext.capabilities.add[0]",
                ]),
        ],
        fix: .addingItem(
            .string("ALL"), toListEnding: "securityContext.capabilities.drop",
            summary: "adds ALL to securityContext.capabilities.drop")
    )

    let requiredDrop: Set<String>
    let allowedAdd: Set<String>
    let allowAll: Bool
    /// The message's list when a container drops nothing (most of them), made once.
    let requiredDropText: String

    public init(parameters: RuleParameters) {
        requiredDrop = AzurePods.lowered(parameters.strings("requiredDropCapabilities", default: ["ALL"]))
        let add = parameters.strings("allowedCapabilities", default: ["NET_BIND_SERVICE"])
        allowedAdd = AzurePods.lowered(add)
        allowAll = add.contains("*")
        requiredDropText = Self.text(missing: requiredDrop)
    }

    private static func text(missing: Set<String>) -> String {
        PSSText.joinQuote(missing.sorted().map { $0.uppercased() })
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.capabilitiesRestricted], pod: pod) }
        if AzurePods.isWindows(pod, includingOSName: true) { return }
        for container in pod.containers {
            let caps = PodFields.object(container.securityContext, "capabilities")
            let drops = PodFields.strings(caps, "drop")
            let dropped = drops.isEmpty ? [] : AzurePods.lowered(drops.map(\.text))
            if !dropped.contains("all"), !requiredDrop.isSubset(of: dropped) {
                let missing = dropped.isEmpty ? requiredDropText : Self.text(missing: requiredDrop.subtracting(dropped))
                context.report(
                    "container \"\(container.name)\" must drop \(missing) in securityContext.capabilities.drop",
                    path: container.path("securityContext.capabilities.drop"),
                    at: caps?["drop"] ?? caps ?? container.securityContext ?? container.value, container: container)
            }
            guard !allowAll else { continue }
            for (k, entry) in PodFields.strings(caps, "add").enumerated() where !allowedAdd.contains(entry.text.lowercased()) {
                context.report(
                    "container \"\(container.name)\" must not add capability \"\(entry.text)\"",
                    path: container.path("securityContext.capabilities.add[\(k)]"), at: entry.node, container: container)
            }
        }
    }

    /// PSA `capabilities_restricted` v1.25: Windows pods allowed.
    static func capabilitiesRestricted_1_25(_ pod: PodTemplate) -> PSSViolation? {
        pod.isWindowsByOS ? nil : capabilitiesRestricted_1_22(pod)
    }

    /// PSA `capabilities_restricted` v1.22.
    static func capabilitiesRestricted_1_22(_ pod: PodTemplate) -> PSSViolation? {
        var missingDrop: [String] = []
        var adding: [String] = []
        var forbidden: [String] = []
        var spots: [PSSSpot] = []
        for container in pod.containers {
            let caps = PodFields.object(container.securityContext, "capabilities")
            let drops = PodFields.strings(caps, "drop")
            if !drops.contains(where: { $0.text == "ALL" }) {
                missingDrop.append(container.name)
                spots.append(
                    PSSSpot(
                        "container \"\(container.name)\" must set securityContext.capabilities.drop=[\"ALL\"]",
                        path: container.path("securityContext.capabilities.drop"),
                        at: caps?["drop"] ?? caps ?? container.securityContext ?? container.value, container: container))
            }
            var addsForbidden = false
            for (k, entry) in PodFields.strings(caps, "add").enumerated() where entry.text != "NET_BIND_SERVICE" {
                addsForbidden = true
                forbidden.append(entry.text)
                spots.append(
                    PSSSpot(
                        "container \"\(container.name)\" must not include \"\(entry.text)\" in securityContext.capabilities.add",
                        path: container.path("securityContext.capabilities.add[\(k)]"), at: entry.node, container: container))
            }
            if addsForbidden { adding.append(container.name) }
        }
        var details: [String] = []
        if !missingDrop.isEmpty {
            details.append("\(PSSText.containers(missingDrop)) must set securityContext.capabilities.drop=[\"ALL\"]")
        }
        if !adding.isEmpty {
            details.append(
                "\(PSSText.containers(adding)) must not include \(PSSText.joinQuote(PSSText.sortedSet(forbidden))) in securityContext.capabilities.add")
        }
        guard !details.isEmpty else { return nil }
        return PSSViolation(reason: "unrestricted capabilities", detail: details.joined(separator: "; "), spots: spots)
    }
}
