import GatehouseRules
import KubeModel
import Testing

/// The places where the `aks` profile (Azure Policy semantics) deliberately gives a different verdict from the
/// PSS profiles (PSA semantics) for the same rule. Each case names the rule, the pod, optional Azure
/// parameters, and both verdicts.
struct AKSvsPSSTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let rule: String
        let parameters: String?
        let pss: PSSContext
        let aksFails: Bool
        let pssFails: Bool
        let spec: String

        var testDescription: String { name }

        var yaml: String {
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n" + spec
        }
    }

    static let restricted = PSSContext.latest(.restricted)
    static let baseline = PSSContext.latest(.baseline)

    static let cases: [Case] = [
        Case(
            name: "drop: [all] lower-case", rule: "pod-capabilities-drop-all", parameters: nil, pss: restricted,
            aksFails: false, pssFails: true,
            spec: "spec:\n  containers:\n  - {name: a, image: x, securityContext: {capabilities: {drop: [all]}}}\n"),
        Case(
            name: "drop ALL satisfies a required drop list", rule: "pod-capabilities-drop-all",
            parameters: "requiredDropCapabilities: [NET_RAW, SYS_ADMIN]", pss: restricted, aksFails: false, pssFails: false,
            spec: "spec:\n  containers:\n  - {name: a, image: x, securityContext: {capabilities: {drop: [ALL]}}}\n"),
        Case(
            name: "required drop list without ALL", rule: "pod-capabilities-drop-all",
            parameters: "requiredDropCapabilities: [NET_RAW]", pss: restricted, aksFails: false, pssFails: true,
            spec: "spec:\n  containers:\n  - {name: a, image: x, securityContext: {capabilities: {drop: [net_raw]}}}\n"),
        Case(
            name: "add: [chown] lower-case", rule: "pod-capabilities-baseline", parameters: nil, pss: baseline,
            aksFails: false, pssFails: true,
            spec: "spec:\n  containers:\n  - {name: a, image: x, securityContext: {capabilities: {add: [chown]}}}\n"),
        Case(
            name: "capability allowed by parameter", rule: "pod-capabilities-baseline",
            parameters: "allowedCapabilities: [net_admin]", pss: baseline, aksFails: false, pssFails: true,
            spec: "spec:\n  containers:\n  - {name: a, image: x, securityContext: {capabilities: {add: [NET_ADMIN]}}}\n"),
        Case(
            name: "allowed read-only host path", rule: "pod-hostpath",
            parameters: "allowedHostPaths: [{pathPrefix: /var/log/, readOnly: true}]", pss: baseline, aksFails: false,
            pssFails: true,
            spec: """
                spec:
                  containers:
                  - {name: a, image: x, volumeMounts: [{name: logs, mountPath: /l, readOnly: true}]}
                  volumes:
                  - {name: logs, hostPath: {path: /var/log/pods}}

                """),
        Case(
            name: "host path prefix is by component", rule: "pod-hostpath", parameters: "allowedHostPaths: [{pathPrefix: /foo}]",
            pss: baseline, aksFails: true, pssFails: true,
            spec: "spec:\n  containers:\n  - {name: a, image: x}\n  volumes:\n  - {name: v, hostPath: {path: /fool}}\n"),
        Case(
            name: "Windows nodeSelector skips Linux rules", rule: "pod-allow-privilege-escalation", parameters: nil,
            pss: restricted, aksFails: false, pssFails: true,
            spec: "spec:\n  nodeSelector: {kubernetes.io/os: windows}\n  containers:\n  - {name: a, image: x}\n"),
        Case(
            name: "non-zero runAsUser without runAsNonRoot", rule: "pod-run-as-non-root", parameters: nil, pss: restricted,
            aksFails: false, pssFails: true,
            spec: "spec:\n  securityContext: {runAsUser: 1000}\n  containers:\n  - {name: a, image: x}\n"),
        Case(
            name: "runAsNonRoot true with runAsUser 0", rule: "pod-run-as-non-root", parameters: nil, pss: restricted,
            aksFails: true, pssFails: false,
            spec: "spec:\n  securityContext: {runAsNonRoot: true, runAsUser: 0}\n  containers:\n  - {name: a, image: x}\n"),
        Case(
            name: "pod runAsUser 0 overridden by every container", rule: "pod-run-as-user-root", parameters: nil,
            pss: restricted, aksFails: false, pssFails: true,
            spec: "spec:\n  securityContext: {runAsUser: 0}\n  containers:\n  - {name: a, image: x, securityContext: {runAsUser: 10}}\n"),
        Case(
            name: "unmasked /proc in a user namespace", rule: "pod-proc-mount", parameters: nil, pss: baseline,
            aksFails: true, pssFails: false,
            spec: "spec:\n  hostUsers: false\n  containers:\n  - {name: a, image: x, securityContext: {procMount: Unmasked}}\n"),
        Case(
            name: "allowed host port", rule: "pod-host-ports", parameters: "allowedHostPorts: [\"80\", \"3000-5000\"]",
            pss: baseline, aksFails: false, pssFails: true,
            spec: "spec:\n  containers:\n  - {name: a, image: x, ports: [{containerPort: 3100, hostPort: 3100}]}\n"),
        Case(
            name: "allowed host network", rule: "pod-host-network", parameters: "allowHostNetwork: true", pss: baseline,
            aksFails: false, pssFails: true, spec: "spec:\n  hostNetwork: true\n  containers:\n  - {name: a, image: x}\n"),
        Case(
            name: "no seccomp profile", rule: "pod-seccomp", parameters: nil, pss: restricted, aksFails: false, pssFails: true,
            spec: "spec:\n  containers:\n  - {name: a, image: x}\n"),
        Case(
            name: "no seccomp profile, level restricted", rule: "pod-seccomp", parameters: "level: restricted",
            pss: restricted, aksFails: true, pssFails: true, spec: "spec:\n  containers:\n  - {name: a, image: x}\n"),
        Case(
            name: "unconfined seccomp annotation after v1.19", rule: "pod-seccomp", parameters: nil, pss: baseline,
            aksFails: true, pssFails: false,
            spec: """
                  annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}
                spec:
                  containers:
                  - {name: a, image: x}

                """),
        Case(
            name: "volume type allowed by parameter", rule: "pod-volume-types",
            parameters: "allowedVolumeTypes: [nfs, configMap]", pss: restricted, aksFails: false, pssFails: true,
            spec: "spec:\n  containers:\n  - {name: a, image: x}\n  volumes:\n  - {name: v, nfs: {server: s, path: /}}\n"),
        Case(
            name: "forbidden sysctl prefix", rule: "pod-sysctls", parameters: "forbiddenSysctls: [kernel.shm]", pss: baseline,
            aksFails: true, pssFails: false,
            spec: "spec:\n  securityContext: {sysctls: [{name: kernel.shm_rmid_forced, value: \"1\"}]}\n  containers:\n  - {name: a, image: x}\n"),
        // CVE-2022-0811: the value sets kernel.core_pattern in vulnerable runtimes. PSA reads names only.
        Case(
            name: "sysctl value with + and = (cr8escape)", rule: "pod-sysctls", parameters: nil, pss: baseline,
            aksFails: true, pssFails: false,
            spec: "spec:\n  securityContext: {sysctls: [{name: kernel.shm_rmid_forced, value: \"1+kernel.core_pattern=|/x #\"}]}\n  containers:\n  - {name: a, image: x}\n"),
        Case(
            name: "legacy Azure privilege escalation", rule: "pod-allow-privilege-escalation", parameters: "mode: azure-legacy",
            pss: restricted, aksFails: false, pssFails: true, spec: "spec:\n  containers:\n  - {name: a, image: x}\n"),
    ]

    @Test(arguments: cases)
    func verdicts(_ c: Case) throws {
        let loaded = Manifests.loadYAML(c.yaml, file: "case.yaml")
        let object = try #require(loaded.objects.first, "\(loaded.errors)")
        let type = try #require(Registry.rule(id: c.rule))
        let parameters = c.parameters.map { RuleParameters(ParsedYAML.firstDocument($0)) } ?? .none
        let rule = try type.init(parameters: parameters)
        let template = PodTemplate(of: object)
        let aks = rule.evaluate(object, template: template, pss: nil)
        let pss = rule.evaluate(object, template: template, pss: c.pss)
        #expect(!aks.isEmpty == c.aksFails, "aks: \(aks.map(\.message))")
        #expect(!pss.isEmpty == c.pssFails, "pss: \(pss.map(\.message))")
        #expect(aks.allSatisfy { $0.check == nil })
        #expect(pss.allSatisfy { $0.check != nil })
    }

    @Test func parametersAreIgnoredUnderPSS() throws {
        let rule = try PodHostPorts(parameters: RuleParameters(ParsedYAML.firstDocument("allowedHostPorts: [\"1-65535\"]")))
        let object = try #require(
            Manifests.loadYAML(
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: x, ports: [{containerPort: 1, hostPort: 1}]}\n"
            ).objects.first)
        #expect(rule.evaluate(object).isEmpty)
        #expect(rule.evaluate(object, template: PodTemplate(of: object), pss: .latest(.baseline)).count == 1)
    }

    @Test func badParametersAreRejected() {
        #expect(throws: ParameterError.self) {
            try PodHostPorts(parameters: RuleParameters(ParsedYAML.firstDocument("allowedHostPorts: [\"80-70\"]")))
        }
        #expect(throws: ParameterError.self) {
            try PodAllowPrivilegeEscalation(parameters: RuleParameters(ParsedYAML.firstDocument("mode: strict")))
        }
        #expect(throws: ParameterError.self) {
            try PodSeccomp(parameters: RuleParameters(ParsedYAML.firstDocument("level: high")))
        }
        #expect(throws: ParameterError.self) {
            try PodHostPath(parameters: RuleParameters(ParsedYAML.firstDocument("allowedHostPaths: [{readOnly: true}]")))
        }
    }
}

extension AKSvsPSSTests {
    /// Azure's AppArmor template reads a missing annotation as runtime/default.
    @Test func appArmorUnsetIsRuntimeDefaultUnderAKS() throws {
        let object = try #require(
            Manifests.loadYAML("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: x}\n").objects.first)
        let strict = try PodAppArmor(parameters: RuleParameters(ParsedYAML.firstDocument("allowedProfiles: [localhost/*]")))
        #expect(strict.evaluate(object).map(\.path) == [#"metadata.annotations["container.apparmor.security.beta.kubernetes.io/a"]"#])
        #expect(try PodAppArmor(parameters: .none).evaluate(object).isEmpty)
        #expect(strict.evaluate(object, template: PodTemplate(of: object), pss: .latest(.baseline)).isEmpty)
    }
}
