import GatehouseEngine
import GatehouseRules
import KubeModel
import Testing

/// Every exempted finding names the exemption that applied, and every exemption annotation that did not
/// apply says why: including annotations written to exempt more than the policy allows.
struct ExemptionTraceTests {
    func annotated(_ annotations: String, policy: String = "") throws -> EvaluationResult {
        try engine(policy).evaluate(pod(metadata: "  annotations: {\(annotations)}"), admission: nil)
    }

    @Test func policyExemptionIsNamed() throws {
        let r = try engine(
            """
            exemptions:
            - {rules: [test-image-tag], names: [other], reason: unused}
            - {name: sidecar-images, rules: [test-image-tag], containers: [sidecar], reason: "pinned by digest upstream"}
            """
        ).evaluate(pod(), admission: nil)
        let source = try #require(r.exempted.first?.exemption)
        #expect(source == .policy(index: 1, name: "sidecar-images", reason: "pinned by digest upstream", position: SourcePosition(line: 5, column: 3)))
        #expect(source.label == #"policy exemption "sidecar-images" (exemptions[1], line 5)"#)
        #expect(source.kind == "policy")
        let unnamed = ExemptionSource.policy(index: 0, name: nil, reason: nil, position: .unknown)
        #expect(unnamed.label == "policy exemption exemptions[0]")
    }

