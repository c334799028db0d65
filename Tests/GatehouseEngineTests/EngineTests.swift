import GatehouseEngine
import GatehouseRules
import KubeModel
import Testing

func object(_ yaml: String) throws -> KubeObject {
    let loaded = Manifests.loadYAML(yaml, file: "test.yaml")
    #expect(loaded.errors.isEmpty, "\(loaded.errors)")
    return try #require(loaded.objects.first)
}

func engine(_ body: String = "") throws -> Engine {
    try Engine(policy: parse(body), rules: TestCatalogue.rules)
}

/// A Pod failing all three aks test rules: pod-privileged on both containers, test-image-tag on `sidecar`
/// (untagged image) and test-host-network at pod level.
func pod(namespace: String? = "apps", name: String = "web", metadata: String = "") throws -> KubeObject {
    try object(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: \(name)
        \(namespace.map { "  namespace: \($0)" } ?? "")
        \(metadata)
        spec:
          hostNetwork: true
          containers:
          - name: app
            image: myacr.azurecr.io/web:1.2
            securityContext: {privileged: true}
          - name: sidecar
            image: nginx
            securityContext: {privileged: true}
        """)
}

func deployment(namespace: String = "apps", templateMetadata: String = "{}") throws -> KubeObject {
    try object(
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: \(namespace)}
        spec:
          template:
            metadata: \(templateMetadata)
            spec:
              containers:
              - name: app
                image: nginx:latest
                securityContext: {privileged: true}
        """)
}

struct EngineRuleSelectionTests {
    @Test func profileMembership() throws {
        #expect(try engine().activeRuleIDs == ["pod-privileged", "test-host-network", "test-image-tag"])
        #expect(try engine("profile: pss-baseline").activeRuleIDs == ["pod-privileged", "test-host-network"])
        #expect(try engine("profile: all").activeRuleIDs.count == 5)
    }

