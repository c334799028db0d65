import KubeModel

/// The Pod Security Standards checks, declared once, as PSA's `policy` package registers them.
///
/// Each entry is one `check_*.go` upstream: its id, level, the Gatehouse rule that reports it, the baseline
/// check it overrides, and its versioned implementations named as PSA names them (`privileged_1_0`,
/// `seccompProfileRestricted_1_25`). The logic lives in the owning rule's file, beside the rule's Azure
/// semantics. Porting a PSA release means, check by check, adding the new version's implementation and its
/// one entry here; ``PSSVersion/newest`` follows.
///
/// Source: `kubernetes/kubernetes` `staging/src/k8s.io/pod-security-admission/policy/check_*.go` and
/// `registry.go` as of the release-1.36 and release-1.37 branches (see RULES.md §2). Two behaviours were
/// changed upstream inside the v1.0 functions rather than behind a new version, so they apply at every
/// pinned version, here as in PSA: the `image` volume source is allowed by `restrictedVolumes`, and
/// `appArmorProfile` reads the `securityContext.appArmorProfile` fields as well as the annotations.
extension PodSecurityStandards {
    /// Every check, baseline then restricted, each group in PSA's order.
    public static let registry: [PSSCheck] = [
        // baseline
        PSSCheck(
            .appArmorProfile, .baseline, rule: "pod-apparmor",
            versions: [PSSVersionedCheck(.v1(0), PodAppArmor.appArmorProfile_1_0)]),
        PSSCheck(
            .capabilitiesBaseline, .baseline, rule: "pod-capabilities-baseline",
            versions: [PSSVersionedCheck(.v1(0), PodCapabilitiesBaseline.capabilitiesBaseline_1_0)]),
        PSSCheck(
            .hostNamespaces, .baseline, rule: "pod-host-network", sharedWith: ["pod-host-pid", "pod-host-ipc"],
            versions: [PSSVersionedCheck(.v1(0), PodHostNetwork.hostNamespaces_1_0)]),
        PSSCheck(
            .hostPathVolumes, .baseline, rule: "pod-hostpath",
            versions: [PSSVersionedCheck(.v1(0), PodHostPath.hostPathVolumes_1_0)]),
        PSSCheck(
            .hostPorts, .baseline, rule: "pod-host-ports",
            versions: [PSSVersionedCheck(.v1(0), PodHostPorts.hostPorts_1_0)]),
        PSSCheck(
            .hostProbesAndHostLifecycle, .baseline, rule: "pod-probe-host",
            versions: [PSSVersionedCheck(.v1(34), PodProbeHost.hostProbesAndHostLifecycle_1_34)]),
        PSSCheck(
            .privileged, .baseline, rule: "pod-privileged",
            versions: [PSSVersionedCheck(.v1(0), PodPrivileged.privileged_1_0)]),
        PSSCheck(
            .procMount, .baseline, rule: "pod-proc-mount",
            versions: [
                PSSVersionedCheck(.v1(0), PodProcMount.procMount_1_0),
                PSSVersionedCheck(.v1(35), PodProcMount.procMount_1_35),
            ]),
        PSSCheck(
            .seLinuxOptions, .baseline, rule: "pod-selinux",
            versions: [
                PSSVersionedCheck(.v1(0), PodSELinux.seLinuxOptions_1_0),
                PSSVersionedCheck(.v1(31), PodSELinux.seLinuxOptions_1_31),
            ]),
        PSSCheck(
            .seccompProfileBaseline, .baseline, rule: "pod-seccomp",
            versions: [
                PSSVersionedCheck(.v1(0), PodSeccomp.seccompProfileBaseline_1_0),
                PSSVersionedCheck(.v1(19), PodSeccomp.seccompProfileBaseline_1_19),
            ]),
        PSSCheck(
            .sysctls, .baseline, rule: "pod-sysctls",
            versions: [
                PSSVersionedCheck(.v1(0), PodSysctls.sysctls_1_0),
                PSSVersionedCheck(.v1(27), PodSysctls.sysctls_1_27),
                PSSVersionedCheck(.v1(29), PodSysctls.sysctls_1_29),
                PSSVersionedCheck(.v1(32), PodSysctls.sysctls_1_32),
                PSSVersionedCheck(.v1(37), PodSysctls.sysctls_1_37),
            ]),
        PSSCheck(
            .windowsHostProcess, .baseline, rule: "pod-windows-hostprocess",
            versions: [PSSVersionedCheck(.v1(0), PodWindowsHostProcess.windowsHostProcess_1_0)]),
        // restricted
        PSSCheck(
            .allowPrivilegeEscalation, .restricted, rule: "pod-allow-privilege-escalation",
            versions: [
                PSSVersionedCheck(.v1(8), PodAllowPrivilegeEscalation.allowPrivilegeEscalation_1_8),
                PSSVersionedCheck(.v1(25), PodAllowPrivilegeEscalation.allowPrivilegeEscalation_1_25),
            ]),
        PSSCheck(
            .capabilitiesRestricted, .restricted, rule: "pod-capabilities-drop-all", overrides: .capabilitiesBaseline,
            versions: [
                PSSVersionedCheck(.v1(22), PodCapabilitiesDropAll.capabilitiesRestricted_1_22),
                PSSVersionedCheck(.v1(25), PodCapabilitiesDropAll.capabilitiesRestricted_1_25),
            ]),
        PSSCheck(
            .procMountRestricted, .restricted, rule: "pod-proc-mount", overrides: .procMount,
            versions: [PSSVersionedCheck(.v1(35), PodProcMount.procMountRestricted_1_35)]),
        PSSCheck(
            .restrictedVolumes, .restricted, rule: "pod-volume-types", overrides: .hostPathVolumes,
            versions: [PSSVersionedCheck(.v1(0), PodVolumeTypes.restrictedVolumes_1_0)]),
        PSSCheck(
            .runAsNonRoot, .restricted, rule: "pod-run-as-non-root",
            versions: [
                PSSVersionedCheck(.v1(0), PodRunAsNonRoot.runAsNonRoot_1_0),
                PSSVersionedCheck(.v1(35), PodRunAsNonRoot.runAsNonRoot_1_35),
            ]),
        PSSCheck(
            .runAsUser, .restricted, rule: "pod-run-as-user-root",
            versions: [
                PSSVersionedCheck(.v1(23), PodRunAsUserRoot.runAsUser_1_23),
                PSSVersionedCheck(.v1(35), PodRunAsUserRoot.runAsUser_1_35),
            ]),
        PSSCheck(
            .seccompProfileRestricted, .restricted, rule: "pod-seccomp", overrides: .seccompProfileBaseline,
            versions: [
                PSSVersionedCheck(.v1(19), PodSeccomp.seccompProfileRestricted_1_19),
                PSSVersionedCheck(.v1(25), PodSeccomp.seccompProfileRestricted_1_25),
            ]),
    ]

