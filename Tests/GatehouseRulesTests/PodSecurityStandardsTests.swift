import GatehouseRules
import KubeModel
import Testing

/// The PSS core: versions, levels, check selection, PSA's messages, namespace labels, and how the pod rules
/// switch between PSA and Azure semantics.
struct PodSecurityStandardsTests {
    static func object(_ yaml: String) throws -> KubeObject {
        let loaded = Manifests.loadYAML(yaml, file: "test.yaml")
        return try #require(loaded.objects.first, "\(loaded.errors)")
    }

    static func pod(_ yaml: String) throws -> PodTemplate {
        try #require(PodTemplate(of: object(yaml)))
    }

    // MARK: versions and levels

    @Test(arguments: [
        ("v1.0", 0), ("v1.25", 25), ("v1.37", 37), ("latest", 37), ("v1.38", 37), ("v1.400", 37),
        ("v1.99999999999999999999999", 37),
    ])
    func versionParses(_ text: String, _ minor: Int) {
        #expect(PSSVersion.parse(text) == .v1(minor))
    }

    @Test(arguments: ["", "1.25", "v1", "v1.", "v1.05", "v2.0", "V1.25", "v1.25.0", "v1.-1", "Latest", " v1.25"])
    func versionRejects(_ text: String) {
        #expect(PSSVersion.parse(text) == nil)
    }

    @Test func levelsParseExactly() {
        #expect(PSSLevel.parse("restricted") == .restricted)
        #expect(PSSLevel.parse("Restricted") == nil)
        #expect(PSSLevel.parse("") == nil)
        #expect(PSSLevel.privileged < .baseline && PSSLevel.baseline < .restricted)
    }

    @Test func contextFromProfile() {
        #expect(PSSContext(profile: .pssBaseline)?.level == .baseline)
        #expect(PSSContext(profile: .pssRestricted, version: .v1(25))?.version == .v1(25))
        #expect(PSSContext(profile: .aks) == nil)
        #expect(PSSContext(profile: .all) == nil)
        #expect(PSSContext(level: "restricted", version: "v1.50")?.version == .newest)
        #expect(PSSContext(level: "restricted", version: "v1.50")?.description == "restricted:v1.50")
        #expect(PSSContext.latest(.baseline).description == "baseline:latest")
        #expect(PSSContext(level: "strict", version: "latest") == nil)
    }

    // MARK: which checks run