    @Test("profile all runs every registered rule, per-object and cross-object")
    func allRunsEveryRegisteredRule() throws {
        var policy = Policy()
        policy.profile = .all
        #expect(try Engine(policy: policy).activeRuleIDs == Registry.ids.sorted())
        #expect(try CrossObjectEngine(policy: policy).activeRuleIDs
            == CrossObjectRegistry.rules.map { $0.description.id }.sorted())
    }

    @Test("no rule's default action is off: a rule off by default is one no named profile lists")
    func noDefaultActionIsOff() {
        let descriptions = Registry.rules.map { $0.description } + CrossObjectRegistry.rules.map { $0.description }
        for d in descriptions {
            for profile in Profile.allCases where profile == .all || d.profiles.contains(profile) {
                #expect(d.defaultAction(in: profile) != .off, "\(d.id) is off under \(profile.rawValue)")
            }
        }
    }

    @Test func explicitEnableAndOff() throws {
        let e = try engine(
            """
            rules:
              test-optional: {action: audit}
              pod-privileged: {action: "off"}
              test-host-network: {severity: low}
            """)
        #expect(e.activeRuleIDs == ["test-host-network", "test-image-tag", "test-optional"])
        // Severity alone does not turn on a rule outside the profile.
        #expect(try engine("profile: pss-baseline\nrules: {test-image-tag: {severity: low}}").activeRuleIDs.contains("test-image-tag") == false)
    }

    @Test func defaultsAndStableOrder() throws {
        let findings = try engine().evaluate(pod())
        #expect(findings.map(\.ruleID) == ["pod-privileged", "pod-privileged", "test-host-network", "test-image-tag"])
        #expect(findings.map(\.path) == [
            "spec.containers[0].securityContext.privileged", "spec.containers[1].securityContext.privileged",
            "spec.hostNetwork", "spec.containers[1].image",
        ])
        #expect(findings.map(\.action) == [.deny, .deny, .deny, .warn])
        #expect(findings.map(\.severity) == [.high, .high, .high, .medium])
    }

    @Test func effectiveRules() throws {
        let e = try engine("rules: {pod-privileged: {severity: critical, action: warn}}")
        #expect(e.effectiveRules == [
            EffectiveRule(id: "pod-privileged", severity: .critical, action: .warn),
            EffectiveRule(id: "test-host-network", severity: .high, action: .deny),
            EffectiveRule(id: "test-image-tag", severity: .medium, action: .warn),
        ])
    }

    @Test func severityOverride() throws {
        let findings = try engine("rules: {pod-privileged: {severity: critical}}").evaluate(pod())
        #expect(findings.filter { $0.ruleID == "pod-privileged" }.map(\.severity) == [.critical, .critical])
        #expect(findings.first { $0.ruleID == "test-host-network" }?.severity == .high)
    }

    /// Rules that grade their findings keep their grades, unless the policy sets the rule's severity: then
    /// every finding of the rule has the policy's.
    @Test func perFindingSeverityUnlessThePolicySetsOne() throws {
        let rules: [any Rule.Type] = [RbacSecretsAccess.self, RbacWildcard.self]
        func severities(_ yaml: String, _ policy: Policy = Policy()) throws -> [String] {
            try Engine(policy: policy, rules: rules).evaluate(object(yaml)).map { "\($0.ruleID) \($0.path) \($0.severity)" }
        }
        let role = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: reader, namespace: app}
            rules:
            - {apiGroups: [""], resources: [secrets], verbs: [get]}
            - {apiGroups: ["*"], resources: [pods], verbs: [get]}
            - {apiGroups: [""], resources: ["*"], verbs: [get]}
            """
        let clusterRole = role.replacingOccurrences(of: "kind: Role", with: "kind: ClusterRole")
            .replacingOccurrences(of: ", namespace: app", with: "")
        #expect(try severities(role) == [
            "rbac-secrets-access rules[0] medium", "rbac-secrets-access rules[2] medium",
            "rbac-wildcard rules[1].apiGroups low", "rbac-wildcard rules[2].resources high",
        ])
        #expect(try severities(clusterRole) == [
            "rbac-secrets-access rules[0] high", "rbac-secrets-access rules[2] high",
            "rbac-wildcard rules[1].apiGroups low", "rbac-wildcard rules[2].resources high",
        ])
        var policy = Policy()
        policy.rules["rbac-secrets-access"] = RuleSettings(severity: .critical)
        policy.rules["rbac-wildcard"] = RuleSettings(severity: .medium)
        #expect(try severities(role, policy) == [
            "rbac-secrets-access rules[0] critical", "rbac-secrets-access rules[2] critical",
            "rbac-wildcard rules[1].apiGroups medium", "rbac-wildcard rules[2].resources medium",
        ])
        // An action alone leaves the rule's grades alone.
        policy.rules["rbac-wildcard"] = RuleSettings(action: .audit)
        #expect(try severities(role, policy).suffix(2) == [
            "rbac-wildcard rules[1].apiGroups low", "rbac-wildcard rules[2].resources high",
        ])
    }

    @Test func actionOverrideAndOff() throws {
        let findings = try engine("rules: {pod-privileged: {action: audit}, test-image-tag: {action: \"off\"}}").evaluate(pod())
        #expect(findings.map(\.ruleID) == ["pod-privileged", "pod-privileged", "test-host-network"])
        #expect(findings.map(\.action) == [.audit, .audit, .deny])
    }

    @Test func perNamespaceActionFirstMatchWins() throws {
        let e = try engine(
            """
            rules:
              pod-privileged:
                namespaces:
                - {match: "dev-*", action: warn}
                - {match: "dev-legacy", action: audit}
                - {match: "sandbox", action: "off"}
            """)
        func actions(_ ns: String?, admission: AdmissionInfo? = nil) throws -> [Action] {
            try e.evaluate(pod(namespace: ns), admission: admission).findings.filter { $0.ruleID == "pod-privileged" }.map(\.action)
        }
        #expect(try actions("dev-a") == [.warn, .warn])
        #expect(try actions("dev-legacy") == [.warn, .warn])
        #expect(try actions("prod") == [.deny, .deny])
        #expect(try actions("sandbox") == [])
        // An admission request names the namespace when the object leaves it out.
        #expect(try actions(nil, admission: AdmissionInfo(user: "alice", operation: .create, namespace: "dev-x")) == [.warn, .warn])
        #expect(try actions(nil) == [.deny, .deny])
    }

    @Test func templateAction() throws {
        let e = try engine(
            """
            podTemplates: {action: warn}
            rules: {test-image-tag: {action: audit}}
            """)
        let onTemplate = e.evaluate(try deployment())
        #expect(onTemplate.map(\.ruleID) == ["pod-privileged", "test-image-tag"])
        #expect(onTemplate.map(\.action) == [.warn, .audit])  // audit stays audit
        let onPod = e.evaluate(try pod())
        #expect(onPod.filter { $0.ruleID == "pod-privileged" }.map(\.action) == [.deny, .deny])
        // Without podTemplates, templates act like Pods.
        #expect(try engine().evaluate(deployment()).first?.action == .deny)
        // A template action of deny tightens warn rules on templates only.
        let strict = try engine("podTemplates: {action: deny}")
        #expect(strict.evaluate(try deployment()).map(\.action) == [.deny, .deny])
        #expect(strict.evaluate(try pod()).last?.action == .warn)
    }

    @Test func defaultPolicyWithRegistry() throws {
        let e = try Engine()
        let inDefault = try e.evaluate(pod(namespace: "default"), admission: nil)
        #expect(inDefault.findings.map(\.ruleID).contains("pod-privileged"))
        #expect(inDefault.denies)
        for ns in Policy.azureExcludedNamespaces {
            let excluded = try e.evaluate(pod(namespace: ns), admission: nil)
            #expect(excluded.findings.isEmpty && excluded.exempted.isEmpty)
            #expect(excluded.skipped == .excludedNamespace(ns))
        }
    }

    @Test func admissionRequestReachesRules() throws {
        let e = try engine("rules: {test-requester: {action: deny}}")
        let asMallory = e.evaluate(try pod(), admission: AdmissionInfo(user: "mallory", operation: .create))
        #expect(asMallory.findings.map(\.ruleID).contains("test-requester"))
        #expect(!e.evaluate(try pod(), admission: nil).findings.map(\.ruleID).contains("test-requester"))
    }

    @Test func namespaceObjectsMatchByName() throws {
        let ns = try object("apiVersion: v1\nkind: Namespace\nmetadata: {name: kube-system}")
        #expect(Engine.namespace(of: ns, admission: nil) == "kube-system")
        #expect(try Engine().evaluate(ns, admission: nil).skipped == .excludedNamespace("kube-system"))
        #expect(Engine.namespace(of: try pod(namespace: nil), admission: AdmissionInfo(user: "u", operation: .create, namespace: "")) == nil)
        #expect(Engine.namespace(of: try pod(namespace: nil), admission: AdmissionInfo(user: "u", operation: .create, namespace: "a")) == "a")
        #expect(Engine.namespace(of: try pod(namespace: "b"), admission: AdmissionInfo(user: "u", operation: .create, namespace: "a")) == "b")
    }

    @Test func podSecuritySettingsPassThrough() throws {
        #expect(try engine("profile: pss-restricted\npssVersion: v1.29").podSecurity == PSSContext(level: .restricted, version: .v1(29)))
        #expect(try engine("profile: pss-baseline").podSecurity == PSSContext(level: .baseline, version: .newest, requestedVersion: "latest"))
        #expect(try engine("profile: pss-baseline").podSecurity?.description == "baseline:latest")
        // A minor newer than the checks know is clamped, as PSA does, and named as written.
        #expect(try engine("profile: pss-baseline\npssVersion: v1.99").podSecurity?.version == .newest)
        #expect(try engine("profile: pss-baseline\npssVersion: v1.99").podSecurity?.description == "baseline:v1.99")
        #expect(try engine().podSecurity == nil)
        #expect(try engine("profile: all").podSecurity == nil)
    }
}

struct UpdateTests {
    @Test func onlyNewViolationsCountOnUpdate() throws {
        let e = try engine()
        let old = try pod()
        // A label change on an already non-compliant Pod: nothing new.
        let relabelled = try pod(metadata: "  labels: {x: y}")
        let r = e.evaluate(relabelled, oldObject: old, admission: AdmissionInfo(user: "u", operation: .create))
        #expect(r.findings.isEmpty)
        #expect(r.preexisting.count == 4)
        #expect(!r.denies)
        // A new violation still counts, the old ones stay pre-existing.
        let worse = try object(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: apps}
            spec:
              hostNetwork: true
              containers:
              - {name: app, image: "myacr.azurecr.io/web:1.2", securityContext: {privileged: true}}
              - {name: sidecar, image: nginx, securityContext: {privileged: true}}
              - {name: third, image: "busybox:1", securityContext: {privileged: true}}
            """)
        let r2 = e.evaluate(worse, oldObject: old, admission: nil)
        #expect(r2.findings.map(\.path) == ["spec.containers[2].securityContext.privileged"])
        #expect(r2.preexisting.count == 4)
        #expect(r2.denies)
    }
}