    @Test func annotationOnTheObjectOrItsTemplate() throws {
        let own = try annotated(#"gatehouse.io/exempt: test-image-tag, gatehouse.io/exempt-reason: "upstream image""#)
        #expect(own.exempted.first?.exemption == .annotation(value: "test-image-tag", reason: "upstream image", onTemplate: false))
        #expect(own.exempted.first?.exemption.label == #"annotation gatehouse.io/exempt: "test-image-tag""#)
        let d = try deployment(templateMetadata: "{annotations: {gatehouse.io/exempt: pod-privileged, gatehouse.io/exempt-reason: x}}")
        let templated = try engine().evaluate(d, admission: nil)
        #expect(templated.exempted.first?.exemption == .annotation(value: "pod-privileged", reason: "x", onTemplate: true))
        #expect(templated.exempted.first?.exemption.label == #"annotation gatehouse.io/exempt: "pod-privileged" on the pod template"#)
    }

    @Test func aBlankReasonIsNoReason() throws {
        let r = try annotated(#"gatehouse.io/exempt: "*", gatehouse.io/exempt-reason: "  \t ""#)
        #expect(r.exempted.isEmpty && r.findings.count == 4)
        #expect(r.notes == ["annotation gatehouse.io/exempt ignored: it needs a gatehouse.io/exempt-reason annotation saying why"])
    }

    /// `"*"`, however spelled, exempts only what the policy lets annotations exempt, and each rule it could
    /// not exempt is named once.
    @Test(arguments: ["*", " * ", "pod-privileged,*", "*, test-image-tag", ",*,"])
    func starExemptsOnlyWhatThePolicyAllows(value: String) throws {
        let r = try annotated(
            "gatehouse.io/exempt: \"\(value)\", gatehouse.io/exempt-reason: x",
            policy: #"annotationExemptions: {rules: ["test-*"]}"#)
        #expect(r.findings.map(\.ruleID) == ["pod-privileged", "pod-privileged"], "\(value)")
        #expect(Set(r.exempted.map(\.finding.ruleID)) == ["test-host-network", "test-image-tag"], "\(value)")
        #expect(r.notes.count == 1, "\(value): \(r.notes)")
        #expect(r.notes.first?.contains(#"cannot exempt rule "pod-privileged": this policy does not allow it"#) == true)
    }

    /// Kubernetes annotation keys are exact: another spelling exempts nothing, and the report says so.
    @Test(arguments: ["Gatehouse.io/exempt", "GATEHOUSE.IO/EXEMPT", "gatehouse.io/exempt ", " gatehouse.io/exempt"])
    func misspelledKeyExemptsNothingAndIsNoted(key: String) throws {
        let r = try annotated("\"\(key)\": \"*\", gatehouse.io/exempt-reason: x")
        #expect(r.exempted.isEmpty && r.findings.count == 4, "\(key)")
        #expect(r.notes == ["annotation \"\(key)\" ignored: the key is gatehouse.io/exempt, exactly (annotation keys are case-sensitive)"])
    }

    @Test func misspelledReasonKeyIsNoted() throws {
        let r = try annotated(#"gatehouse.io/exempt: "*", Gatehouse.io/Exempt-Reason: x"#)
        #expect(r.exempted.isEmpty)
        #expect(r.notes.contains(#"annotation "Gatehouse.io/Exempt-Reason" ignored: the key is gatehouse.io/exempt-reason, exactly (annotation keys are case-sensitive)"#))
        #expect(r.notes.contains("annotation gatehouse.io/exempt ignored: it needs a gatehouse.io/exempt-reason annotation saying why"))
    }

    @Test func misspelledKeyOnTheTemplateIsNoted() throws {
        let d = try deployment(templateMetadata: #"{annotations: {"Gatehouse.io/exempt": "*", gatehouse.io/exempt-reason: x}}"#)
        let r = try engine().evaluate(d, admission: nil)
        #expect(r.exempted.isEmpty)
        #expect(r.notes == [#"annotation "Gatehouse.io/exempt" on the pod template ignored: the key is gatehouse.io/exempt, exactly (annotation keys are case-sensitive)"#])
    }

    @Test func disallowedAnnotationsAreNotedEvenWithAReason() throws {
        let r = try annotated(#"gatehouse.io/exempt: "*", gatehouse.io/exempt-reason: x"#, policy: "annotationExemptions: {allowed: false}")
        #expect(r.exempted.isEmpty && r.findings.count == 4)
        #expect(r.notes == ["annotation gatehouse.io/exempt ignored: this policy does not allow annotation exemptions"])
    }

    /// A glob in the annotation is not a rule id: it exempts nothing (globs belong to the policy).
    @Test func globInTheAnnotationExemptsNothing() throws {
        let r = try annotated(#"gatehouse.io/exempt: "pod-*", gatehouse.io/exempt-reason: x"#)
        #expect(r.exempted.isEmpty && r.findings.count == 4)
        #expect(r.notes.first?.contains(#"names unknown rule "pod-*""#) == true)
    }

    @Test func policyExemptionComesBeforeTheAnnotation() throws {
        let r = try engine("exemptions:\n- {rules: [pod-privileged], containers: [app], reason: policy}").evaluate(
            pod(metadata: #"  annotations: {gatehouse.io/exempt: pod-privileged, gatehouse.io/exempt-reason: mine}"#),
            admission: nil)
        #expect(r.exempted.map(\.exemption.kind) == ["policy", "annotation"])
        #expect(r.exempted.map(\.exemption.reason) == ["policy", "mine"])
    }

    @Test func exemptedFindingsKeepTheirAction() throws {
        let r = try annotated(#"gatehouse.io/exempt: "*", gatehouse.io/exempt-reason: x"#, policy: "rules: {pod-privileged: {action: deny}}")
        #expect(r.findings.isEmpty && !r.denies)
        #expect(r.exempted.first { $0.finding.ruleID == "pod-privileged" }?.finding.action == .deny)
    }

    @Test func crossObjectExemptionsAreKept() throws {
        let policy = try Policy.parse(
            """
            apiVersion: gatehouse.io/v1
            kind: Policy
            exemptions:
            - {name: legacy, rules: [netpol-namespace-missing], namespaces: [legacy], reason: "retired next quarter"}
            """)
        let engine = try CrossObjectEngine(policy: policy)
        let yaml = ["legacy", "shop"].map { namespace in
            """
            apiVersion: v1
            kind: Namespace
            metadata: {name: \(namespace)}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: \(namespace)}
            spec: {containers: [{name: app, image: nginx}]}
            """
        }.joined(separator: "\n---\n")
        var index = ClusterIndex()
        for object in Manifests.loadYAML(yaml, file: "in.yaml").objects { index.add(object) }
        let analysis = ClusterAnalysis(index)
        let rule = try #require(engine.activeRuleIDs.firstIndex(of: "netpol-namespace-missing"))
        var exempted: [ExemptedFinding] = []
        let found = engine.findings(ofRule: rule, in: analysis, exempted: &exempted)
        #expect(found.map(\.object.name) == ["shop"])
        #expect(exempted.map(\.finding.object.name) == ["legacy"])
        #expect(exempted.first?.exemption.label == #"policy exemption "legacy" (exemptions[0], line 4)"#)
        #expect(exempted.first?.finding.action == .warn)
        #expect(engine.findings(ofRule: rule, in: analysis) == found)
    }
}
