import Foundation
import GatehouseEngine
import GatehouseRules
@testable import GatehouseWebhook
import KubeModel
import TestSupport
import Testing

/// The decision pipeline in process (parse, decide, encode), without the network.
@Suite("admission decisions")
struct AdmissionDecisionTests {
    static func process(_ body: String, policy: Policy = .onlyPrivileged, onError: OnErrorPolicy = .deny) throws
        -> (AdmissionDecision, [String: Any])
    {
        let processor = ReviewProcessor(decider: AdmissionDecider(engine: try Engine(policy: policy), onError: onError))
        switch processor.process(Array(body.utf8)) {
        case .answered(_, let decision, let bytes):
            let json = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:]
            return (decision, json)
        case .malformed(let problem):
            Issue.record("malformed: \(problem)")
            throw problem
        }
    }

    @Test("the response is valid JSON that echoes uid and version, with escapes")
    func encoding() throws {
        let uid = "quote\"back\\slash\nnew\tline\u{01}é"
        let (_, json) = try Self.process(Reviews.review(uid: "x", object: Reviews.pod()))
        #expect((json["response"] as? [String: Any])?["uid"] as? String == "x")
        let decision = AdmissionDecision(allowed: false, reason: .evaluated, code: 403, message: uid)
        let bytes = AdmissionResponseEncoder.encode(uid: uid, version: .v1beta1, decision: decision)
        let parsed = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        let response = parsed?["response"] as? [String: Any]
        #expect(response?["uid"] as? String == uid)
        #expect((response?["status"] as? [String: Any])?["message"] as? String == uid)
        #expect(parsed?["apiVersion"] as? String == "admission.k8s.io/v1beta1")
    }

    @Test("a request without object for CREATE follows --on-error")
    func missingObject() throws {
        let (deny, _) = try Self.process(Reviews.review(object: nil))
        #expect(deny.allowed == false)
        #expect(deny.reason == .unevaluable)
        let (allow, _) = try Self.process(Reviews.review(object: nil), onError: .allow)
        #expect(allow.allowed == true)
    }

    @Test("the object's namespace defaults to the request's, so namespace exemptions apply")
    func namespaceFromRequest() throws {
        let object = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"containers":[{"name":"a","image":"x","securityContext":{"privileged":true}}]}}"#
        var policy = Policy.onlyPrivileged
        policy.excludedNamespaces = ["sandbox-*"]
        let (decision, _) = try Self.process(Reviews.review(namespace: "sandbox-1", object: object), policy: policy)
        #expect(decision.allowed == true)
        #expect(decision.reason == .exemptNamespace)
    }

    @Test("a repeated JSON key reads as the API server reads it: the last value wins")
    func repeatedKeyLastWins() throws {
        func object(_ first: Bool, _ last: Bool) -> String {
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"containers":[{"name":"a","image":"x","securityContext":{"privileged":\#(first),"privileged":\#(last)}}]}}"#
        }
        #expect(try Self.process(Reviews.review(object: object(false, true))).0.allowed == false)
        #expect(try Self.process(Reviews.review(object: object(true, false))).0.allowed == true)
    }

    @Test("a moved container is a new violation: denied")
    func movedContainer() throws {
        // The privileged container moves from index 0 to index 1: its path changes, so it is treated as new.
        let old = Reviews.pod(privileged: true)
        let new = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},"spec":{"containers":[{"name":"first","image":"x"},{"name":"app","image":"nginx:1.27","securityContext":{"privileged":true}}]}}"#
        let (decision, _) = try Self.process(Reviews.review(operation: "UPDATE", object: new, oldObject: old))
        #expect(decision.allowed == false)
    }

    @Test("templateAction is a ceiling: audit turns template denials into audit annotations")
    func templateCeiling() throws {
        var policy = Policy.onlyPrivileged
        policy.templateAction = .audit
        let (decision, json) = try Self.process(
            Reviews.review(kind: ("apps", "v1", "Deployment"), resource: "deployments", object: Reviews.deployment(privileged: true)),
            policy: policy)
        #expect(decision.allowed == true)
        #expect(decision.warnings.isEmpty)
        let annotations = (json["response"] as? [String: Any])?["auditAnnotations"] as? [String: String]
        #expect(annotations?["pod-privileged"] != nil)
    }
}