struct AdmissionExemptionTests {
    let e: Engine

    init() throws {
        e = try engine(
            """
            admission:
              exemptUsers: ["system:serviceaccount:kube-system:*"]
              exemptGroups: [breakglass]
              exemptNamespaces: ["scratch-*"]
            """)
    }

    @Test func users() throws {
        let r = e.evaluate(try pod(), admission: AdmissionInfo(user: "system:serviceaccount:kube-system:replicaset-controller", operation: .create))
        #expect(r.findings.isEmpty)
        #expect(r.skipped == .exemptUser("system:serviceaccount:kube-system:replicaset-controller"))
        #expect(!e.evaluate(try pod(), admission: AdmissionInfo(user: "system:serviceaccount:apps:ci", operation: .create)).findings.isEmpty)
    }

    @Test func groups() throws {
        let r = e.evaluate(try pod(), admission: AdmissionInfo(user: "bob", groups: ["system:authenticated", "breakglass"], operation: .create))
        #expect(r.skipped == .exemptGroup("breakglass") && r.findings.isEmpty)
    }

    @Test func namespaces() throws {
        let r = e.evaluate(try pod(namespace: "scratch-1"), admission: AdmissionInfo(user: "bob", operation: .create))
        #expect(r.skipped == .exemptNamespace("scratch-1") && r.findings.isEmpty)
    }

