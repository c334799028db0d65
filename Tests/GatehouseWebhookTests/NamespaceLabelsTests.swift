import GatehouseEngine
import GatehouseRules
@testable import GatehouseWebhook
import Testing

/// Under a pss-* profile, the pod-security labels of namespaces the webhook has admitted decide their pods'
/// level, as Pod Security Admission's namespace labels do. (In process: the decision pipeline without TLS.)
@Suite("namespace pod-security labels at admission")
struct NamespaceLabelsTests {
    static func namespace(_ name: String, enforce: String) -> String {
        """
        {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\(name)",\
        "labels":{"pod-security.kubernetes.io/enforce":"\(enforce)"}}}
        """
    }

    static func allowed(_ processor: ReviewProcessor, _ body: String) -> Bool? {
        if case .answered(_, let decision, _) = processor.process(Array(body.utf8)) { return decision.allowed }
        return nil
    }

    @Test func admittedNamespaceLabelsDecideThePodLevel() throws {
        var policy = Policy()
        policy.profile = .pssBaseline
        policy.excludedNamespaces = []
        let processor = ReviewProcessor(decider: AdmissionDecider(engine: try Engine(policy: policy)))
        let privilegedPod = Reviews.review(
            namespace: "lab", object: Reviews.pod(namespace: "lab", privileged: true))
        let namespaceKind = (group: "", version: "v1", kind: "Namespace")

        #expect(Self.allowed(processor, privilegedPod) == false, "unknown namespace: the profile's baseline level")

        let createNamespace = Reviews.review(
            kind: namespaceKind, resource: "namespaces", namespace: "", name: "lab",
            object: Self.namespace("lab", enforce: "privileged"))
        #expect(Self.allowed(processor, createNamespace) == true)
        #expect(Self.allowed(processor, privilegedPod) == true, "lab enforces privileged")
        let otherNamespacePod = Reviews.review(
            namespace: "shop", object: Reviews.pod(namespace: "shop", privileged: true))
        #expect(Self.allowed(processor, otherNamespacePod) == false)

        let dryRunRelabel = Reviews.review(
            operation: "UPDATE", kind: namespaceKind, resource: "namespaces", namespace: "", name: "lab", dryRun: true,
            object: Self.namespace("lab", enforce: "baseline"), oldObject: Self.namespace("lab", enforce: "privileged"))
        #expect(Self.allowed(processor, dryRunRelabel) == true)
        #expect(Self.allowed(processor, privilegedPod) == true, "a dry-run update changes nothing")

        let deleteNamespace = Reviews.review(
            operation: "DELETE", kind: namespaceKind, resource: "namespaces", namespace: "", name: "lab",
            object: nil, oldObject: Self.namespace("lab", enforce: "privileged"))
        #expect(Self.allowed(processor, deleteNamespace) == true)
        #expect(Self.allowed(processor, privilegedPod) == false, "a deleted namespace is forgotten")
    }
}
