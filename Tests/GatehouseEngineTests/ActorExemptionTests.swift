import GatehouseEngine
import GatehouseRules
import KubeModel
import Testing

/// Policy exemptions by `users` and `groups`: they match the effective actor of an alert, exactly as
/// recorded, and never a finding about an object (which has no actor).
struct ActorExemptionTests {
    /// An exec into shop/web-1 by `user` (in `groups`), optionally impersonating `impersonated`.
    static func exec(_ user: String, groups: [String] = ["system:authenticated"], impersonated: String? = nil) throws -> AuditEvent {
        var yaml = """
            apiVersion: audit.k8s.io/v1
            kind: Event
            level: Metadata
            stage: ResponseStarted
            verb: create
            user: {username: "\(user)", groups: [\(groups.map { "\"\($0)\"" }.joined(separator: ", "))]}
            objectRef: {resource: pods, subresource: exec, namespace: shop, name: web-1, apiVersion: v1}
            responseStatus: {code: 101}

            """
        if let impersonated { yaml += "impersonatedUser: {username: \"\(impersonated)\", groups: [ci-bots]}\n" }
        var trees: [Tree] = []
        var copy = yaml
        _ = copy.withUTF8 { YAMLLoader.load(UnsafeRawBufferPointer($0)) { tree, _ in trees.append(tree) } }
        let tree = try #require(trees.first)
        return try #require(AuditEvent(event: tree.root, origin: .init(file: "test", line: 1)))
    }

    static func alerts(_ exemption: String, _ event: AuditEvent) throws -> [String] {
        let policy = try Policy.parse(header + "exemptions:\n" + exemption)
        return try AlertEngine(policy: policy).evaluate(event).alerts.map(\.ruleID)
    }

    static let byUser = "- {rules: [alert-pod-exec], users: [\"system:serviceaccount:ci:deployer\"], reason: CI smoke tests}\n"
    static let byGroup = "- {rules: [alert-pod-exec], groups: [sre]}\n"

    @Test func aUserExemptionSilencesThatUserOnly() throws {
        #expect(try Self.alerts(Self.byUser, Self.exec("system:serviceaccount:ci:deployer")).isEmpty)
        #expect(try Self.alerts(Self.byUser, Self.exec("alice")) == ["alert-pod-exec"])
    }

    @Test func aGroupExemptionSilencesItsMembers() throws {
        #expect(try Self.alerts(Self.byGroup, Self.exec("alice", groups: ["sre", "system:authenticated"])).isEmpty)
        #expect(try Self.alerts(Self.byGroup, Self.exec("alice")) == ["alert-pod-exec"])
    }

    /// Near misses an attacker can choose: none of them is the exempted identity.
    @Test(arguments: [
        ("system:serviceaccount:CI:deployer", ["system:authenticated"]),
        ("System:serviceaccount:ci:deployer", ["system:authenticated"]),
        ("system:serviceaccounts:ci:deployer", ["system:authenticated"]),
        ("system:serviceaccount:ci:deployer-2", ["system:authenticated"]),
        ("deployer", ["system:authenticated"]),
        ("alice", ["SRE", "sre-admins", " sre"]),
    ])
    func nearMissesAreNotExempt(user: String, groups: [String]) throws {
        let both = Self.byUser + Self.byGroup
        #expect(try Self.alerts(both, Self.exec(user, groups: groups)) == ["alert-pod-exec"], "\(user) \(groups)")
    }