    @Test func auditsIgnoreAdmissionExemptions() throws {
        let r = e.evaluate(try pod(namespace: "scratch-1"), admission: nil)
        #expect(r.skipped == nil && r.findings.count == 4)
    }
}

struct PolicyExemptionTests {
    func result(_ exemption: String, _ object: KubeObject? = nil) throws -> EvaluationResult {
        try engine("exemptions:\n" + exemption).evaluate(object ?? pod(), admission: nil)
    }

    @Test func byNamespace() throws {
        let r = try result("- {rules: [pod-privileged], namespaces: [\"ap*\"], reason: why}")
        #expect(r.findings.map(\.ruleID) == ["test-host-network", "test-image-tag"])
        #expect(r.exempted.map(\.finding.ruleID) == ["pod-privileged", "pod-privileged"])
        #expect(r.exempted.first?.exemption == .policy(index: 0, name: nil, reason: "why", position: SourcePosition(line: 4, column: 3)))
        #expect(r.exempted.first?.exemption.reason == "why")
        #expect(try result("- {rules: [pod-privileged], namespaces: [other]}").exempted.isEmpty)
        // A namespace matcher never matches an object without a namespace.
        #expect(try result("- {rules: [pod-privileged], namespaces: [\"*\"]}", pod(namespace: nil)).exempted.isEmpty)
    }

    @Test func byName() throws {
        #expect(try result("- {rules: [\"*\"], names: [\"we?\"]}").findings.isEmpty)
        #expect(try result("- {rules: [\"*\"], names: [\"api-*\"]}").exempted.isEmpty)
    }

