import GatehouseEngine
import GatehouseRules
import GatehouseWebhook
import KubeModel
import Testing

/// Exemptions by user and group at admission: the request's user info is the actor of the alerts raised from
/// it, as the audit log's effective identity is for the same request (the API server has resolved any
/// impersonation before it calls the webhook).
struct AdmissionActorExemptionTests {
    static func event(user: String, groups: [String]) throws -> AuditEvent {
        var text = Reviews.review(
            uid: "u-1", namespace: "ops", name: "agent", user: user, groups: groups,
            object: Reviews.pod(name: "agent", namespace: "ops", privileged: true))
        var trees: [Tree] = []
        _ = text.withUTF8 { YAMLLoader.load(UnsafeRawBufferPointer($0)) { tree, _ in trees.append(tree) } }
        let review = try #require(trees.first)
        return AuditEvent(admission: try AdmissionRequest(review: review.root))
    }

    static func alerts(_ user: String, groups: [String] = ["system:authenticated"]) throws -> [String] {
        let policy = try Policy.parse(
            "apiVersion: gatehouse.io/v1\nkind: Policy\nexemptions:\n"
                + "- {rules: [alert-privileged-container], users: [\"system:serviceaccount:ops:deployer\"]}\n"
                + "- {rules: [alert-privileged-container], groups: [node-agents]}\n")
        return try AlertEngine(policy: policy).evaluate(try Self.event(user: user, groups: groups)).alerts.map(\.ruleID)
    }

    @Test func theRequestersUserAndGroupsAreTheActor() throws {
        #expect(try Self.alerts("system:serviceaccount:ops:deployer").isEmpty)
        #expect(try Self.alerts("alice", groups: ["node-agents", "system:authenticated"]).isEmpty)
        #expect(try Self.alerts("alice") == ["alert-privileged-container"])
        #expect(try Self.alerts("system:serviceaccount:Ops:deployer") == ["alert-privileged-container"])
        #expect(try Self.alerts("alice", groups: ["Node-agents"]) == ["alert-privileged-container"])
    }
}