    /// The effective identity counts: impersonating the exempted user is exempt (that is who acted), and the
    /// exempted user impersonating someone else is not.
    @Test func impersonationIsJudgedByTheEffectiveIdentity() throws {
        #expect(try Self.alerts(Self.byUser, Self.exec("alice", impersonated: "system:serviceaccount:ci:deployer")).isEmpty)
        #expect(
            try Self.alerts(Self.byUser, Self.exec("system:serviceaccount:ci:deployer", impersonated: "alice"))
                == ["alert-pod-exec"])
        // Groups too: the impersonated identity's groups, not the impersonator's.
        #expect(try Self.alerts(Self.byGroup, Self.exec("alice", groups: ["sre"], impersonated: "bob")) == ["alert-pod-exec"])
    }

    /// users and groups narrow the other matchers: every matcher given must match.
    @Test func actorsAndNamespacesMustBothMatch() throws {
        let exemption = "- {rules: [alert-pod-exec], users: [alice], namespaces: [billing]}\n"
        #expect(try Self.alerts(exemption, Self.exec("alice")) == ["alert-pod-exec"])
    }

    /// A finding about an object has no actor: an exemption by user or group never suppresses it.
    @Test func findingsAreNeverExemptByActor() throws {
        let policy = try Policy.parse(
            header + "profile: all\nexemptions:\n- {rules: [\"*\"], users: [\"*\"]}\n- {rules: [\"*\"], groups: [\"*\"]}\n")
        let engine = try Engine(policy: policy)
        let privileged = try object(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: apps}
            spec:
              containers:
              - name: app
                image: nginx:1.27
                securityContext: {privileged: true}
            """)
        let result = engine.evaluate(privileged, admission: AdmissionInfo(user: "alice", groups: ["sre"], operation: .create))
        #expect(result.findings.contains { $0.ruleID == "pod-privileged" })
        #expect(result.exempted.isEmpty)
        #expect(policy.exemption(for: try #require(result.findings.first)) == nil)
    }
}

/// What the policy loader says about `users` and `groups`, at the line of the mistake.
struct ActorExemptionParsingTests {
    static func problems(_ exemptions: String) -> [String] {
        do {
            _ = try Policy.parse(header + "exemptions:\n" + exemptions)
            Issue.record("accepted")
            return []
        } catch {
            return error.problems.map { $0.formatted(file: "policy.yaml") }
        }
    }

    @Test func usersAndGroupsAreRead() throws {
        let policy = try Policy.parse(header + "exemptions:\n- rules: [alert-*]\n  users: [alice, \"system:serviceaccount:ci:*\"]\n  groups: [sre]\n")
        let exemption = try #require(policy.exemptions.first)
        #expect(exemption.users.map(\.pattern) == ["alice", "system:serviceaccount:ci:*"])
        #expect(exemption.groups.map(\.pattern) == ["sre"])
        #expect(exemption.namesActors)
    }

    @Test(arguments: [
        ("- rules: [alert-pod-exec]\n  users: alice\n", "policy.yaml:5:10: users must be a list; write [alice]"),
        ("- rules: [alert-pod-exec]\n  users: {name: alice}\n", "policy.yaml:5:10: users must be a list of strings, found a mapping"),
        ("- rules: [alert-pod-exec]\n  users: []\n", "policy.yaml:5:10: users is empty; list at least one entry, or leave the key out to match any"),
        ("- rules: [alert-pod-exec]\n  groups: [\"sre team\"]\n", "policy.yaml:5:12: group pattern \"sre team\" contains whitespace"),
        (
            "- rules: [alert-pod-exec]\n  users: [\"ServiceAccount:ci:deployer\"]\n",
            "policy.yaml:5:11: user pattern \"ServiceAccount:ci:deployer\" will never match: users are matched against the user name the API server records (alice, or system:serviceaccount:NAMESPACE:NAME for a service account), without a kind"
        ),
        (
            "- rules: [alert-pod-exec]\n  users: [\"System:ServiceAccount:ci:deployer\"]\n",
            "policy.yaml:5:11: user pattern \"System:ServiceAccount:ci:deployer\" will never match: service account user names begin with \"system:serviceaccount:\" in lowercase"
        ),
        (
            "- rules: [alert-pod-exec]\n  users: [\"system:serviceaccounts:ci\"]\n",
            "policy.yaml:5:11: user pattern \"system:serviceaccounts:ci\" names a group (system:serviceaccounts...): list it under groups"
        ),
        (
            "- rules: [pod-privileged, image-*]\n  users: [alice]\n",
            "policy.yaml:5:10: users match the actor of an alert, and this exemption's rules are not alert rules; an object has no actor, so it would never match (name alert-* rules, or drop users)"
        ),
    ])
    func mistakesAreNamedAtTheirLine(exemption: String, message: String) {
        #expect(Self.problems(exemption) == [message])
    }
}
