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

    @Test("an object without apiVersion or kind is judged as the kind request.kind names")
    func typeFromRequestKind() throws {
        let bare = #"{"metadata":{"name":"x"},"spec":{"containers":[{"name":"a","image":"x","securityContext":{"privileged":true}}]}}"#
        let (decision, _) = try Self.process(Reviews.review(object: bare))
        #expect(decision.allowed == false)
        #expect(decision.ruleIDs == ["pod-privileged"])
        #expect(decision.message?.hasPrefix("Gatehouse denied Pod default/x:") == true)

        // Only the missing field is taken from the request: here the kind.
        let noKind = #"{"apiVersion":"v1","metadata":{"name":"x"},"spec":{"containers":[{"name":"a","image":"x","securityContext":{"privileged":true}}]}}"#
        let (kindOnly, _) = try Self.process(Reviews.review(object: noKind))
        #expect(kindOnly.allowed == false)

        // An UPDATE's oldObject falls back the same way: the unchanged violation is pre-existing.
        let (update, _) = try Self.process(Reviews.review(operation: "UPDATE", object: bare, oldObject: bare))
        #expect(update.allowed == true)
        #expect(update.warnings.first?.contains("pre-existing") == true)

        // With neither, the object cannot be evaluated.
        let (unknown, _) = try Self.process(Reviews.review(kind: ("", "", "Pod"), object: bare))
        #expect(unknown.reason == .unevaluable)
        #expect(unknown.message?.contains("no apiVersion or kind, and request.kind names none") == true)
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

    @Test("an UPDATE without oldObject is judged as a CREATE, as docs/webhook.md says")
    func updateWithoutOldObject() throws {
        let privileged = Reviews.pod(privileged: true)
        let (create, _) = try Self.process(Reviews.review(operation: "CREATE", object: privileged))
        let (update, _) = try Self.process(Reviews.review(operation: "UPDATE", object: privileged, oldObject: nil))
        let (notObject, _) = try Self.process(Reviews.review(operation: "UPDATE", object: privileged, oldObject: "[]"))
        #expect(create.allowed == false)
        for decision in [update, notObject] {
            #expect(decision.allowed == false)
            #expect(decision.message == create.message)
            #expect(decision.findings.map(\.message) == create.findings.map(\.message))
        }
    }

    @Test("podTemplates.action is a ceiling: audit turns template denials into audit annotations")
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
    /// Kubernetes fields (AdmissionReview, audit Event, webhook registration) and alert log fields that
    /// docs/webhook.md names; every other camelCase name it quotes is a policy key.
    static let kubernetesFields: Set<String> = [
        "auditAnnotations", "dryRun", "failurePolicy", "oldObject", "objectRef", "requestObject", "eventTime",
    ]

    @Test("every policy key docs/webhook.md names is one examples/policy.yaml documents")
    func webhookDocPolicyKeys() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/webhook.md"), encoding: .utf8)
        let example = try String(contentsOf: root.appendingPathComponent("examples/policy.yaml"), encoding: .utf8)
        // Keys of the example, commented-out ones included: `  key:` or `# key:` at the start of a line.
        let keys = Set(example.split(separator: "\n").compactMap { line -> String? in
            let body = line.drop { $0 == " " || $0 == "#" }
            guard let colon = body.firstIndex(of: ":") else { return nil }
            let key = body[..<colon].drop { $0 == "-" || $0 == " " }
            return key.allSatisfy { $0.isLetter } ? String(key) : nil
        })
        // Inline code spans of the prose (fenced blocks left out).
        let prose = doc.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 0 }.map(\.element).joined()
        let quoted = prose.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map(\.element)
        for term in quoted {
            let name = String(term.prefix { $0.isLetter })
            guard name.contains(where: \.isUppercase), name.first?.isLowercase == true else { continue }
            #expect(keys.contains(name) || Self.kubernetesFields.contains(name), "docs/webhook.md names `\(term)`")
        }
        #expect(keys.contains("podTemplates") && !keys.contains("templateAction"))
    }

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

    @Test("audit annotation values stay within 2,048 bytes and count the entries left out")
    func annotationValues() {
        let findings = (0..<100).map { Self.finding($0, message: "container \"c\($0)\" is privileged") }
        let annotations = AuditAnnotationList.make(findings)
        #expect(annotations.count == 1)
        let value = annotations[0].value
        #expect(value.utf8.count <= AuditAnnotationList.maxValue)
        let shown = value.components(separatedBy: "; spec.containers").count
        #expect(value.hasSuffix("; and \(100 - shown) more"))

        // One entry longer than the limit, in multi-byte characters, is cut on a character boundary.
        let long = AuditAnnotationList.make([Self.finding(0, message: String(repeating: "é", count: 3000))])
        #expect(long[0].value.utf8.count <= AuditAnnotationList.maxValue)
        #expect(long[0].value.hasSuffix("..."))
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

    @Test("fix hints that do not fit are counted in an \"and N more\" line")
    func denialFixesSummarised() throws {
        let object = try #require(Manifests.loadYAML(Reviews.pod()).objects.first)
        var denials: [Finding] = []
        var remediations: [String: String] = [:]
        for i in 0..<12 {
            var finding = Self.finding(i, message: "violation \(i)")
            finding.ruleID = "rule-\(i)"
            denials.append(finding)
            remediations[finding.ruleID] = String(repeating: "Change the field. ", count: 10)
        }
        let message = DenialMessage.make(object: object, denials: denials, remediations: remediations)
        #expect(message.utf8.count <= DenialMessage.maxLength)
        let fixLines = message.split(separator: "\n").filter { $0.hasPrefix("Fix rule-") }
        #expect(!fixLines.isEmpty && fixLines.count < 12)
        #expect(message.hasSuffix("\nFix: and \(12 - fixLines.count) more (run `gatehouse rules explain RULE-ID` for each rule's remediation)"))

        // The worst case: findings fill their share and are summarised too; both lines still fit.
        let many = (0..<300).map { i -> Finding in
            var finding = Self.finding(i, message: String(repeating: "x", count: 40))
            finding.ruleID = "rule-\(i)"
            return finding
        }
        var manyFixes: [String: String] = [:]
        for f in many { manyFixes[f.ruleID] = String(repeating: "y", count: 300) }
        let worst = DenialMessage.make(object: object, denials: many, remediations: manyFixes)
        #expect(worst.utf8.count <= DenialMessage.maxLength)
        #expect(worst.contains("\n- and "))
        #expect(worst.contains("\nFix: and "))
    }

    @Test("the denial lists its most severe findings first, so the length limit never cuts a critical one")
    func denialOrderedBySeverity() throws {
        let object = try #require(Manifests.loadYAML(Reviews.pod()).objects.first)
        var denials = (0..<150).map { i -> Finding in
            var finding = Self.finding(i, message: String(repeating: "m", count: 30))
            finding.ruleID = "low-rule"
            finding.severity = .low
            return finding
        }
        var critical = Self.finding(150, message: "container \"app\" must not set securityContext.privileged=true")
        critical.ruleID = "pod-privileged"
        critical.severity = .critical
        denials.append(critical)
        let message = DenialMessage.make(
            object: object, denials: denials, remediations: ["pod-privileged": "Remove it.", "low-rule": "Lower it."])
        let lines = message.split(separator: "\n")
        #expect(lines.dropFirst().first?.hasPrefix("- pod-privileged ") == true, "\(message)")
        #expect(message.contains("\n- and "))
        #expect(lines.first { $0.hasPrefix("Fix ") } == "Fix pod-privileged: Remove it.")
    }
}