    /// The newest minimum version any check declares: PSA clamps every newer version to it.
    static let newestVersion: PSSVersion = registry.flatMap { $0.versions.map(\.minimumVersion) }.max() ?? .v1(0)

    private static let declarations = Dictionary(registry.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

    /// The declaration of `id`; every id is declared (``registryProblems(_:)`` holds that).
    static func declaration(of id: PSSCheckID) -> PSSCheck {
        guard let check = declarations[id] else { preconditionFailure("PSS check \(id) is not in the registry") }
        return check
    }

    /// What is wrong with a check table, in the terms of PSA's `registry.go` validation: every check has a
    /// unique id, a baseline or restricted level and at least one version; versions strictly increase; only
    /// restricted checks override, and only baseline checks. Gatehouse adds that every id is declared and
    /// every rule named exists. Empty when the table is sound.
    public static func registryProblems(_ checks: [PSSCheck]) -> [String] {
        var problems: [String] = []
        var levels: [PSSCheckID: PSSLevel] = [:]
        for check in checks {
            if levels[check.id] != nil { problems.append("\(check.id.rawValue): declared twice") }
            levels[check.id] = check.level
            if check.level == .privileged { problems.append("\(check.id.rawValue): invalid level privileged") }
            if check.versions.isEmpty { problems.append("\(check.id.rawValue): no versions") }
            for (older, newer) in zip(check.versions, check.versions.dropFirst()) where older.minimumVersion >= newer.minimumVersion {
                problems.append("\(check.id.rawValue): \(newer.minimumVersion) does not follow \(older.minimumVersion)")
            }
            for rule in [check.ruleID] + check.sharedWith where Registry.rule(id: rule) == nil {
                problems.append("\(check.id.rawValue): no rule \(rule)")
            }
        }
        for id in PSSCheckID.allCases where levels[id] == nil { problems.append("\(id.rawValue): not declared") }
        for check in checks {
            guard let overridden = check.overrides else { continue }
            if check.level != .restricted {
                problems.append("\(check.id.rawValue): only restricted checks may override")
            }
            if let level = levels[overridden], level != .baseline {
                problems.append("\(check.id.rawValue): overrides \(level) check \(overridden.rawValue)")
            }
        }
        return problems
    }
}