    @Test func checksPerLevelAndVersion() {
        let ids = { (level: PSSLevel, minor: Int) in
            PodSecurityStandards.checks(for: PSSContext(level: level, version: .v1(minor))).map(\.rawValue)
        }
        #expect(
            ids(.baseline, 0) == [
                "appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPathVolumes", "hostPorts", "privileged",
                "procMount", "seLinuxOptions", "seccompProfile_baseline", "sysctls", "windowsHostProcess",
            ])
        #expect(ids(.baseline, 34).contains("hostProbesAndHostLifecycle"))
        #expect(!ids(.baseline, 33).contains("hostProbesAndHostLifecycle"))
        #expect(
            ids(.restricted, 0) == [
                "appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPorts", "privileged", "procMount",
                "seLinuxOptions", "seccompProfile_baseline", "sysctls", "windowsHostProcess", "restrictedVolumes",
                "runAsNonRoot",
            ])
        #expect(
            ids(.restricted, 37) == [
                "appArmorProfile", "hostNamespaces", "hostPorts", "hostProbesAndHostLifecycle", "privileged",
                "seLinuxOptions", "sysctls", "windowsHostProcess", "allowPrivilegeEscalation", "capabilities_restricted",
                "procMount_restricted", "restrictedVolumes", "runAsNonRoot", "runAsUser", "seccompProfile_restricted",
            ])
        #expect(ids(.restricted, 18).contains("seccompProfile_baseline"))
        #expect(!ids(.restricted, 19).contains("seccompProfile_baseline"))
        #expect(ids(.restricted, 21).contains("capabilities_baseline"))
        #expect(!ids(.restricted, 22).contains("capabilities_baseline"))
        #expect(ids(.restricted, 34).contains("procMount"))
        #expect(!ids(.restricted, 35).contains("procMount"))
        #expect(ids(.privileged, 37).isEmpty)
    }

    @Test func everyCheckBelongsToARegisteredRule() {
        for check in PSSCheckID.allCases {
            #expect(Registry.rule(id: check.ruleID) != nil, "\(check) -> \(check.ruleID)")
        }
    }

    // MARK: PSA's words

    static let messy = """
        apiVersion: v1
        kind: Pod
        metadata: {name: messy}
        spec:
          hostNetwork: true
          hostPID: true
          containers:
          - name: a
            image: x
            securityContext: {privileged: true, capabilities: {add: [NET_RAW, SYS_ADMIN]}}
            ports: [{containerPort: 80, hostPort: 80}, {containerPort: 9, hostPort: 9000}]
          - name: b
            image: x
            securityContext: {privileged: true, runAsUser: 0, allowPrivilegeEscalation: true, capabilities: {drop: [ALL]}}
          volumes:
          - {name: v1, hostPath: {path: /}}
          - {name: v2, nfs: {server: s, path: /}}
        """

    @Test func baselineDenialReadsLikePSA() throws {
        let context = PSSContext.latest(.baseline)
        let results = PodSecurityStandards.evaluate(try Self.pod(Self.messy), context: context)
        let message = try #require(PodSecurityStandards.denialMessage(results, context: context))
        #expect(
            message == """
                violates PodSecurity "baseline:latest": non-default capabilities (container "a" must not include \
                "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add), host namespaces (hostNetwork=true, \
                hostPID=true), hostPath volumes (volume "v1"), hostPort (container "a" uses hostPorts 80, 9000), \
                privileged (containers "a", "b" must not set securityContext.privileged=true)
                """)
    }

    @Test func restrictedDetails() throws {
        let context = PSSContext(level: .restricted, version: .v1(25))
        let results = PodSecurityStandards.evaluate(try Self.pod(Self.messy), context: context)
        let detail = Dictionary(uniqueKeysWithValues: results.map { ($0.check.rawValue, $0.violation.summary) })
        #expect(detail["allowPrivilegeEscalation"] == #"allowPrivilegeEscalation != false (containers "a", "b" must set securityContext.allowPrivilegeEscalation=false)"#)
        #expect(detail["capabilities_restricted"] == #"unrestricted capabilities (container "a" must set securityContext.capabilities.drop=["ALL"]; container "a" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)"#)
        #expect(detail["restrictedVolumes"] == #"restricted volume types (volumes "v1", "v2" use restricted volume types "hostPath", "nfs")"#)
        #expect(detail["runAsNonRoot"] == #"runAsNonRoot != true (pod or containers "a", "b" must set securityContext.runAsNonRoot=true)"#)
        #expect(detail["runAsUser"] == #"runAsUser=0 (container "b" must not set runAsUser=0)"#)
        #expect(detail["seccompProfile_restricted"] == #"seccompProfile (pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#)
        #expect(detail["hostPathVolumes"] == nil, "replaced by restrictedVolumes")
        #expect(detail["capabilities_baseline"] == nil, "replaced by capabilities_restricted from v1.22")
    }

    @Test func explicitBadValuesAreNamedBeforeMissingOnes() throws {
        let pod = try Self.pod(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              securityContext: {runAsNonRoot: false, runAsUser: 0, seccompProfile: {type: Unconfined}}
              containers:
              - {name: a, image: x, securityContext: {runAsNonRoot: false, runAsUser: 0}}
              - {name: b, image: x}
            """)
        let results = PodSecurityStandards.evaluate(pod, context: .latest(.restricted))
        let detail = Dictionary(uniqueKeysWithValues: results.map { ($0.check.rawValue, $0.violation.detail) })
        #expect(detail["runAsNonRoot"] == #"pod and container "a" must not set securityContext.runAsNonRoot=false"#)
        #expect(detail["runAsUser"] == #"pod and container "a" must not set runAsUser=0"#)
        #expect(detail["seccompProfile_restricted"] == #"pod must not set securityContext.seccompProfile.type to "Unconfined""#)
    }

    @Test func otherBaselineMessages() throws {
        let pod = try Self.pod(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              annotations: {container.apparmor.security.beta.kubernetes.io/a: unconfined}
            spec:
              os: {name: windows}
              securityContext:
                seLinuxOptions: {type: spc_t, user: u}
                sysctls: [{name: kernel.msgmax, value: "1"}, {name: net.core.somaxconn, value: "1"}]
                windowsOptions: {hostProcess: true}
              containers:
              - name: a
                image: x
                securityContext: {procMount: Unmasked, appArmorProfile: {type: Unconfined}, windowsOptions: {hostProcess: true}}
                readinessProbe: {httpGet: {host: 10.0.0.1, port: 80}}
            """)
        let results = PodSecurityStandards.evaluate(pod, context: .latest(.baseline))
        let detail = Dictionary(uniqueKeysWithValues: results.map { ($0.check.rawValue, $0.violation.summary) })
        #expect(detail["appArmorProfile"] == #"forbidden AppArmor profiles (container "a" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/a="unconfined"")"#)
        #expect(detail["procMount"] == #"procMount (container "a" must not set securityContext.procMount to "Unmasked")"#)
        #expect(detail["seLinuxOptions"] == #"seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)"#)
        #expect(detail["sysctls"] == "forbidden sysctls (kernel.msgmax, net.core.somaxconn)")
        #expect(detail["windowsHostProcess"] == #"hostProcess (pod and container "a" must not set securityContext.windowsOptions.hostProcess=true)"#)
        #expect(detail["hostProbesAndHostLifecycle"] == #"probe or lifecycle host (container "a" uses probe or lifecycle host "10.0.0.1")"#)
    }

    // MARK: findings

    @Test func findingsNameRuleCheckAndPath() throws {
        let object = try Self.object(Self.messy)
        let findings = PodSecurityStandards.evaluate(object, level: .baseline, version: .v1(25))
        let host = findings.filter { $0.check == "hostNamespaces" }
        #expect(host.map(\.ruleID) == ["pod-host-network", "pod-host-pid"])
        #expect(host.map(\.path) == ["spec.hostNetwork", "spec.hostPID"])
        let privileged = findings.filter { $0.ruleID == "pod-privileged" }
        #expect(privileged.map(\.container) == ["a", "b"])
        #expect(privileged.allSatisfy { $0.check == "privileged" && $0.position != .unknown })
        let ports = findings.filter { $0.check == "hostPorts" }
        #expect(ports.map(\.path) == ["spec.containers[0].ports[0].hostPort", "spec.containers[0].ports[1].hostPort"])
    }

    @Test func rulesUnderPSSContextMatchTheEvaluator() throws {
        let object = try Self.object(Self.messy)
        for context in [PSSContext.latest(.baseline), .latest(.restricted), PSSContext(level: .restricted, version: .v1(10))] {
            let direct = PodSecurityStandards.evaluate(object, context: context)
            var viaRules: [Finding] = []
            for type in Registry.rules where context.level == .baseline
                ? type.description.profiles.contains(.pssBaseline) : type.description.profiles.contains(.pssRestricted)
            {
                let rule = try type.init(parameters: .none)
                viaRules += rule.evaluate(object, template: PodTemplate(of: object), pss: context)
            }
            let key = { (f: Finding) in "\(f.ruleID) \(f.check ?? "") \(f.path)" }
            #expect(Set(direct.map(key)) == Set(viaRules.map(key)), "\(context)")
            #expect(direct.count == viaRules.count)
        }
    }

    @Test func nonPodObjectsHaveNoFindings() throws {
        let object = try Self.object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n")
        #expect(PodSecurityStandards.evaluate(object, level: .restricted, version: .newest).isEmpty)
    }

    // MARK: namespace labels

    @Test func namespaceLabels() {
        let (policy, problems) = PSSNamespacePolicy.parse(labels: [
            "pod-security.kubernetes.io/enforce": "baseline",
            "pod-security.kubernetes.io/enforce-version": "v1.25",
            "pod-security.kubernetes.io/warn": "restricted",
            "app": "x",
        ])
        #expect(problems.isEmpty)
        #expect(policy.enforce == PSSContext(level: .baseline, version: .v1(25)))
        #expect(policy.warn.level == .restricted && policy.warn.requestedVersion == "latest")
        #expect(policy.audit == .latest(.privileged))
        #expect(policy.strictest.level == .restricted)
    }

    @Test func invalidNamespaceLabelsFollowPSA() {
        let (policy, problems) = PSSNamespacePolicy.parse(labels: [
            "pod-security.kubernetes.io/enforce": "strict",
            "pod-security.kubernetes.io/audit": "Restricted",
            "pod-security.kubernetes.io/warn": "nonsense",
            "pod-security.kubernetes.io/warn-version": "1.25",
            "pod-security.kubernetes.io/audit-version": "v1.99",
        ])
        #expect(policy.enforce.level == .restricted, "enforce fails closed")
        #expect(policy.audit.level == .privileged, "audit fails open")
        #expect(policy.warn.level == .privileged, "warn fails open")
        #expect(policy.warn.version == .newest && policy.warn.requestedVersion == "latest")
        #expect(policy.audit.version == .newest && policy.audit.requestedVersion == "v1.99")
        #expect(problems.map(\.label) == [
            "pod-security.kubernetes.io/audit", "pod-security.kubernetes.io/enforce", "pod-security.kubernetes.io/warn",
            "pod-security.kubernetes.io/warn-version",
        ])
        #expect(problems[1].description == #"label pod-security.kubernetes.io/enforce="strict": must be one of privileged, baseline, restricted"#)
    }

    @Test func namespaceObject() throws {
        let ns = try Self.object(
            """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: team
              labels: {pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: v1.30}
            """)
        let parsed = try #require(PSSNamespacePolicy.parse(namespace: ns))
        #expect(parsed.policy.enforce == PSSContext(level: .restricted, version: .v1(30)))
        #expect(PSSNamespacePolicy.hasLabels(ns.labels))
        #expect(PSSNamespacePolicy.parse(namespace: try Self.object(Self.messy)) == nil)
    }
}

