import AsyncHTTPClient
import Foundation
import GatehouseEngine
import GatehouseRules
@testable import GatehouseWebhook
import KubeModel
import Testing

/// DELETE requests: judged only by the rules that judge deletes, never denied.
@Suite("DELETE decisions")
struct DeleteDecisionTests {
    static let eventKind = (group: "", version: "v1", kind: "Event")

    static func event(name: String = "web-7d9.17a1", namespace: String = "shop", apiVersion: String = "v1") -> String {
        """
        {"apiVersion":"\(apiVersion)","kind":"Event","metadata":{"name":"\(name)","namespace":"\(namespace)"},\
        "involvedObject":{"kind":"Pod","name":"web-7d9","namespace":"\(namespace)"},"reason":"Killing"}
        """
    }

    static func deleteEvent(
        user: String = "alice@example.com", groups: [String] = ["system:authenticated"],
        kind: (group: String, version: String, kind: String) = eventKind, oldObject: String? = event()
    ) -> String {
        Reviews.review(
            operation: "DELETE", kind: kind, resource: "events", namespace: "shop", name: "web-7d9.17a1", user: user,
            groups: groups, object: nil, oldObject: oldObject)
    }

    /// The default policy: `events-deleted` is in the aks profile with action audit.
    static func process(_ body: String, policy: Policy = Policy()) throws -> (AdmissionDecision, [String: Any]) {
        try AdmissionDecisionTests.process(body, policy: policy)
    }

    static func response(_ json: [String: Any]) -> [String: Any] { json["response"] as? [String: Any] ?? [:] }

    @Test("an Event deleted by a user is allowed, with an audit annotation naming the user and the Event")
    func eventDeletedByUser() throws {
        let (decision, json) = try Self.process(Self.deleteEvent())
        #expect(decision.allowed)
        #expect(decision.reason == .evaluated)
        #expect(decision.ruleIDs == ["events-deleted"])
        #expect(decision.warnings.isEmpty)
        let annotations = Self.response(json)["auditAnnotations"] as? [String: String] ?? [:]
        #expect(annotations["events-deleted"] == "metadata.name: Event \"shop/web-7d9.17a1\" deleted by alice@example.com")
        #expect(Self.response(json)["allowed"] as? Bool == true)
    }

