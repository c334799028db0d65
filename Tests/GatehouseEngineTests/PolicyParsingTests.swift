import GatehouseEngine
import GatehouseRules
import KubeModel
import TestSupport
import Testing

let header = """
    apiVersion: gatehouse.io/v1
    kind: Policy

    """

/// Parses `body` after the two header lines (so the body starts on line 3) against the test catalogue.
func parse(_ body: String, header: String = header) throws(PolicyError) -> Policy {
    try Policy.parse(header + body, file: "policy.yaml", rules: TestCatalogue.rules, crossObjectRules: [], alertRules: [], dockerAlertRules: [])
}

/// The formatted problems of a policy that must be rejected.
func problems(_ body: String, header: String = header) -> [String] {
    do {
        _ = try parse(body, header: header)
        Issue.record("policy was accepted")
        return []
    } catch {
        return error.problems.map { $0.formatted(file: "policy.yaml") }
    }
}

struct PolicyParsingTests {
    @Test func fullPolicy() throws {
        let policy = try parse(
            """
            profile: pss-restricted
            pssVersion: v1.30
            failOn: medium
            excludedNamespaces: [kube-system, "infra-*"]
            annotationExemptions: {allowed: false, rules: ["test-*"], requireReason: false}
            podTemplates: {action: warn}
            admission:
              exemptUsers: ["system:serviceaccount:kube-system:*"]
              exemptGroups: [breakglass]
              exemptNamespaces: [scratch]
            rules:
              pod-privileged:
                action: warn
                severity: critical
                namespaces:
                - {match: "dev-*", action: audit}
              test-image-tag:
                parameters:
                  allowedTags: [stable]
                  pattern: '^x$'
                  maxCount: 3
                  strict: true
                  memory: 512Mi
                  label: app
                  registries:
                  - {host: acr.io, port: 443}
            exemptions:
            - rules: [pod-privileged]
              namespaces: [monitoring]
              names: ["node-exporter*"]
              kinds: [DaemonSet]
              labelSelector: {matchLabels: {app: x}, matchExpressions: [{key: tier, operator: Exists}]}
              containers: [agent]
              images: [nginx]
              reason: needs it
            """)
        #expect(policy.profile == .pssRestricted)
        #expect(policy.pssVersion == "v1.30")
        #expect(policy.podSecurity == PSSContext(level: .restricted, version: .v1(30)))
        #expect(policy.failOn == .medium)
        #expect(policy.excludedNamespaces == ["kube-system", "infra-*"])
        #expect(policy.annotationExemptions.allowed == false)
        #expect(policy.annotationExemptions.requireReason == false)
        #expect(policy.annotationExemptions.rules.map(\.pattern) == ["test-*"])
        #expect(policy.templateAction == .warn)
        #expect(policy.exemptUsers == ["system:serviceaccount:kube-system:*"])
        #expect(policy.exemptGroups == ["breakglass"])
        #expect(policy.exemptNamespaces == ["scratch"])
        #expect(policy.rules["pod-privileged"]?.action == .warn)
        #expect(policy.rules["pod-privileged"]?.severity == .critical)
        #expect(policy.rules["pod-privileged"]?.namespaceActions == [NamespaceAction(match: Glob("dev-*"), action: .audit)])
        #expect(policy.rules["test-image-tag"]?.parameters?["maxCount"]?.int == 3)
        #expect(policy.exemptions.count == 1)
        let e = try #require(policy.exemptions.first)
        #expect(e.rules.map(\.pattern) == ["pod-privileged"])
        #expect(e.namespaces.map(\.pattern) == ["monitoring"])
        #expect(e.names.map(\.pattern) == ["node-exporter*"])
        #expect(e.kinds == ["DaemonSet"])
        #expect(e.labelSelector == LabelSelector(matchLabels: ["app": "x"], requirements: [.init(key: "tier", op: .exists, values: [])]))
        #expect(e.containers.map(\.pattern) == ["agent"])
        #expect(e.images == ["nginx"])
        #expect(e.reason == "needs it")
        #expect(e.position == SourcePosition(line: 30, column: 3))
        #expect(policy.file == "policy.yaml")
    }

    @Test func minimalPolicyKeepsDefaults() throws {
        let policy = try parse("")
        #expect(policy.profile == .aks)
        #expect(policy.pssVersion == "latest")
        #expect(policy.excludedNamespaces == Policy.azureExcludedNamespaces)
        #expect(policy.annotationExemptions.allowed && policy.annotationExemptions.requireReason)
        #expect(policy.templateAction == nil && policy.failOn == nil)
        #expect(policy.exemptions.isEmpty && policy.rules.isEmpty)
    }

    @Test func defaultPolicy() throws {
        let policy = Policy.default
        #expect(policy.profile == .aks)
        #expect(policy.excludedNamespaces == ["kube-system", "gatekeeper-system", "azure-arc", "azure-extensions-usage-system"])
        #expect(policy.file == nil)
        let engine = try Engine()
        #expect(engine.activeRuleIDs == Registry.ids(in: .aks).sorted())
    }