    @Test func byKind() throws {
        #expect(try result("- {rules: [\"*\"], kinds: [Deployment]}").exempted.isEmpty)
        #expect(try result("- {rules: [\"*\"], kinds: [Deployment]}", deployment()).findings.isEmpty)
    }

    @Test func byLabelSelector() throws {
        let labelled = try pod(metadata: "  labels: {team: infra, tier: web}")
        #expect(try result("- {rules: [\"test-*\"], labelSelector: {matchLabels: {team: infra}}}", labelled).findings.map(\.ruleID) == ["pod-privileged", "pod-privileged"])
        #expect(try result("- {rules: [\"*\"], labelSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [web]}]}}", labelled).exempted.isEmpty)
        #expect(try result("- {rules: [\"*\"], labelSelector: {matchLabels: {team: infra}}}").exempted.isEmpty)
    }

    @Test func byContainerIsPerContainer() throws {
        let r = try result("- {rules: [pod-privileged, test-host-network], containers: [\"side*\"]}")
        // The app container's finding and the pod-level hostNetwork finding stay.
        #expect(r.findings.map(\.path) == ["spec.containers[0].securityContext.privileged", "spec.hostNetwork", "spec.containers[1].image"])
        #expect(r.exempted.map(\.finding.path) == ["spec.containers[1].securityContext.privileged"])
    }

    @Test func byNormalisedImage() throws {
        // `nginx` in the manifest is docker.io/library/nginx:latest.
        for pattern in ["docker.io/library/nginx", "nginx", "nginx:latest", "docker.io/library/*", "docker.io/*"] {
            let r = try result("- {rules: [\"*\"], images: [\"\(pattern)\"]}")
            #expect(r.exempted.map(\.finding.container) == ["sidecar", "sidecar"], "\(pattern)")
        }
        #expect(try result("- {rules: [\"*\"], images: [\"nginx:1.27\"]}").exempted.isEmpty)
        #expect(try result("- {rules: [\"*\"], images: [\"myacr.azurecr.io/*\"]}").exempted.map(\.finding.container) == ["app"])
        // `*` is every image: only the pod-level finding (no container) stays.
        let all = try result("- {rules: [\"*\"], images: [\"*\"]}")
        #expect(all.findings.map(\.path) == ["spec.hostNetwork"])
        #expect(all.exempted.count == 3)
    }

    @Test func allMatchersMustMatch() throws {
        #expect(try result("- {rules: [\"*\"], namespaces: [apps], containers: [app]}").exempted.map(\.finding.path) == ["spec.containers[0].securityContext.privileged"])
        #expect(try result("- {rules: [\"*\"], namespaces: [other], containers: [app]}").exempted.isEmpty)
    }

    @Test func findingsMadeOutsideTheEngine() throws {
        let policy = try parse(
            """
            exemptions:
            - {rules: [test-host-network], namespaces: [apps], reason: ns}
            - {rules: [pod-privileged], labelSelector: {matchLabels: {team: infra}}, reason: labels}
            - {rules: [test-image-tag], kinds: [Namespace], names: [apps], reason: namespace object}
            """)
        let findings = try TestImageTag(parameters: .none).evaluate(pod()) + TestHostNetwork(parameters: .none).evaluate(pod())
            + PodPrivileged(parameters: .none).evaluate(pod())
        let hostNetwork = try #require(findings.first { $0.ruleID == "test-host-network" })
        #expect(policy.exemption(for: hostNetwork)?.reason == "ns")
        let privileged = try #require(findings.first { $0.ruleID == "pod-privileged" })
        #expect(policy.exemption(for: privileged) == nil, "labels unknown: a selector does not match")
        #expect(policy.exemption(for: privileged, labels: ["team": "infra"])?.reason == "labels")
        var onNamespace = try #require(findings.first { $0.ruleID == "test-image-tag" })
        onNamespace.object = ObjectRef(apiVersion: "v1", kind: "Namespace", namespace: nil, name: "apps", source: SourceRef(file: "x"))
        #expect(policy.exemption(for: onNamespace)?.reason == "namespace object")
    }

