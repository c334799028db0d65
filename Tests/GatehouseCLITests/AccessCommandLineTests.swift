import Foundation
import TestSupport
import Testing

/// `gatehouse who-can` and `gatehouse access`, run as the built executable over the cluster export fixture:
/// the answer's key lines and the exit statuses.
///
/// The fixture's RBAC: ClusterRole `admin` aggregates `edit` (its aggregate-to-admin label), which aggregates
/// `aggregate-workloads` (create/delete on pods and pods/exec); `view` aggregates `view-extra`. Bindings:
/// alice → admin in shop, ci's deployer → edit in kube-system, payments' api → Role pod-debug (pods/exec),
/// the group system:serviceaccounts:sandbox → ClusterRole pod-exec (`*/exec`) in sandbox, bob → Role
/// tls-reader (secrets, resourceNames shop-tls), shop's web → ClusterRole secret-reader cluster-wide, devs →
/// view cluster-wide, monitoring's prometheus → nodes/proxy cluster-wide, monitoring's default → view there.
struct AccessCommandLineTests {
    static let export = "Tests/Fixtures/cluster-export/export.yaml"

    static func run(_ arguments: [String], stdin: String? = nil) throws -> CLI.Run {
        try CLI.run(arguments, stdin: stdin)
    }

    /// The answer's lines with the column padding collapsed to one space, so a test names what a line says
    /// rather than how wide the widest cell of that answer happens to be.
    static func lines(_ output: String) -> [String] {
        output.split(separator: "\n").map { line in
            line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
    }

    /// A line granted by one of Kubernetes' `system:aggregate-to-*` roles, which the fixture's admin, edit and
    /// view aggregate as they do in every cluster.
    static func fromDefaults(_ line: String) -> Bool { line.contains("ClusterRole system:aggregate-to-") }

    @Test func whoCanFollowsAggregationWildcardsAndNamespaces() throws {
        let run = try Self.run(["who-can", "create", "pods/exec", "Tests/Fixtures/cluster-export/"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty)
        #expect(Self.lines(run.stdout) == [
            "Subjects that can create pods/exec in any namespace:",
            "SUBJECT SCOPE VIA",
            // `*/exec` grants the exec subresource of every resource; a group of service accounts is a subject.
            "Group:system:serviceaccounts:sandbox namespace sandbox RoleBinding sandbox/sandbox-exec → ClusterRole pod-exec rules[0]",
            // A RoleBinding to a ClusterRole grants in its own namespace only; edit holds aggregate-workloads' rules.
            "ServiceAccount:ci:deployer namespace kube-system RoleBinding kube-system/deployer-kube-system → ClusterRole edit "
                + "(aggregated from ClusterRole aggregate-workloads rules[1])",
            // Every cluster has system:aggregate-to-edit, which edit's aggregationRule selects too.
            "ServiceAccount:ci:deployer namespace kube-system RoleBinding kube-system/deployer-kube-system → ClusterRole edit "
                + "(aggregated from ClusterRole system:aggregate-to-edit rules[2])",
            "ServiceAccount:payments:api namespace payments RoleBinding payments/api-debug → Role payments/pod-debug rules[0]",
            // admin aggregates edit, which aggregates aggregate-workloads: transitively.
            "User:alice namespace shop RoleBinding shop/alice-admin → ClusterRole admin "
                + "(aggregated from ClusterRole aggregate-workloads rules[1])",
            "User:alice namespace shop RoleBinding shop/alice-admin → ClusterRole admin "
                + "(aggregated from ClusterRole system:aggregate-to-edit rules[2])",
        ])
    }

