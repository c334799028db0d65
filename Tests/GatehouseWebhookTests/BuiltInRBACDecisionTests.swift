import Foundation
import GatehouseEngine
@testable import GatehouseWebhook
import Testing

/// RBAC objects that pretend to be Kubernetes' own, judged by the default policy at admission: a `system:` name
/// or the bootstrap label proves nothing on its own.
@Suite("built-in RBAC at admission")
struct BuiltInRBACDecisionTests {
    static func review(_ kind: String, _ object: String) -> String {
        Reviews.review(
            kind: ("rbac.authorization.k8s.io", "v1", kind), resource: kind.lowercased() + "s", name: "x", object: object)
    }

    static func binding(name: String, labels: String = "{}", role: String = "cluster-admin", group: String) -> String {
        #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"\#(name)","labels":\#(labels)},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"\#(role)"},"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"\#(group)"}]}"#
    }

    static let bootstrapLabel = #"{"kubernetes.io/bootstrapping":"rbac-defaults"}"#

    @Test("a ClusterRoleBinding named system:backdoor granting cluster-admin to everyone is denied like backdoor")
    func systemNameIsNotTrusted() throws {
        for name in ["backdoor", "system:backdoor"] {
            let (decision, _) = try AdmissionDecisionTests.process(
                Self.review("ClusterRoleBinding", Self.binding(name: name, group: "system:authenticated")), policy: Policy())
            #expect(decision.allowed == false, "\(name)")
            #expect(decision.ruleIDs.contains("rbac-privileged-groups-binding"), "\(name)")
        }
    }

    @Test("the bootstrap label on a name Kubernetes does not create, or on a default with another role, is not trusted")
    func labelAloneIsNotTrusted() throws {
        let labelled = Self.binding(name: "system:backdoor", labels: Self.bootstrapLabel, group: "system:authenticated")
        let retargeted = Self.binding(
            name: "system:public-info-viewer", labels: Self.bootstrapLabel, group: "system:unauthenticated")
        for object in [labelled, retargeted] {
            let (decision, _) = try AdmissionDecisionTests.process(Self.review("ClusterRoleBinding", object), policy: Policy())
            #expect(decision.allowed == false, "\(object)")
        }
    }

    @Test("Kubernetes' own bindings, as a cluster has them, are admitted")
    func realDefaultsAreAdmitted() throws {
        let defaults = [
            Self.binding(name: "cluster-admin", labels: Self.bootstrapLabel, group: "system:masters"),
            Self.binding(
                name: "system:public-info-viewer", labels: Self.bootstrapLabel, role: "system:public-info-viewer",
                group: "system:unauthenticated"),
        ]
        for object in defaults {
            let (decision, _) = try AdmissionDecisionTests.process(Self.review("ClusterRoleBinding", object), policy: Policy())
            #expect(decision.allowed == true, "\(object): \(decision.message ?? "")")
        }
    }
}
