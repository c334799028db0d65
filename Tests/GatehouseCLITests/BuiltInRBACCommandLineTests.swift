import Foundation
import TestSupport
import Testing

/// Kubernetes' default RBAC objects, through the built executable: `who-can` and `access` know the default
/// roles an input binds without defining (the README's own examples), and `audit` trusts only what a cluster
/// would have made, not a `system:` name or a label anyone can write.
struct BuiltInRBACCommandLineTests {
    static func lines(_ output: String) -> [String] { AccessCommandLineTests.lines(output) }

    static func ruleIDs(_ run: CLI.Run) throws -> [String] {
        let report = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        return (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
    }

    /// The README: `gatehouse access ServiceAccount:shop:deployer examples/`. examples/rbac.yaml binds the
    /// account to cluster-admin, which it does not define: every cluster has it.
    @Test func readmeAccessExampleKnowsClusterAdmin() throws {
        let run = try CLI.run(["access", "ServiceAccount:shop:deployer", "examples/"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.lines(run.stdout) == [
            "ServiceAccount:shop:deployer (groups: system:authenticated, system:serviceaccounts, system:serviceaccounts:shop) can:",
            "SCOPE VERBS RESOURCES NAMES VIA",
            "cluster-wide * * [*] ClusterRoleBinding deployer-cluster-admin → ClusterRole cluster-admin (built in) rules[0] "
                + "(as ServiceAccount:shop:deployer)",
            "cluster-wide * urls * ClusterRoleBinding deployer-cluster-admin → ClusterRole cluster-admin (built in) rules[1] "
                + "(as ServiceAccount:shop:deployer)",
        ])
    }

    /// The README: `gatehouse who-can get secrets -n prod examples/`.
    @Test func readmeWhoCanExampleKnowsClusterAdmin() throws {
        let run = try CLI.run(["who-can", "get", "secrets", "-n", "prod", "examples/"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.lines(run.stdout) == [
            "Subjects that can get secrets in namespace prod:",
            "SUBJECT SCOPE VIA",
            "ServiceAccount:shop:deployer cluster-wide ClusterRoleBinding deployer-cluster-admin → ClusterRole cluster-admin (built in) rules[0]",
        ])
    }

    /// A default role an input binds is known with its aggregated rules; the input's own definition wins;
    /// a role neither built in nor in the input is named in a note.
    @Test func defaultRolesAggregationOverridesAndUnknownRoles() throws {
        let manifest = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: alice-edit, namespace: shop}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
            subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: alice-missing, namespace: shop}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: missing}
            subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: bob-view}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
            subjects: [{kind: User, name: bob, apiGroup: rbac.authorization.k8s.io}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: view}
            rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
            """
        let exec = try CLI.run(["who-can", "create", "pods/exec", "-n", "shop", "-"], stdin: manifest)
        #expect(exec.status == 0, "\(exec.stderr)")
        #expect(Self.lines(exec.stdout) == [
            "Subjects that can create pods/exec in namespace shop:",
            "SUBJECT SCOPE VIA",
            "User:alice namespace shop RoleBinding shop/alice-edit → ClusterRole edit (built in) "
                + "(aggregated from ClusterRole system:aggregate-to-edit rules[2])",
            "note: RoleBinding shop/alice-missing points at Role shop/missing, which is neither built in nor in the input: "
                + "what it grants is unknown",
        ])
        // The input's `view` replaces the default one: it grants secrets, which the default view does not.
        let secrets = try CLI.run(["who-can", "get", "secrets", "-n", "shop", "-"], stdin: manifest)
        #expect(Self.lines(secrets.stdout).contains("User:bob cluster-wide ClusterRoleBinding bob-view → ClusterRole view rules[0]"))
        let access = try CLI.run(["access", "User:alice", "-", "--output", "json"], stdin: manifest)
        #expect(access.status == 0)
        #expect(access.stdout.contains("\"roleIsBuiltIn\" : true"))
        #expect(access.stderr.contains("note: RoleBinding shop/alice-missing points at Role shop/missing"))
    }

    /// A ClusterRole named `system:evil` granting everything, bound to a user, is reported on the role and on
    /// the binding; it was trusted for its name.
    @Test func auditReportsASystemNamedRole() throws {
        let manifest = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: "system:evil"}
            rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: "system:evil"}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:evil"}
            subjects: [{kind: User, name: mallory, apiGroup: rbac.authorization.k8s.io}]
            """
        let run = try CLI.run(["audit", "-", "--format", "json", "--fail-on", "never"], stdin: manifest)
        let ids = Set(try Self.ruleIDs(run))
        #expect(ids.isSuperset(of: ["rbac-wildcard", "rbac-binding-powerful-role"]), "\(ids)")
    }

    /// A ClusterRoleBinding named `system:backdoor` granting cluster-admin to every authenticated user is
    /// reported like the same binding named `backdoor`, labelled as a default or not.
    @Test func auditReportsASystemNamedBinding() throws {
        func findings(name: String, labels: String) throws -> [String] {
            let manifest = """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: "\(name)", labels: \(labels)}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects: [{kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}]
                """
            return try Self.ruleIDs(try CLI.run(["audit", "-", "--format", "json", "--fail-on", "never"], stdin: manifest)).sorted()
        }
        let plain = try findings(name: "backdoor", labels: "{}")
        #expect(plain == ["rbac-cluster-admin-binding", "rbac-pod-exec-attach", "rbac-privileged-groups-binding"])
        #expect(try findings(name: "system:backdoor", labels: "{}") == plain)
        #expect(try findings(name: "system:backdoor", labels: "{kubernetes.io/bootstrapping: rbac-defaults}") == plain)
        // The real default binding is Kubernetes' own and not reported.
        let real = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: cluster-admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects: [{kind: Group, name: "system:masters", apiGroup: rbac.authorization.k8s.io}]
            """
        #expect(try Self.ruleIDs(try CLI.run(["audit", "-", "--format", "json", "--fail-on", "never"], stdin: real)).isEmpty)
    }
}