    @Test func defaultDocumentIsTheDefaultPolicy() throws {
        let written = try Policy.parse(Policy.defaultDocument, file: "default.yaml")
        let builtIn = Policy.default
        #expect(written.profile == builtIn.profile)
        #expect(written.pssVersion == builtIn.pssVersion)
        #expect(written.failOn == builtIn.failOn)
        #expect(written.excludedNamespaces == builtIn.excludedNamespaces)
        #expect(written.annotationExemptions.allowed == builtIn.annotationExemptions.allowed)
        #expect(written.annotationExemptions.rules == builtIn.annotationExemptions.rules)
        #expect(written.annotationExemptions.requireReason == builtIn.annotationExemptions.requireReason)
        #expect(written.templateAction == builtIn.templateAction)
        #expect(written.namespaceLimits == builtIn.namespaceLimits)
        #expect(written.exemptUsers == builtIn.exemptUsers && written.exemptGroups == builtIn.exemptGroups)
        #expect(written.exemptNamespaces == builtIn.exemptNamespaces)
        #expect(written.rules.isEmpty && written.exemptions.isEmpty)
        #expect(try Engine(policy: written).activeRuleIDs == Engine().activeRuleIDs)
    }

    @Test func exampleFileLoads() throws {
        let policy = try Policy.load(contentsOf: Repository.url("examples/policy.yaml").path)
        #expect(policy.profile == .aks)
        #expect(policy.exemptions.count == 4)
        #expect(policy.exemptions.map(\.namesActors) == [false, false, true, true])
        #expect(policy.rules["pod-privileged"]?.namespaceActions.count == 2)
        #expect(policy.rules["image-allowed-registry"]?.action == .deny)
        #expect(policy.rules["resources-limits"]?.parameters?["memoryLimit"]?.string == "4Gi")
        #expect(policy.warnings.isEmpty)
        #expect(policy.templateAction == .warn)
        #expect(policy.namespaceLimits == [
            NamespaceLimit(match: Glob("dev-*"), maxAction: .warn), NamespaceLimit(match: Glob("playground"), maxAction: .audit),
        ])
        #expect(policy.exemptUsers == ["system:serviceaccount:kube-system:*"])
        #expect(policy.annotationExemptions.requireReason)
        _ = try Engine(policy: policy)
    }

    @Test func unreadableFile() {
        do {
            _ = try Policy.load(contentsOf: "/nonexistent/policy.yaml")
            Issue.record("a missing file loaded")
        } catch {
            #expect(error.description == "/nonexistent/policy.yaml: cannot read the policy file: No such file or directory")
        }
        do {
            _ = try Policy.load(contentsOf: "/tmp")
            Issue.record("a directory loaded")
        } catch {
            #expect(error.description.hasPrefix("/tmp: cannot read the policy file"))
        }
    }

    @Test func settingsWithoutEffectAreWarnings() throws {
        let policy = try parse(
            """
            rules:
              test-optional: {severity: high}
              test-image-tag: {severity: high}
            """)
        #expect(policy.warnings.map { $0.formatted(file: "policy.yaml") } == [
            #"policy.yaml:4:3: rule "test-optional" is not in profile aks, so its settings have no effect; add action: to turn it on"#
        ])
        #expect(try parse("profile: all\nrules: {test-optional: {severity: high}}").warnings.isEmpty)
        #expect(try parse("rules: {test-optional: {action: warn}}").warnings.isEmpty)
    }

    @Test func actionPipeline() throws {
        let policy = try parse(
            """
            podTemplates: {action: warn}
            namespaceLimits: [{match: "dev-*", maxAction: audit}]
            rules:
              pod-privileged:
                namespaces: [{match: dev-special, action: deny}]
            """)
        #expect(policy.action(.deny, rule: "pod-privileged", namespace: "prod", isTemplate: false) == .deny)
        #expect(policy.action(.deny, rule: "pod-privileged", namespace: "prod", isTemplate: true) == .warn)
        #expect(policy.action(.deny, rule: "pod-privileged", namespace: "dev-a", isTemplate: false) == .audit)
        #expect(policy.action(.deny, rule: "pod-privileged", namespace: "dev-special", isTemplate: false) == .deny)
        #expect(policy.action(.deny, rule: "pod-privileged", namespace: "dev-special", isTemplate: true) == .warn)
        #expect(policy.action(.audit, rule: "test-image-tag", namespace: nil, isTemplate: true) == .audit)
    }

    @Test func pssVersions() throws {
        for good in ["latest", "v1.0", "v1.25", "v1.99"] {
            #expect(try parse("pssVersion: \(good)").pssVersion == good)
        }
        for bad in ["1.30", "v1.", "v2.1", "v1.3x", "v1.-1", "v1.030"] {
            #expect(problems("pssVersion: \"\(bad)\"").count == 1, "\(bad)")
        }
    }
}