extension PodSecurityStandardsTests {
    /// The API server copies containerPort to hostPort on host-network Pods before PSA sees them.
    @Test func hostNetworkPodPortsAreHostPorts() throws {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              hostNetwork: true
              initContainers:
              - {name: i, image: x, ports: [{containerPort: 9100}]}
              containers:
              - {name: a, image: x, ports: [{containerPort: 80}, {containerPort: 443, hostPort: 8443}]}
              ephemeralContainers:
              - {name: e, image: x, ports: [{containerPort: 7000}]}
            """
        let results = PodSecurityStandards.evaluate(try Self.pod(yaml), context: .latest(.baseline))
        #expect(results.map(\.check.rawValue) == ["hostNamespaces", "hostPorts"])
        #expect(results.last?.violation.detail == #"containers "i", "a" use hostPorts 80, 8443, 9100"#)
        // Pod templates are not defaulted that way any more: only hostNamespaces (and the explicit hostPort).
        let deployment = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              template:
                spec:
                  hostNetwork: true
                  containers:
                  - {name: a, image: x, ports: [{containerPort: 80}]}
            """
        let template = PodSecurityStandards.evaluate(try Self.pod(deployment), context: .latest(.baseline))
        #expect(template.map(\.check.rawValue) == ["hostNamespaces"])
    }
}

