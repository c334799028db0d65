import Foundation
import GatehouseEngine
import GatehouseRules
@testable import GatehouseWebhook
import KubeModel
import Testing

/// An exemption annotation that did not apply is said in the answer's warnings, and findings an exemption
/// suppressed are named in an audit annotation; the verdict is the one without the trace.
@Suite("exemption trace in admission answers")
struct ExemptionWarningTests {
    static func privilegedPod(annotations: String) -> String {
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default","annotations":{"#
            + annotations
            + #"}},"spec":{"containers":[{"name":"app","image":"nginx:1.27","securityContext":{"privileged":true}}]}}"#
    }

    static func answer(_ annotations: String, policy: Policy = .onlyPrivileged) throws -> (AdmissionDecision, [String: Any]) {
        try AdmissionDecisionTests.process(Reviews.review(object: privilegedPod(annotations: annotations)), policy: policy)
    }

    static func response(_ json: [String: Any]) -> [String: Any] { json["response"] as? [String: Any] ?? [:] }

    @Test("an annotation without a reason is ignored, and the denied user is told why")
    func missingReason() throws {
        let (decision, json) = try Self.answer(#""gatehouse.io/exempt":"pod-privileged""#)
        #expect(decision.allowed == false)
        let warnings = Self.response(json)["warnings"] as? [String] ?? []
        #expect(warnings == ["gatehouse: annotation gatehouse.io/exempt ignored: it needs a gatehouse.io/exempt-reason annotation saying why"])
    }

    @Test("annotations a policy forbids are ignored with a warning, the verdict unchanged")
    func forbidden() throws {
        var policy = Policy.onlyPrivileged
        policy.annotationExemptions.allowed = false
        let (decision, _) = try Self.answer(#""gatehouse.io/exempt":"*","gatehouse.io/exempt-reason":"driver""#, policy: policy)
        #expect(decision.allowed == false)
        #expect(decision.warnings == ["gatehouse: annotation gatehouse.io/exempt ignored: this policy does not allow annotation exemptions"])
    }

    @Test("a rule the policy does not let annotations exempt is named in a warning")
    func notExemptible() throws {
        var policy = Policy.onlyPrivileged
        policy.annotationExemptions.rules = [Glob("image-*")]
        let (decision, _) = try Self.answer(#""gatehouse.io/exempt":"pod-privileged","gatehouse.io/exempt-reason":"driver""#, policy: policy)
        #expect(decision.allowed == false)
        #expect(decision.warnings == [#"gatehouse: annotation gatehouse.io/exempt cannot exempt rule "pod-privileged": this policy does not allow it"#])
        let (star, _) = try Self.answer(#""gatehouse.io/exempt":" * ","gatehouse.io/exempt-reason":"driver""#, policy: policy)
        #expect(star.allowed == false)
        #expect(star.warnings == [#"gatehouse: annotation gatehouse.io/exempt "*" cannot exempt rule "pod-privileged": this policy does not allow it"#])
    }

    @Test("a misspelled key exempts nothing and is named")
    func misspelledKey() throws {
        let (decision, _) = try Self.answer(#""Gatehouse.io/exempt":"*","gatehouse.io/exempt-reason":"driver""#)
        #expect(decision.allowed == false)
        #expect(decision.warnings.first?.contains(#"annotation "Gatehouse.io/exempt" ignored"#) == true)
    }

    @Test("an applied exemption allows, and the audit annotation names it")
    func applied() throws {
        let (decision, json) = try Self.answer(#""gatehouse.io/exempt":"pod-privileged","gatehouse.io/exempt-reason":"CSI driver""#)
        #expect(decision.allowed == true)
        #expect(decision.warnings.isEmpty)
        let annotations = Self.response(json)["auditAnnotations"] as? [String: String]
        #expect(annotations?["exempted"]
            == #"pod-privileged spec.containers[0].securityContext.privileged: annotation gatehouse.io/exempt: "pod-privileged" (CSI driver)"#)
    }

    @Test("the exempted audit annotation stays within its limit and counts what it leaves out")
    func exemptedAnnotationLimit() {
        let object = ObjectRef(apiVersion: "v1", kind: "Pod", namespace: "default", name: "web", source: SourceRef(file: "x"))
        let exempted = (0..<100).map { i in
            ExemptedFinding(
                finding: Finding(
                    ruleID: "pod-privileged", severity: .high, action: .deny, message: "m",
                    path: "spec.containers[\(i)].securityContext.privileged", position: .unknown, container: nil,
                    image: nil, object: object),
                exemption: .policy(index: 0, name: "drivers", reason: String(repeating: "r", count: 40), position: .unknown))
        }
        let value = AuditAnnotationList.exempted(exempted)?.value ?? ""
        #expect(value.utf8.count <= AuditAnnotationList.maxValue)
        #expect(value.hasSuffix(" more"))
        let long = [ExemptedFinding(finding: exempted[0].finding, exemption: .policy(index: 0, name: nil, reason: String(repeating: "x", count: 5000), position: .unknown))]
        let clipped = AuditAnnotationList.exempted(long)?.value ?? ""
        #expect(clipped.utf8.count <= AuditAnnotationList.maxValue && clipped.hasSuffix("..."))
        #expect(AuditAnnotationList.exempted([]) == nil)
    }
}