extension AdmissionDecisionTests {
    static func benchReview(_ name: String) throws -> String {
        try String(contentsOf: Repository.url("scripts/bench/\(name)"), encoding: .utf8)
    }

    @Test("the benchmark's reviews under the shipped profiles: a restricted-compliant Pod of a Deployment is allowed, its privileged twin denied",
          arguments: [Profile.aks, .pssRestricted])
    func realisticReviews(_ profile: Profile) throws {
        var policy = Policy()
        policy.profile = profile
        let (allowed, _) = try Self.process(try Self.benchReview("review-pod-create.json"), policy: policy)
        #expect(allowed.allowed == true)
        #expect(allowed.findings.filter { $0.action == .deny }.isEmpty)
        let (denied, json) = try Self.process(try Self.benchReview("review-pod-create-privileged.json"), policy: policy)
        #expect(denied.allowed == false)
        #expect(denied.ruleIDs.contains("pod-privileged"))
        let message = ((json["response"] as? [String: Any])?["status"] as? [String: Any])?["message"] as? String ?? ""
        #expect(message.contains("Pod shop/checkout-7d9f8b6c5d-"))
        #expect(message.contains("spec.containers[0].securityContext.privileged"))
    }
}

@Suite("warning and annotation limits")
struct LimitTests {
    static func finding(_ i: Int, message: String) -> Finding {
        Finding(
            ruleID: "pod-privileged", severity: .high, action: .warn, message: message,
            path: "spec.containers[\(i)].securityContext.privileged", position: .unknown, container: nil, image: nil,
            object: ObjectRef(apiVersion: "v1", kind: "Pod", namespace: "d", name: "n", source: SourceRef(file: "-")))
    }

    @Test("each warning is at most 256 characters, printable, and the total stays under 4,096")
    func warnings() {
        let many = (0..<100).map {
            Self.finding($0, message: "container \"c\($0)\" bad\u{07}\n" + String(repeating: "y", count: 300))
        }
        let warnings = WarningList.make(many)
        #expect(warnings.count < 100)
        #expect(warnings.allSatisfy { $0.count <= 256 })
        #expect(warnings.reduce(0) { $0 + $1.count } <= 4096)
        #expect(warnings.last?.contains("more warnings") == true)
        #expect(warnings.allSatisfy { $0.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F } })

        let few = WarningList.make([Self.finding(0, message: "container \"app\" must not set privileged")])
        #expect(few == ["pod-privileged: container \"app\" must not set privileged (spec.containers[0].securityContext.privileged)"])
    }

    @Test("audit annotation keys are qualified-name parts of at most 63 characters",
          arguments: [("pod-privileged", "pod-privileged"), ("-x/y z-", "x-y-z"), (String(repeating: "a", count: 80), String(repeating: "a", count: 63)), ("///", "finding")])
    func annotationKeys(_ input: String, _ expected: String) {
        #expect(AuditAnnotationList.qualifiedNamePart(input) == expected)
    }

    @Test("the denial message stays within its limit and says how many more")
    func denialLength() throws {
        let object = try #require(Manifests.loadYAML(Reviews.pod()).objects.first)
        let denials = (0..<200).map { Self.finding($0, message: "container \"c\($0)\" must not set securityContext.privileged=true") }
        let message = DenialMessage.make(object: object, denials: denials, remediations: ["pod-privileged": "Remove it."])
        #expect(message.utf8.count <= DenialMessage.maxLength)
        #expect(message.contains("and "))
        #expect(message.contains("Fix pod-privileged: Remove it."))
    }
}