extension PodSecurityStandardsTests {
    @Test func warningWording() throws {
        let context = PSSContext(level: .baseline, version: .v1(30))
        let results = PodSecurityStandards.evaluate(try Self.pod(Self.messy), context: context)
        let warning = try #require(PodSecurityStandards.denialMessage(results, context: context, warning: true))
        #expect(warning.hasPrefix(#"would violate PodSecurity "baseline:v1.30": non-default capabilities ("#))
        #expect(PodSecurityStandards.denialMessage([], context: context) == nil)
    }
}

extension PodSecurityStandardsTests {
    @Test func admissionDecisionFollowsTheModes() throws {
        let (policy, _) = PSSNamespacePolicy.parse(labels: [
            "pod-security.kubernetes.io/enforce": "baseline",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/audit-version": "v1.21",
        ])
        let clean = try Self.pod("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: x}\n")
        let allowed = policy.decision(for: clean)
        #expect(allowed.allowed)
        #expect(allowed.warnings.count == 1)
        #expect(allowed.warnings.first?.hasPrefix(#"would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false"#) == true)
        #expect(allowed.auditViolation?.hasPrefix(#"would violate PodSecurity "restricted:v1.21": allowPrivilegeEscalation"#) == true)

        let bad = try Self.pod(Self.messy)
        let denied = policy.decision(for: bad)
        #expect(!denied.allowed)
        #expect(denied.denial?.hasPrefix(#"violates PodSecurity "baseline:latest": non-default capabilities"#) == true)
        #expect(denied.warnings.isEmpty, "no warnings on a rejected request")

        let template = try Self.pod(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      hostPID: true\n      containers:\n      - {name: a, image: x}\n")
        let warned = policy.decision(for: template)
        #expect(warned.allowed, "templates are never denied by PSA")
        #expect(warned.warnings.first?.contains("host namespaces (hostPID=true)") == true)
    }
}
