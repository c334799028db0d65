import KubeModel

/// pod-sysctls: pods set only namespaced, isolated ("safe") sysctls.
///
/// PSS check `sysctls` (baseline), whose safe list grows by version: v1.0, v1.27, v1.29, v1.32, v1.37.
/// AKS vs PSS: Azure has two definitions, "forbidden sysctl interfaces" (a deny-list where an entry also
/// forbids every name it prefixes, and `*` forbids all) and "allowed sysctl interfaces". Under the `aks`
/// profile this rule applies both: `forbiddenSysctls` with Azure's prefix semantics (default empty) and
/// `allowedSysctls` (default: the newest PSS safe list; entries may end in `*`). Under the PSS profiles
/// only the safe list of the requested version counts.
///
/// Values: CRI-O passed every sysctl to its `pinns` helper as one `name=value+name=value` argument, so a value
/// containing `+` or `=` set further sysctls of the attacker's choosing (CVE-2022-0811, "cr8escape":
/// `kernel.shm_rmid_forced=1+kernel.core_pattern=|/payload` runs a program as root on the node). No sysctl
/// value needs either character, so the `aks` profile fails such a value whatever the name, allowed or not.
/// The PSS profiles stay exactly PSA's verdict: PSA's `sysctls` check reads names only.
public struct PodSysctls: Rule {
    /// The safe sysctls each policy version adds (`check_sysctls.go`).
    static let safeByVersion: [(version: PSSVersion, names: [String])] = [
        (.v1(0), [
            "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
        ]),
        (.v1(27), ["net.ipv4.ip_local_reserved_ports"]),
        (.v1(29), [
            "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes",
        ]),
        (.v1(32), ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]),
        (.v1(37), ["net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"]),
    ]

    /// The safe list PSA uses at `version`.
    public static func safeSysctls(at version: PSSVersion) -> Set<String> {
        Set(safeByVersion.filter { $0.version <= version }.flatMap(\.names))
    }

    public static let description = RuleDescription(
        id: "pod-sysctls",
        title: "Unsafe sysctls",
        category: .podSecurity,
        severity: .high,
        action: .deny,
        scope: .podSpec,
        profiles: [.aks, .pssBaseline, .pssRestricted],
        spec: """
            Fails for every spec.securityContext.sysctls[*].name outside the safe list. PSS profiles: PSA check \
            `sysctls` with the list of the requested version: v1.0 kernel.shm_rmid_forced, \
            net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, \
            net.ipv4.ip_unprivileged_port_start; v1.27 adds net.ipv4.ip_local_reserved_ports; v1.29 \
            net.ipv4.tcp_keepalive_time, tcp_fin_timeout, tcp_keepalive_intvl, tcp_keepalive_probes; v1.32 \
            net.ipv4.tcp_rmem, tcp_wmem; v1.37 net.ipv4.tcp_slow_start_after_idle, tcp_notsent_lowat.
            aks profile: fails when a name is in forbiddenSysctls (an entry also forbids names it prefixes, \
            "*" forbids all) or is not in allowedSysctls (entries may end in "*"; default the newest safe list); \
            and, whatever the name, for every spec.securityContext.sysctls[*].value containing "+" or "=" \
            (CVE-2022-0811: CRI-O's pinns read such a value as further sysctls to set). The PSS profiles read \
            names only, exactly as PSA does, and do not check values. Windows-nodeSelector pods skipped.
            """,
        rationale: "Unsafe sysctls are not namespaced or not isolated: setting them changes the kernel for every pod on the node.",
        remediation: "Remove the sysctl, or move the workload to a dedicated node pool whose kubelet allows it and exempt it explicitly.",
        references: [
            .pss("sysctls (baseline)"),
            .azurePolicy("Kubernetes cluster containers should not use forbidden sysctl interfaces (56d0a13f); allowed sysctl interfaces (5e5a0673)"),
            .other("KSV026"),
        ],
        parameters: [
            ParameterSpec(
                "allowedSysctls", .stringList, default: "the newest PSS safe list",
                "aks profile only: sysctls pods may set (entries may end in \"*\"; \"*\" allows all)."),
            ParameterSpec(
                "forbiddenSysctls", .stringList, default: "[]",
                "aks profile only: sysctls pods may not set; an entry forbids every name it prefixes, \"*\" forbids all."),
        ],
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  securityContext:
                    sysctls: [{name: net.ipv4.ip_local_port_range, value: "1024 65535"}]
                  containers:
                  - {name: app, image: nginx:1.27}
                """),
        ],
        failing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: db}
                spec:
                  securityContext:
                    sysctls:
                    - {name: net.ipv4.tcp_syncookies, value: "1"}
                    - {name: kernel.msgmax, value: "65536"}
                  containers:
                  - {name: db, image: postgres:17}
                """,
                paths: ["spec.securityContext.sysctls[1].name"]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: db}
                spec:
                  securityContext:
                    sysctls: [{name: net.ipv4.tcp_keepalive_time, value: "600"}]
                  containers:
                  - {name: db, image: postgres:17}
                """,
                parameters: "forbiddenSysctls: [net.ipv4.tcp_keepalive]",
                paths: ["spec.securityContext.sysctls[0].name"]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: cr8escape}
                spec:
                  securityContext:
                    sysctls:
                    - {name: net.ipv4.tcp_syncookies, value: "1"}
                    - {name: kernel.shm_rmid_forced, value: "1+kernel.core_pattern=|/var/lib/payload #"}
                  containers:
                  - {name: app, image: alpine:3.20}
                """,
                paths: ["spec.securityContext.sysctls[1].value"]),
        ]
    )

    let allowed: [Glob]
    let forbidden: [String]

    public init(parameters: RuleParameters) {
        allowed = parameters.strings("allowedSysctls", default: Self.safeSysctls(at: .newest).sorted()).map(Glob.init)
        forbidden = parameters.strings("forbiddenSysctls", default: [])
    }

    /// Azure's `k8sazurev1forbiddensysctls`: equal, `*`, or a prefix once trailing `*` are trimmed.
    func isForbidden(_ name: String) -> Bool {
        forbidden.contains { entry in
            if entry == "*" || entry == name { return true }
            var prefix = Substring(entry)
            while prefix.last == "*" { prefix = prefix.dropLast() }
            while prefix.first == "*" { prefix = prefix.dropFirst() }
            return !prefix.isEmpty && name.hasPrefix(prefix)
        }
    }

    func isAllowed(_ name: String) -> Bool { allowed.anyMatches(name) }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let pod = context.template else { return }
        if context.pss != nil { return context.reportPSS([.sysctls], pod: pod) }
        if AzurePods.isWindows(pod) { return }
        for sysctl in Self.sysctls(pod) {
            if isForbidden(sysctl.name) {
                context.report("sysctl \"\(sysctl.name)\" is forbidden", path: sysctl.path, at: sysctl.node)
            } else if !isAllowed(sysctl.name) {
                context.report("sysctl \"\(sysctl.name)\" is not in the allowed list", path: sysctl.path, at: sysctl.node)
            }
        }
        guard let list = pod.securityContext?["sysctls"], list.isSequence else { return }
        for (i, item) in list.items.enumerated() {
            guard let value = item["value"], let text = value.string, Self.setsFurtherSysctls(text) else { continue }
            context.report(
                "sysctl \"\(PodFields.string(item, "name"))\" has the value \"\(text)\", whose \"+\" or \"=\" sets "
                    + "further sysctls in vulnerable runtimes (CVE-2022-0811)",
                path: pod.path("securityContext.sysctls[\(i)].value"), at: value)
        }
    }

    /// Whether a sysctl value carries `+` or `=`, the separators of CRI-O's `pinns -s name=value+name=value`.
    static func setsFurtherSysctls(_ value: String) -> Bool {
        value.utf8.contains { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "=") }
    }

    static func sysctls(_ pod: PodTemplate) -> [(name: String, path: String, node: Value)] {
        guard let list = pod.securityContext?["sysctls"], list.isSequence else { return [] }
        return list.items.enumerated().map { i, item in
            (PodFields.string(item, "name"), pod.path("securityContext.sysctls[\(i)].name"), item["name"] ?? item)
        }
    }

    /// PSA `sysctls` at each version that grew the safe list: the pod sets only sysctls of that version's list.
    static let sysctls_1_0 = sysctlsAllowing(safeSysctls(at: .v1(0)))
    static let sysctls_1_27 = sysctlsAllowing(safeSysctls(at: .v1(27)))
    static let sysctls_1_29 = sysctlsAllowing(safeSysctls(at: .v1(29)))
    static let sysctls_1_32 = sysctlsAllowing(safeSysctls(at: .v1(32)))
    static let sysctls_1_37 = sysctlsAllowing(safeSysctls(at: .v1(37)))

    static func sysctlsAllowing(_ safe: Set<String>) -> PSSCheckFunction {
        { pod in forbiddenSysctls(pod, safe: safe) }
    }

    static func forbiddenSysctls(_ pod: PodTemplate, safe: Set<String>) -> PSSViolation? {
        let listed = sysctls(pod)
        guard !listed.isEmpty else { return nil }
        let bad = listed.filter { !safe.contains($0.name) }
        guard !bad.isEmpty else { return nil }
        return PSSViolation(
            reason: "forbidden sysctls", detail: bad.map(\.name).joined(separator: ", "),
            spots: bad.map { PSSSpot("pod must not set sysctl \"\($0.name)\"", path: $0.path, at: $0.node) })
    }
}