    @Test("the namespace controller emptying a namespace is silent")
    func namespaceController() throws {
        let (decision, json) = try Self.process(
            Self.deleteEvent(
                user: "system:serviceaccount:kube-system:namespace-controller",
                groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"]))
        #expect(decision.allowed)
        #expect(decision.findings.isEmpty)
        #expect(decision.auditAnnotations.isEmpty)
        #expect(Self.response(json)["auditAnnotations"] == nil)
    }

    @Test("events.k8s.io Events, and a DELETE without oldObject, are judged too")
    func eventsAPIGroupAndNoOldObject() throws {
        let (grouped, _) = try Self.process(
            Self.deleteEvent(
                kind: ("events.k8s.io", "v1", "Event"), oldObject: Self.event(apiVersion: "events.k8s.io/v1")))
        #expect(grouped.ruleIDs == ["events-deleted"])

        let (bare, _) = try Self.process(Self.deleteEvent(oldObject: nil))
        #expect(bare.allowed)
        #expect(bare.ruleIDs == ["events-deleted"])
        #expect(bare.findings.first?.message == "Event \"shop/web-7d9.17a1\" deleted by alice@example.com")
    }

    @Test("a DELETE is never denied, even when the policy says deny; warn gives a warning as well")
    func neverDenied() throws {
        var deny = Policy()
        deny.rules["events-deleted"] = RuleSettings(action: .deny)
        let (denied, json) = try Self.process(Self.deleteEvent(), policy: deny)
        #expect(denied.allowed)
        #expect(denied.findings.map(\.action) == [.audit])
        #expect(Self.response(json)["status"] == nil || (Self.response(json)["status"] as? [String: Any])?["code"] == nil)

        var warn = Policy()
        warn.rules["events-deleted"] = RuleSettings(action: .warn)
        let (warned, _) = try Self.process(Self.deleteEvent(), policy: warn)
        #expect(warned.allowed)
        #expect(warned.warnings.count == 1)
        #expect(warned.warnings.first?.hasPrefix("events-deleted: Event \"shop/web-7d9.17a1\" deleted by") == true)
        #expect(warned.auditAnnotations.map(\.key) == ["events-deleted"])

        var off = Policy()
        off.rules["events-deleted"] = RuleSettings(action: .off)
        let (quiet, _) = try Self.process(Self.deleteEvent(), policy: off)
        #expect(quiet.allowed)
        #expect(quiet.findings.isEmpty)
    }

    @Test("the policy's exemptions and the rule's parameters apply to DELETE as to any request")
    func policyApplies() throws {
        var exempt = Policy()
        exempt.exemptUsers = ["alice@*"]
        let (skipped, _) = try Self.process(Self.deleteEvent(), policy: exempt)
        #expect(skipped.allowed)
        #expect(skipped.reason == .exemptUser)
        #expect(skipped.findings.isEmpty)

        var allowed = Policy()
        allowed.rules["events-deleted"] = RuleSettings(
            action: .audit, parameters: ParsedYAML.firstDocument("{allowedUsers: ['alice@example.com']}"))
        let (quiet, _) = try Self.process(Self.deleteEvent(), policy: allowed)
        #expect(quiet.allowed)
        #expect(quiet.findings.isEmpty)
        let (bob, _) = try Self.process(Self.deleteEvent(user: "bob"), policy: allowed)
        #expect(bob.ruleIDs == ["events-deleted"])
    }

    @Test("only the rules that judge deletes run: deleting a privileged Pod is not evaluated")
    func otherRulesDoNotJudgeDeletes() throws {
        let body = Reviews.review(operation: "DELETE", object: nil, oldObject: Reviews.pod(privileged: true))
        let (decision, _) = try Self.process(body)
        #expect(decision.allowed)
        #expect(decision.reason == .operationNotEvaluated)
        #expect(decision.findings.isEmpty)
    }

    @Test("deleting the CoreDNS ConfigMap is recorded once kube-system is no longer excluded")
    func corednsDeleted() throws {
        let coredns = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"coredns","namespace":"kube-system"},"data":{"Corefile":".:53 {}"}}"#
        let body = Reviews.review(
            operation: "DELETE", kind: ("", "v1", "ConfigMap"), resource: "configmaps", namespace: "kube-system",
            name: "coredns", object: nil, oldObject: coredns)
        // The default policy excludes kube-system: skipped, and said so.
        let (excluded, _) = try Self.process(body)
        #expect(excluded.allowed)
        #expect(excluded.reason == .exemptNamespace)

        var policy = Policy()
        policy.excludedNamespaces = []
        let (decision, json) = try Self.process(body, policy: policy)
        #expect(decision.allowed)
        #expect(decision.ruleIDs == ["coredns-config-modified"])
        let annotations = Self.response(json)["auditAnnotations"] as? [String: String] ?? [:]
        #expect(annotations["coredns-config-modified"] == "data: CoreDNS configuration \"kube-system/coredns\" deleted by alice@example.com")

        // Another ConfigMap in kube-system: evaluated, nothing found.
        let other = Reviews.review(
            operation: "DELETE", kind: ("", "v1", "ConfigMap"), resource: "configmaps", namespace: "kube-system",
            name: "settings", object: nil,
            oldObject: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"kube-system"}}"#)
        let (quiet, _) = try Self.process(other, policy: policy)
        #expect(quiet.allowed)
        #expect(quiet.findings.isEmpty)
    }

    @Test("deleting a Namespace still forgets its pod-security labels while delete rules are on")
    func namespaceForgotten() throws {
        var policy = Policy()
        policy.profile = .pssBaseline
        policy.excludedNamespaces = []
        policy.rules["events-deleted"] = RuleSettings(action: .audit)
        let engine = try Engine(policy: policy)
        #expect(engine.activeRuleIDs.contains("events-deleted"))
        let processor = ReviewProcessor(decider: AdmissionDecider(engine: engine))
        let privilegedPod = Reviews.review(namespace: "lab", object: Reviews.pod(namespace: "lab", privileged: true))
        let namespaceKind = (group: "", version: "v1", kind: "Namespace")
        let namespace = NamespaceLabelsTests.namespace("lab", enforce: "privileged")
        #expect(
            NamespaceLabelsTests.allowed(
                processor,
                Reviews.review(kind: namespaceKind, resource: "namespaces", namespace: "", name: "lab", object: namespace))
                == true)
        #expect(NamespaceLabelsTests.allowed(processor, privilegedPod) == true, "lab enforces privileged")
        let delete = Reviews.review(
            operation: "DELETE", kind: namespaceKind, resource: "namespaces", namespace: "", name: "lab", object: nil,
            oldObject: namespace)
        #expect(NamespaceLabelsTests.allowed(processor, delete) == true)
        #expect(NamespaceLabelsTests.allowed(processor, privilegedPod) == false, "a deleted namespace is forgotten")
    }

    @Test("over TLS: the real server answers an Event DELETE with an audit annotation")
    func realServer() async throws {
        try await TestServer.with(policy: Policy()) { server in
            try await withClient(try server.client()) { client in
                let answer = try await client.post(server.validateURL, body: Self.deleteEvent())
                #expect(answer.allowed == true)
                #expect(answer.auditAnnotations["events-deleted"]?.contains("deleted by alice@example.com") == true)
                #expect(answer.statusCode == nil)
            }
        }
    }
}
