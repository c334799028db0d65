import GatehouseEngine
import GatehouseRules
import KubeModel
import Testing

/// The engine under the PSS profiles: one call evaluates a pod at a level and version.
struct PSSProfileTests {
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop}
        spec:
          securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
          containers:
          - name: app
            image: nginx:1.27
            securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [all]}, runAsUser: 0}
        """

    func engine(_ profile: Profile) throws -> Engine {
        var policy = Policy()
        policy.profile = profile
        return try Engine(policy: policy)
    }

    @Test func restrictedProfileFollowsTheVersion() throws {
        let object = try #require(Manifests.loadYAML(Self.pod).objects.first)
        let engine = try engine(.pssRestricted)
        #expect(engine.evaluate(object).compactMap(\.check) == ["capabilities_restricted", "runAsUser"])
        let v121 = engine.evaluate(object, pss: PSSContext(level: .restricted, version: .v1(21)))
        #expect(v121.isEmpty, "capabilities_restricted from v1.22, runAsUser from v1.23: \(v121.map(\.message))")
        let v122 = engine.evaluate(object, pss: PSSContext(level: .restricted, version: .v1(22)))
        #expect(v122.compactMap(\.check) == ["capabilities_restricted"])
    }

    @Test func baselineProfileAllowsIt() throws {
        let object = try #require(Manifests.loadYAML(Self.pod).objects.first)
        #expect(try engine(.pssBaseline).evaluate(object).isEmpty)
    }

    @Test func aksProfileUsesAzureSemantics() throws {
        let object = try #require(Manifests.loadYAML(Self.pod).objects.first)
        // Only the pod-security rules that map to PSS checks: the aks profile has other rules too.
        let findings = try engine(.aks).evaluate(object).filter { PodSecurityStandards.ruleIDs.contains($0.ruleID) }
        // Azure: "drop: [all]" is fine; runAsUser 0 fails both the user rule and MustRunAsNonRoot.
        #expect(Set(findings.map(\.ruleID)) == ["pod-run-as-non-root", "pod-run-as-user-root"])
        #expect(findings.allSatisfy { $0.check == nil })
    }
}

extension PSSProfileTests {
    /// PSA enforce rejects on any failing check, so every PSS rule denies under the PSS profiles even when
    /// its default under `aks` is a warning.
    @Test func pssProfilesDeny() throws {
        var policy = Policy()
        policy.profile = .pssRestricted
        let ape = try #require(Registry.rule(id: "pod-allow-privilege-escalation")).description
        #expect(ape.action == .warn)
        #expect(policy.action(for: ape) == .deny)
        policy.profile = .aks
        #expect(policy.action(for: ape) == .warn)
        policy.profile = .pssBaseline
        #expect(policy.action(for: ape) == nil, "a restricted-level rule is not in the baseline profile")
        let object = try #require(Manifests.loadYAML(Self.pod).objects.first)
        policy.profile = .pssRestricted
        let findings = try Engine(policy: policy).evaluate(object)
        #expect(!findings.isEmpty && findings.allSatisfy { $0.action == .deny })
    }
}
