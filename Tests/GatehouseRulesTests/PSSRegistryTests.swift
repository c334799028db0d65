import GatehouseRules
import KubeModel
import Testing

/// The PSS check table validates as PSA's `registry.go` validates its checks, and pins what PSA declares.
struct PSSRegistryTests {
    static let registry = PodSecurityStandards.registry

    @Test func registryIsSound() {
        #expect(PodSecurityStandards.registryProblems(Self.registry) == [])
    }

    @Test func checksAreListedInPSAsOrder() {
        #expect(Self.registry.map(\.id) == PSSCheckID.allCases.sorted())
    }

    /// The first `MinimumVersion` of each check upstream.
    @Test func minimumVersionsArePSAs() {
        let introduced: [PSSCheckID: Int] = [
            .allowPrivilegeEscalation: 8, .seccompProfileRestricted: 19, .capabilitiesRestricted: 22, .runAsUser: 23,
            .hostProbesAndHostLifecycle: 34, .procMountRestricted: 35,
        ]
        for check in Self.registry {
            #expect(check.minimumVersion == .v1(introduced[check.id] ?? 0), "\(check.id)")
            #expect(check.versions.first?.minimumVersion == check.id.minimumVersion, "\(check.id)")
        }
    }

    @Test func newestIsTheNewestVersionDeclared() {
        #expect(PSSVersion.newest == .v1(37))
        #expect(Self.registry.contains { $0.versions.contains { $0.minimumVersion == .newest } })
    }

    @Test func overridesAreRestrictedOverBaseline() {
        let overrides = Self.registry.compactMap { check in check.overrides.map { "\(check.id.rawValue)>\($0.rawValue)" } }
        #expect(
            overrides == [
                "capabilities_restricted>capabilities_baseline", "procMount_restricted>procMount",
                "restrictedVolumes>hostPathVolumes", "seccompProfile_restricted>seccompProfile_baseline",
            ])
    }

    @Test func everyCheckRuleIsAPSSRule() {
        for check in Self.registry {
            for rule in [check.ruleID] + check.sharedWith {
                let profiles = Registry.rule(id: rule)?.description.profiles ?? []
                let profile: Profile = check.level == .baseline ? .pssBaseline : .pssRestricted
                #expect(profiles.contains(profile), "\(check.id) -> \(rule)")
            }
        }
    }

    /// Each version's `sysctls` implementation allows exactly the safe list of that version.
    @Test func sysctlsVersionsFollowTheSafeList() throws {
        let all = PodSysctls.safeSysctls(at: .newest).sorted()
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              securityContext:
                sysctls: [\(all.map { "{name: \($0), value: \"1\"}" }.joined(separator: ", "))]
              containers: [{name: a, image: x}]
            """
        let object = try #require(Manifests.loadYAML(yaml, file: "p.yaml").objects.first)
        let pod = try #require(PodTemplate(of: object))
        for version in PSSVersion.all {
            let forbidden = PSSCheckID.sysctls.evaluate(pod, version: version)?.detail ?? ""
            let safe = PodSysctls.safeSysctls(at: version)
            #expect(forbidden == all.filter { !safe.contains($0) }.joined(separator: ", "), "\(version)")
        }
    }

    // MARK: the validation itself

    static func check(
        _ id: PSSCheckID, _ level: PSSLevel, rule: String = "pod-privileged", overrides: PSSCheckID? = nil, versions: [Int]
    ) -> PSSCheck {
        PSSCheck(id, level, rule: rule, overrides: overrides, versions: versions.map { PSSVersionedCheck(.v1($0)) { _ in nil } })
    }

    /// The registry with `id`'s declaration replaced.
    static func replacing(_ id: PSSCheckID, with check: PSSCheck) -> [PSSCheck] {
        registry.map { $0.id == id ? check : $0 }
    }

    @Test func rejectsADuplicateId() {
        #expect(PodSecurityStandards.registryProblems(Self.registry + [Self.registry[0]]) == ["appArmorProfile: declared twice"])
    }

    @Test func rejectsAMissingId() {
        #expect(PodSecurityStandards.registryProblems(Array(Self.registry.dropLast())) == ["seccompProfile_restricted: not declared"])
    }

    @Test func rejectsVersionsThatDoNotIncrease() {
        let table = Self.replacing(.privileged, with: Self.check(.privileged, .baseline, versions: [0, 25, 25, 19]))
        #expect(
            PodSecurityStandards.registryProblems(table) == [
                "privileged: v1.25 does not follow v1.25", "privileged: v1.19 does not follow v1.25",
            ])
    }

    @Test func rejectsACheckWithoutVersions() {
        let table = Self.replacing(.privileged, with: Self.check(.privileged, .baseline, versions: []))
        #expect(PodSecurityStandards.registryProblems(table) == ["privileged: no versions"])
    }

    @Test func rejectsThePrivilegedLevel() {
        let table = Self.replacing(.privileged, with: Self.check(.privileged, .privileged, versions: [0]))
        #expect(PodSecurityStandards.registryProblems(table) == ["privileged: invalid level privileged"])
    }

    @Test func rejectsAnUnknownRule() {
        let table = Self.replacing(.privileged, with: Self.check(.privileged, .baseline, rule: "pod-nope", versions: [0]))
        #expect(PodSecurityStandards.registryProblems(table) == ["privileged: no rule pod-nope"])
    }

    @Test func rejectsABaselineOverride() {
        let table = Self.replacing(.privileged, with: Self.check(.privileged, .baseline, overrides: .hostPorts, versions: [0]))
        #expect(PodSecurityStandards.registryProblems(table) == ["privileged: only restricted checks may override"])
    }

    @Test func rejectsOverridingARestrictedCheck() {
        let table = Self.replacing(.runAsUser, with: Self.check(.runAsUser, .restricted, overrides: .runAsNonRoot, versions: [23]))
        #expect(PodSecurityStandards.registryProblems(table) == ["runAsUser: overrides restricted check runAsNonRoot"])
    }
}