    @Test func firstMatchingExemptionIsReported() throws {
        let r = try result(
            """
            - {rules: [test-image-tag], names: [web], reason: first}
            - {rules: ["*"], names: [web], reason: second}
            """)
        #expect(r.findings.isEmpty)
        #expect(r.exempted.map(\.exemption.reason) == ["second", "second", "second", "first"])
    }
}

struct AnnotationExemptionTests {
    static let annotated = """
          annotations:
            gatehouse.io/exempt: "pod-privileged, test-image-tag"
            gatehouse.io/exempt-reason: "CSI driver"
        """

    @Test func honouredWithReason() throws {
        let r = try engine().evaluate(pod(metadata: Self.annotated), admission: nil)
        #expect(r.findings.map(\.ruleID) == ["test-host-network"])
        #expect(r.exempted.map(\.finding.ruleID) == ["pod-privileged", "pod-privileged", "test-image-tag"])
        #expect(r.exempted.allSatisfy { $0.exemption == .annotation(value: "pod-privileged, test-image-tag", reason: "CSI driver", onTemplate: false) })
        #expect(r.notes.isEmpty)
    }

    @Test func ignoredWithoutReason() throws {
        let metadata = """
              annotations: {gatehouse.io/exempt: "*"}
            """
        let r = try engine().evaluate(pod(metadata: metadata), admission: nil)
        #expect(r.exempted.isEmpty && r.findings.count == 4)
        #expect(r.notes == ["annotation gatehouse.io/exempt ignored: it needs a gatehouse.io/exempt-reason annotation saying why"])
        let lenient = try engine("annotationExemptions: {requireReason: false}").evaluate(pod(metadata: metadata), admission: nil)
        #expect(lenient.findings.isEmpty && lenient.exempted.count == 4)
        #expect(lenient.exempted.first?.exemption == .annotation(value: "*", reason: nil, onTemplate: false))
    }

    @Test func forbiddenByPolicy() throws {
        let r = try engine("annotationExemptions: {allowed: false}").evaluate(pod(metadata: Self.annotated), admission: nil)
        #expect(r.exempted.isEmpty && r.findings.count == 4)
        #expect(r.notes == ["annotation gatehouse.io/exempt ignored: this policy does not allow annotation exemptions"])
    }

    @Test func limitedToSomeRules() throws {
        let r = try engine("annotationExemptions: {rules: [\"test-*\"]}").evaluate(pod(metadata: Self.annotated), admission: nil)
        #expect(r.exempted.map(\.finding.ruleID) == ["test-image-tag"])
        #expect(r.findings.map(\.ruleID) == ["pod-privileged", "pod-privileged", "test-host-network"])
        #expect(r.notes == [#"annotation gatehouse.io/exempt cannot exempt rule "pod-privileged": this policy does not allow it"#])
        // "*" exempts only what the policy allows.
        let all = try engine("annotationExemptions: {rules: [\"test-*\"]}").evaluate(
            pod(metadata: "  annotations: {gatehouse.io/exempt: \"*\", gatehouse.io/exempt-reason: x}"), admission: nil)
        #expect(all.findings.map(\.ruleID) == ["pod-privileged", "pod-privileged"])
    }

    @Test func unknownRuleIsNoted() throws {
        let r = try engine().evaluate(
            pod(metadata: "  annotations: {gatehouse.io/exempt: \"pod-privilegd\", gatehouse.io/exempt-reason: x}"), admission: nil)
        #expect(r.exempted.isEmpty)
        #expect(r.notes == [#"annotation gatehouse.io/exempt names unknown rule "pod-privilegd"; did you mean "pod-privileged"?"#])
    }

    @Test func malformedValuesAreNoted() throws {
        let empty = try engine().evaluate(
            pod(metadata: "  annotations: {gatehouse.io/exempt: \"\", gatehouse.io/exempt-reason: x}"), admission: nil)
        #expect(empty.exempted.isEmpty)
        #expect(empty.notes == [#"annotation gatehouse.io/exempt names no rule; write rule ids separated by commas, or "*""#])
        let polarisStyle = try engine().evaluate(
            pod(metadata: "  annotations: {gatehouse.io/exempt: \"true\", gatehouse.io/exempt-reason: x}"), admission: nil)
        #expect(polarisStyle.exempted.isEmpty)
        #expect(polarisStyle.notes.first?.contains(#""true" is not a rule list"#) == true)
    }