    @Test func whoCanInOneNamespace() throws {
        let run = try Self.run(["who-can", "create", "pods/exec", "-n", "payments", Self.export])
        #expect(run.status == 0)
        #expect(Self.lines(run.stdout) == [
            "Subjects that can create pods/exec in namespace payments:",
            "SUBJECT SCOPE VIA",
            "ServiceAccount:payments:api namespace payments RoleBinding payments/api-debug → Role payments/pod-debug rules[0]",
        ])
    }

    /// A rule limited by resourceNames is listed with its names when the request names no object, and
    /// matches exactly when it does; a ClusterRoleBinding grants in every namespace.
    @Test func whoCanWithResourceNames() throws {
        let any = try Self.run(["who-can", "get", "secrets", "-n", "shop", Self.export])
        #expect(any.status == 0)
        #expect(Self.lines(any.stdout) == [
            "Subjects that can get secrets in namespace shop:",
            "SUBJECT SCOPE VIA",
            "ServiceAccount:shop:web cluster-wide ClusterRoleBinding web-secrets → ClusterRole secret-reader rules[0]",
            "User:alice namespace shop RoleBinding shop/alice-admin → ClusterRole admin "
                + "(aggregated from ClusterRole system:aggregate-to-edit rules[0])",
            "User:bob namespace shop RoleBinding shop/bob-tls → Role shop/tls-reader rules[0] only names: shop-tls",
        ])
        let named = try Self.run(["who-can", "get", "secrets", "-n", "shop", "--name", "shop-tls", Self.export])
        #expect(named.status == 0)
        #expect(Self.lines(named.stdout).contains("User:bob namespace shop RoleBinding shop/bob-tls → Role shop/tls-reader rules[0]"))
        let other = try Self.run(["who-can", "get", "secrets", "-n", "shop", "--name", "db-password", Self.export])
        #expect(!other.stdout.contains("User:bob"), "tls-reader grants shop-tls only")
        #expect(other.stdout.contains("ServiceAccount:shop:web"))
    }

    /// `deployments.apps` names the group; a rule aggregated into view answers for it.
    @Test func whoCanWithAGroup() throws {
        let run = try Self.run(["who-can", "list", "deployments.apps", "-n", "shop", Self.export])
        #expect(run.status == 0)
        #expect(Self.lines(run.stdout) == [
            "Subjects that can list deployments (apps) in namespace shop:",
            "SUBJECT SCOPE VIA",
            "Group:devs cluster-wide ClusterRoleBinding devs-view → ClusterRole view "
                + "(aggregated from ClusterRole system:aggregate-to-view rules[4])",
            "Group:devs cluster-wide ClusterRoleBinding devs-view → ClusterRole view (aggregated from ClusterRole view-extra rules[0])",
        ])
    }

    @Test func whoCanWithNoAnswer() throws {
        let nodes = try Self.run(["who-can", "delete", "nodes", Self.export])
        #expect(nodes.status == 0)
        #expect(nodes.stdout == "No subject can delete nodes in any namespace (9 bindings, 10 roles read).\n")
        let url = try Self.run(["who-can", "get", "/metrics", Self.export])
        #expect(url.status == 0)
        #expect(url.stdout == "No subject can get /metrics (non-resource URL) (9 bindings, 10 roles read).\n")
    }

    @Test func whoCanReadsStandardInput() throws {
        let export = try String(contentsOf: CLI.repository.appendingPathComponent(Self.export), encoding: .utf8)
        let run = try Self.run(["who-can", "create", "pods/exec", "-n", "sandbox", "-"], stdin: export)
        #expect(run.status == 0)
        #expect(Self.lines(run.stdout).last
            == "Group:system:serviceaccounts:sandbox namespace sandbox RoleBinding sandbox/sandbox-exec → ClusterRole pod-exec rules[0]")
    }

    @Test func whoCanAsJSON() throws {
        let run = try Self.run(["who-can", "get", "secrets", "-o", "json", Self.export])
        #expect(run.status == 0)
        let records = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(records.compactMap { $0["subject"] as? String }
            == ["ServiceAccount:ci:deployer", "ServiceAccount:shop:web", "User:alice", "User:bob"])
        let bob = try #require(records.last)
        #expect(bob["binding"] as? String == "bob-tls")
        #expect(bob["role"] as? String == "tls-reader")
        #expect(bob["scope"] as? String == "namespace shop")
        #expect(bob["resourceNames"] as? [String] == ["shop-tls"])
    }

    /// A service account gets what its groups are bound to, and only in the binding's namespace.
    @Test func accessOfAServiceAccount() throws {
        let run = try Self.run(["access", "ServiceAccount:ci:deployer", Self.export])
        #expect(run.status == 0)
        // edit also aggregates Kubernetes' system:aggregate-to-edit (13 entries), which every cluster has.
        #expect(Self.lines(run.stdout).filter(Self.fromDefaults).count == 13)
        #expect(Self.lines(run.stdout).filter { !Self.fromDefaults($0) } == [
            "ServiceAccount:ci:deployer (groups: system:authenticated, system:serviceaccounts, system:serviceaccounts:ci) can:",
            "SCOPE VERBS RESOURCES NAMES VIA",
            "namespace kube-system create,update,patch,delete deployments,statefulsets [apps] RoleBinding kube-system/deployer-kube-system "
                + "→ ClusterRole edit (aggregated from ClusterRole aggregate-workloads rules[0]) (as ServiceAccount:ci:deployer)",
            "namespace kube-system create,delete pods,pods/exec [core] RoleBinding kube-system/deployer-kube-system "
                + "→ ClusterRole edit (aggregated from ClusterRole aggregate-workloads rules[1]) (as ServiceAccount:ci:deployer)",
        ])

        let sandbox = try Self.run(["access", "system:serviceaccount:sandbox:default", Self.export])
        #expect(sandbox.status == 0)
        #expect(Self.lines(sandbox.stdout).last
            == "namespace sandbox create */exec [core] RoleBinding sandbox/sandbox-exec → ClusterRole pod-exec rules[0] "
            + "(as Group:system:serviceaccounts:sandbox)")
    }

    @Test func accessOfAUserWithGroups() throws {
        let run = try Self.run(["access", "User:carol", "--group", "devs", Self.export])
        #expect(run.status == 0)
        #expect(Self.lines(run.stdout).filter(Self.fromDefaults).count == 10, "system:aggregate-to-view's entries")
        #expect(Self.lines(run.stdout).filter { !Self.fromDefaults($0) } == [
            "User:carol (groups: devs, system:authenticated) can:",
            "SCOPE VERBS RESOURCES NAMES VIA",
            "cluster-wide get,list,watch pods,configmaps,deployments [core,apps] ClusterRoleBinding devs-view → ClusterRole view "
                + "(aggregated from ClusterRole view-extra rules[0]) (as Group:devs)",
        ])
        let alone = try Self.run(["access", "User:carol", Self.export])
        #expect(alone.status == 0)
        #expect(alone.stdout == "User:carol (groups: system:authenticated) has no RBAC permissions in the input.\n")
    }

    @Test func accessInOneNamespace() throws {
        let shop = try Self.run(["access", "User:alice", "-n", "shop", Self.export])
        #expect(shop.status == 0)
        #expect(Self.lines(shop.stdout).filter(Self.fromDefaults).count == 15, "system:aggregate-to-admin's and -edit's entries")
        #expect(Self.lines(shop.stdout).filter { !Self.fromDefaults($0) } == [
            "User:alice (groups: system:authenticated) can:",
            "SCOPE VERBS RESOURCES NAMES VIA",
            "namespace shop create,update,patch,delete deployments,statefulsets [apps] RoleBinding shop/alice-admin "
                + "→ ClusterRole admin (aggregated from ClusterRole aggregate-workloads rules[0]) (as User:alice)",
            "namespace shop create,delete pods,pods/exec [core] RoleBinding shop/alice-admin "
                + "→ ClusterRole admin (aggregated from ClusterRole aggregate-workloads rules[1]) (as User:alice)",
            "namespace shop create,get,list rolebindings,roles [rbac.authorization.k8s.io] RoleBinding shop/alice-admin "
                + "→ ClusterRole admin rules[0] (as User:alice)",
        ])
        let payments = try Self.run(["access", "User:alice", "-n", "payments", Self.export])
        #expect(payments.status == 0)
        #expect(payments.stdout.hasSuffix("has no RBAC permissions in the input.\n"))
    }

    @Test func accessAsJSON() throws {
        let run = try Self.run(["access", "Group:devs", "-o", "json", Self.export])
        #expect(run.status == 0)
        let records = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        let own = records.filter { ($0["aggregatedFrom"] as? String)?.hasPrefix("system:aggregate-to-") != true }
        #expect(records.count == 11, "view-extra's entry and system:aggregate-to-view's 10")
        #expect(own.count == 1)
        #expect(own.first?["aggregatedFrom"] as? String == "view-extra")
        #expect(own.first?["binding"] as? String == "devs-view")
    }

    @Test(arguments: [
        ["who-can", "get", "secrets"],
        ["who-can", "get"],
        ["who-can", "get", "secrets", "-o", "yaml", export],
        ["access", "alice", export],
        ["access", "User:alice"],
        ["access", "ServiceAccount:no-namespace", export],
    ])
    func usageErrorsExitTwo(_ arguments: [String]) throws {
        let run = try Self.run(arguments)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(!run.stderr.isEmpty)
    }

    /// An unreadable input is named on stderr, the rest is still answered, and the status is 2.
    @Test(arguments: [
        ["who-can", "get", "secrets", "does-not-exist.yaml", export],
        ["access", "ServiceAccount:shop:web", "does-not-exist.yaml", export],
    ])
    func unreadableInputExitsTwoAndAnswersForTheRest(_ arguments: [String]) throws {
        let run = try Self.run(arguments)
        #expect(run.status == 2)
        #expect(run.stderr.contains("gatehouse: does-not-exist.yaml: no such file or directory"))
        #expect(run.stderr.contains("the answer may be incomplete"))
        #expect(run.stdout.contains("ClusterRoleBinding web-secrets → ClusterRole secret-reader rules[0]"))
    }

    @Test func noReadableInputExitsTwo() throws {
        let run = try Self.run(["who-can", "get", "secrets", "does-not-exist.yaml"])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("does-not-exist.yaml: no such file or directory"))
    }
}
