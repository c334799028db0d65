import KubeModel

/// pod-selinux: no custom SELinux user or role, and only the container SELinux types.
///
/// PSS check `seLinuxOptions` (baseline; v1.0 allows the types container_t, container_init_t and
/// container_kvm_t, v1.31 adds container_engine_t). AKS vs PSS: Azure's current definition enforces the
/// PSS rule when `enforcePSS` is set (its template is not public); its older template matched whole
/// `allowedSELinuxOptions` entries. Under the `aks` profile this rule applies the PSS logic with a
/// configurable type list (`allowedSELinuxTypes`, default the newest PSS list) and skips Windows-nodeSelector
/// pods; the PSS profiles use the list of the requested version.
public struct PodSELinux: Rule {
    static let types10 = ["", "container_t", "container_init_t", "container_kvm_t"]
    static let types131 = types10 + ["container_engine_t"]

    public static let description = RuleDescription(
        id: "pod-selinux",
        title: "SELinux options",
        category: .podSecurity,
        severity: .high,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks, .pssBaseline, .pssRestricted],
        spec: """
            Fails when the pod's or a container's (init, regular, ephemeral) securityContext.seLinuxOptions sets \
            user or role, or a type other than container_t, container_init_t, container_kvm_t (and, from PSS \
            v1.31, container_engine_t). Pod and containers are judged independently.
            PSS profiles: PSA check `seLinuxOptions` at the requested version. aks profile: types from \
            allowedSELinuxTypes; Windows-nodeSelector pods skipped.
            """,
        rationale: "A custom SELinux type, user or role can lift the confinement that keeps a container from the host's files and processes.",
        remediation: "Remove seLinuxOptions.user and .role, and use one of the container types (or none).",
        references: [
            .pss("seLinuxOptions (baseline)"),
            .azurePolicy("Kubernetes cluster pods and containers should only use allowed SELinux options / SELinux security standards (e1e6c427)"),
            .other("KSV025"),
        ],
        parameters: [
            ParameterSpec(
                "allowedSELinuxTypes", .stringList, default: "[container_t, container_init_t, container_kvm_t, container_engine_t]",
                "aks profile only: allowed seLinuxOptions.type values (unset is always allowed).")
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  securityContext: {seLinuxOptions: {level: "s0:c123,c456"}}
                  containers:
                  - {name: app, image: nginx:1.27, securityContext: {seLinuxOptions: {type: container_init_t}}}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  securityContext: {seLinuxOptions: {user: system_u}}
                  containers:
                  - {name: app, image: nginx:1.27, securityContext: {seLinuxOptions: {type: spc_t, role: system_r}}}
                """,
                paths: [
                    "spec.securityContext.seLinuxOptions.user",
                    "spec.containers[0].securityContext.seLinuxOptions.type",
                    "spec.containers[0].securityContext.seLinuxOptions.role",
                ]),
        ]
    )

    let allowedTypes: Set<String>

    public init(parameters: RuleParameters) {
        allowedTypes = Set(parameters.strings("allowedSELinuxTypes", default: Self.types131) + [""])
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.seLinuxOptions], pod: pod) }
        if AzurePods.isWindows(pod) { return }
        for spot in Self.inspect(pod, allowedTypes: allowedTypes).spots {
            context.report(spot.message, path: spot.path, at: spot.value, container: spot.container)
        }
    }

    struct Inspection {
        var badSetters: [String] = []
        var badTypes: [String] = []
        var setUser = false
        var setRole = false
        var spots: [PSSSpot] = []
    }

    static func inspect(_ pod: PodTemplate, allowedTypes: Set<String>) -> Inspection {
        var result = Inspection()
        func judge(_ options: Value, owner: String, base: String, container: Container?) -> Bool {
            var valid = true
            let type = PodFields.string(options, "type")
            if !allowedTypes.contains(type) {
                valid = false
                result.badTypes.append(type)
                result.spots.append(
                    PSSSpot("\(owner) must not set seLinuxOptions.type \"\(type)\"", path: "\(base).type", at: options["type"], container: container))
            }
            for field in ["user", "role"] where !PodFields.string(options, field).isEmpty {
                valid = false
                if field == "user" { result.setUser = true } else { result.setRole = true }
                result.spots.append(
                    PSSSpot("\(owner) must not set seLinuxOptions.\(field)", path: "\(base).\(field)", at: options[field], container: container))
            }
            return valid
        }
        if let options = PodFields.object(pod.securityContext, "seLinuxOptions"),
            !judge(options, owner: "pod", base: pod.path("securityContext.seLinuxOptions"), container: nil)
        {
            result.badSetters.append("pod")
        }
        var bad: [String] = []
        for container in pod.containers {
            guard let options = PodFields.object(container.securityContext, "seLinuxOptions") else { continue }
            if !judge(
                options, owner: "container \"\(container.name)\"", base: container.path("securityContext.seLinuxOptions"),
                container: container)
            {
                bad.append(container.name)
            }
        }
        if !bad.isEmpty { result.badSetters.append(PSSText.containers(bad)) }
        return result
    }

    /// PSA `seLinuxOptions` v1.0.
    static func seLinuxOptions_1_0(_ pod: PodTemplate) -> PSSViolation? { seLinuxOptions(pod, allowedTypes: types10) }

    /// PSA `seLinuxOptions` v1.31: container_engine_t allowed.
    static func seLinuxOptions_1_31(_ pod: PodTemplate) -> PSSViolation? { seLinuxOptions(pod, allowedTypes: types131) }

    static func seLinuxOptions(_ pod: PodTemplate, allowedTypes: [String]) -> PSSViolation? {
        let r = inspect(pod, allowedTypes: Set(allowedTypes))
        guard !r.badSetters.isEmpty else { return nil }
        // PSA names user and role only alongside a bad type; kept so the detail reads exactly as PSA's.
        var data: [String] = []
        let types = PSSText.sortedSet(r.badTypes)
        if !types.isEmpty {
            data.append("\(PSSText.pluralize("type", "types", types.count)) \(PSSText.joinQuote(types))")
            if r.setUser { data.append("user may not be set") }
            if r.setRole { data.append("role may not be set") }
        }
        return PSSViolation(
            reason: "seLinuxOptions",
            detail: "\(r.badSetters.joined(separator: " and ")) set forbidden securityContext.seLinuxOptions: \(data.joined(separator: "; "))",
            spots: r.spots)
    }
}