    @Test func onPodTemplate() throws {
        let d = try deployment(templateMetadata: "{annotations: {gatehouse.io/exempt: pod-privileged, gatehouse.io/exempt-reason: x}}")
        let r = try engine().evaluate(d, admission: nil)
        #expect(r.exempted.map(\.finding.ruleID) == ["pod-privileged"])
        #expect(r.findings.map(\.ruleID) == ["test-image-tag"])
    }
}

struct GlobTests {
    @Test(arguments: [
        ("dev-*", "dev-a", true), ("dev-*", "dev-", true), ("dev-*", "prod", false), ("*", "", true),
        ("a?c", "abc", true), ("a?c", "ac", false), ("*-system", "kube-system", true), ("*-system", "system", false),
        ("a*b*c", "aXbYbZc", true), ("a*b*c", "aXbY", false), ("kube-system", "kube-system", true),
        ("kube-system", "kube-system2", false), ("**", "x", true), ("a*", "a", true), ("*a", "ba", true),
        ("system:serviceaccount:kube-system:*", "system:serviceaccount:kube-system:x", true),
    ])
    func matching(_ pattern: String, _ text: String, _ expected: Bool) {
        #expect(Glob(pattern).matches(text) == expected)
    }
}

struct NamespaceLimitTests {
    @Test func capsEveryRuleUnlessTheRuleSaysOtherwise() throws {
        let e = try engine(
            """
            namespaceLimits:
            - {match: "dev-*", maxAction: warn}
            - {match: "lab", maxAction: audit}
            rules:
              test-host-network:
                namespaces: [{match: dev-strict, action: deny}]
            """)
        func actions(_ ns: String) throws -> [String: [Action]] {
            Dictionary(grouping: e.evaluate(try pod(namespace: ns)), by: \.ruleID).mapValues { $0.map(\.action) }
        }
        #expect(try actions("dev-a") == ["pod-privileged": [.warn, .warn], "test-host-network": [.warn], "test-image-tag": [.warn]])
        #expect(try actions("lab") == ["pod-privileged": [.audit, .audit], "test-host-network": [.audit], "test-image-tag": [.audit]])
        // The rule's own override for the namespace wins over the cap.
        #expect(try actions("dev-strict")["test-host-network"] == [.deny])
        #expect(try actions("dev-strict")["pod-privileged"] == [.warn, .warn])
        #expect(try actions("prod")["pod-privileged"] == [.deny, .deny])
    }

    @Test func capsTemplateActions() throws {
        let e = try engine("podTemplates: {action: deny}\nnamespaceLimits: [{match: \"dev-*\", maxAction: warn}]")
        #expect(e.evaluate(try deployment(namespace: "dev-a")).map(\.action) == [.warn, .warn])
        #expect(e.evaluate(try deployment(namespace: "prod")).map(\.action) == [.deny, .deny])
    }

    @Test func capping() {
        #expect(Action.deny.capped(at: .warn) == .warn)
        #expect(Action.audit.capped(at: .warn) == .audit)
        #expect(Action.warn.capped(at: .off) == .off)
        #expect(Action.deny.capped(at: .deny) == .deny)
    }

    @Test func validation() {
        #expect(
            problems(
                """
                namespaceLimits:
                - {match: "dev-*", action: warn}
                - {match: "dev-*", maxAction: block}
                """) == [
                    "policy.yaml:4:3: a namespace limit needs match: (a namespace glob) and maxAction: (deny, warn, audit or off)",
                    #"policy.yaml:4:20: unknown key "action" in a namespace limit; did you mean "maxAction"?"#,
                    #"policy.yaml:5:31: unknown action "block"; expected one of: deny, warn, audit, off"#,
                ])
    }
}
