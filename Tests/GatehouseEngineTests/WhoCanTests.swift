import GatehouseEngine
import GatehouseRules
import KubeModel
import Testing

/// who-can and access answers, checked against Kubernetes RBAC semantics.
struct WhoCanTests {
    static func graph(_ yaml: String) -> RBACGraph {
        var index = ClusterIndex()
        for object in Manifests.loadYAML(yaml).objects { index.add(object) }
        return RBACGraph(index)
    }

    static func subjects(_ graph: RBACGraph, _ request: AccessRequest) -> [String] {
        Array(Set(graph.whoCan(request).map(\.subject.text))).sorted()
    }

    static let cluster = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: reader}
        rules:
        - {apiGroups: [""], resources: [pods, nodes], verbs: [get, list]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: ops-read}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
        subjects: [{kind: Group, name: ops}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: dev-read, namespace: team-a}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
        subjects: [{kind: User, name: dev}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: exec, namespace: team-a}
        rules:
        - {apiGroups: [""], resources: [pods/exec], verbs: [create]}
        - {apiGroups: [""], resources: [secrets], resourceNames: [tls, registry], verbs: [get]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: ci-exec, namespace: team-a}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: exec}
        subjects: [{kind: ServiceAccount, name: ci}, {kind: Group, name: "system:serviceaccounts:tools"}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: everything}
        rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: root}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything}
        subjects: [{kind: User, name: root}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: monitoring}
        aggregationRule:
          clusterRoleSelectors: [{matchLabels: {aggregate-to-monitoring: "true"}}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: metrics, labels: {aggregate-to-monitoring: "true"}}
        rules: [{apiGroups: [""], resources: [nodes/metrics], verbs: [get]}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: prom}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: monitoring}
        subjects: [{kind: ServiceAccount, name: prometheus, namespace: mon}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: dangling, namespace: team-a}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: missing}
        subjects: [{kind: User, name: ghost}]
        """

    @Test func namespacedVersusClusterBindings() {
        let g = Self.graph(Self.cluster)
        // A RoleBinding to a ClusterRole grants in its namespace only.
        #expect(Self.subjects(g, AccessRequest(verb: "list", resource: "pods", namespace: "team-a"))
            == ["Group:ops", "User:dev", "User:root"])
        #expect(Self.subjects(g, AccessRequest(verb: "list", resource: "pods", namespace: "team-b"))
            == ["Group:ops", "User:root"])
        // Never on cluster-scoped resources, whatever the ClusterRole says.
        #expect(Self.subjects(g, AccessRequest(verb: "get", resource: "nodes", namespace: "team-a"))
            == ["Group:ops", "User:root"])
        #expect(Self.subjects(g, AccessRequest(verb: "get", resource: "nodes")) == ["Group:ops", "User:root"])
        // Without a namespace, every grant is listed with its scope.
        let any = g.whoCan(AccessRequest(verb: "list", resource: "pods"))
        #expect(any.first { $0.subject.text == "User:dev" }?.grant.scope == "namespace team-a")
        #expect(any.first { $0.subject.text == "Group:ops" }?.grant.scope == "cluster-wide")
        #expect(g.allows(Subject(kind: .user, name: "dev"), AccessRequest(verb: "list", resource: "pods", namespace: "team-a")))
        #expect(!g.allows(Subject(kind: .user, name: "dev"), AccessRequest(verb: "list", resource: "pods")))
    }

    @Test func wildcards() {
        let g = Self.graph(Self.cluster)
        #expect(Self.subjects(g, AccessRequest(verb: "impersonate", resource: "users")) == ["User:root"])
        #expect(Self.subjects(g, AccessRequest(verb: "delete", group: "apps", resource: "deployments", namespace: "x"))
            == ["User:root"])
    }

    @Test func subresources() {
        let g = Self.graph(Self.cluster)
        #expect(Self.subjects(g, AccessRequest(verb: "create", resource: "pods/exec", namespace: "team-a"))
            == ["Group:system:serviceaccounts:tools", "ServiceAccount:team-a:ci", "User:root"])
        // `pods` in reader does not grant pods/exec.
        #expect(!Self.subjects(g, AccessRequest(verb: "create", resource: "pods/exec", namespace: "team-a")).contains("Group:ops"))
        // and pods/exec does not grant pods.
        #expect(!Self.subjects(g, AccessRequest(verb: "create", resource: "pods", namespace: "team-a")).contains("ServiceAccount:team-a:ci"))
    }

    @Test func resourceNames() {
        let g = Self.graph(Self.cluster)
        let anyName = g.whoCan(AccessRequest(verb: "get", resource: "secrets", namespace: "team-a"))
        let ci = anyName.first { $0.subject.text == "ServiceAccount:team-a:ci" }
        #expect(ci?.onlyNames == ["tls", "registry"])
        #expect(AccessQueries.whoCanLines(g, AccessRequest(verb: "get", resource: "secrets", namespace: "team-a"))
            .contains { $0.contains("ServiceAccount:team-a:ci") && $0.hasSuffix("only names: tls, registry") })
        #expect(Self.subjects(g, AccessRequest(verb: "get", resource: "secrets", namespace: "team-a", name: "tls"))
            .contains("ServiceAccount:team-a:ci"))
        #expect(!Self.subjects(g, AccessRequest(verb: "get", resource: "secrets", namespace: "team-a", name: "db"))
            .contains("ServiceAccount:team-a:ci"))
        #expect(!g.allows(
            Subject(kind: .serviceAccount, name: "ci", namespace: "team-a"),
            AccessRequest(verb: "get", resource: "secrets", namespace: "team-a")))
    }

    @Test func aggregation() {
        let g = Self.graph(Self.cluster)
        let entries = g.whoCan(AccessRequest(verb: "get", resource: "nodes/metrics"))
        let prom = entries.first { $0.subject.text == "ServiceAccount:mon:prometheus" }
        #expect(prom?.grant.aggregatedFrom == "metrics")
        #expect(prom?.grant.path == "ClusterRoleBinding prom → ClusterRole monitoring (aggregated from ClusterRole metrics rules[0])")
    }

    @Test func rulesCopiedByTheAggregationControllerAreAttributedToTheirSource() {
        let g = Self.graph("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: monitoring}
            aggregationRule:
              clusterRoleSelectors: [{matchLabels: {aggregate-to-monitoring: "true"}}]
            rules:
            - {apiGroups: [""], resources: [nodes/metrics], verbs: [get]}
            - {apiGroups: [""], resources: [services], verbs: [list]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: metrics, labels: {aggregate-to-monitoring: "true"}}
            rules: [{apiGroups: [""], resources: [nodes/metrics], verbs: [get]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: prom}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: monitoring}
            subjects: [{kind: Group, name: prom}]
            """)
        let grants = g.grants(to: Subject(kind: .group, name: "prom"))
        #expect(grants.count == 2, "the copied rule counts once")
        #expect(grants.first { $0.rule.resources == ["nodes/metrics"] }?.aggregatedFrom == "metrics")
        #expect(grants.first { $0.rule.resources == ["services"] }?.aggregatedFrom == nil)
    }

    @Test func transitiveAggregationAndCycles() {
        let g = Self.graph("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: top, labels: {to-middle: "true"}}
            aggregationRule: {clusterRoleSelectors: [{matchLabels: {to-top: "true"}}]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: middle, labels: {to-top: "true"}}
            aggregationRule: {clusterRoleSelectors: [{matchLabels: {to-middle: "true"}}]}
            rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: leaf, labels: {to-middle: "true"}}
            rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: b}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: top}
            subjects: [{kind: User, name: u}]
            """)
        let u = Subject(kind: .user, name: "u")
        #expect(g.allows(u, AccessRequest(verb: "get", resource: "secrets", namespace: "x")))
        #expect(g.allows(u, AccessRequest(verb: "get", resource: "configmaps", namespace: "x")))
        #expect(!g.allows(u, AccessRequest(verb: "list", resource: "secrets", namespace: "x")))
    }

    @Test func serviceAccountsGetTheirGroupsAndUserName() {
        let g = Self.graph(Self.cluster + """

            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: by-user-name, namespace: team-a}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
            subjects: [{kind: User, name: "system:serviceaccount:tools:builder"}]
            """)
        let builder = Subject(kind: .serviceAccount, name: "builder", namespace: "tools")
        #expect(g.allows(builder, AccessRequest(verb: "create", resource: "pods/exec", namespace: "team-a")))
        #expect(g.allows(builder, AccessRequest(verb: "list", resource: "pods", namespace: "team-a")))
        #expect(!g.allows(builder, AccessRequest(verb: "create", resource: "pods/exec", namespace: "team-b")))
        let other = Subject(kind: .serviceAccount, name: "ci", namespace: "team-b")
        #expect(!g.allows(other, AccessRequest(verb: "create", resource: "pods/exec", namespace: "team-a")),
            "a RoleBinding's ServiceAccount subject without namespace means the binding's namespace")
        // Bindings to missing roles grant nothing.
        #expect(g.grants(to: Subject(kind: .user, name: "ghost")).isEmpty)
    }

    @Test func nonResourceURLsAreGrantedByClusterRoleBindingsOnly() {
        let g = Self.graph("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: metrics-reader}
            rules: [{nonResourceURLs: ["/metrics", "/debug/*"], verbs: [get]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: prom}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-reader}
            subjects: [{kind: Group, name: monitoring}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: local, namespace: x}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-reader}
            subjects: [{kind: User, name: dev}]
            """)
        #expect(Self.subjects(g, AccessRequest(verb: "get", nonResourceURL: "/metrics")) == ["Group:monitoring"])
        #expect(Self.subjects(g, AccessRequest(verb: "get", nonResourceURL: "/debug/pprof")) == ["Group:monitoring"])
        #expect(Self.subjects(g, AccessRequest(verb: "get", nonResourceURL: "/healthz")).isEmpty)
        #expect(Self.subjects(g, AccessRequest(verb: "post", nonResourceURL: "/metrics")).isEmpty)
    }

    @Test func accessListsEveryGrant() {
        let g = Self.graph(Self.cluster)
        let lines = AccessQueries.accessLines(g, Subject(kind: .serviceAccount, name: "ci", namespace: "team-a"))
        #expect(lines.count == 3)  // header + two rules
        #expect(lines[0].hasPrefix("SCOPE"))
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("namespace team-a") && $0.contains("RoleBinding team-a/ci-exec → Role team-a/exec") })
        #expect(lines.contains { $0.contains("tls,registry") })
        #expect(AccessQueries.accessLines(g, Subject(kind: .user, name: "nobody")).isEmpty)
        #expect(AccessQueries.accessLines(g, Subject(kind: .user, name: "x"), extraGroups: ["ops"]).count == 2)
    }

    @Test func recordsCarryTheSameAnswer() {
        let g = Self.graph(Self.cluster)
        let request = AccessRequest(verb: "get", resource: "secrets", namespace: "team-a")
        let records = AccessQueries.whoCanRecords(g, request)
        #expect(records.map(\.subject) == g.whoCan(request).map(\.subject.text))
        let ci = records.first { $0.subject == "ServiceAccount:team-a:ci" }
        #expect(ci?.resourceNames == ["tls", "registry"])
        #expect(ci?.bindingKind == "RoleBinding" && ci?.namespace == "team-a" && ci?.role == "exec")
        let access = AccessQueries.accessRecords(g, Subject(kind: .serviceAccount, name: "prometheus", namespace: "mon"))
        #expect(access.map(\.aggregatedFrom) == ["metrics"])
        #expect(access.first?.scope == "cluster-wide")
    }

    @Test(arguments: [
        ("User:alice", "User:alice"),
        ("Group:devs", "Group:devs"),
        ("ServiceAccount:shop:web", "ServiceAccount:shop:web"),
        ("system:serviceaccount:shop:web", "ServiceAccount:shop:web"),
        ("sa:shop:web", "ServiceAccount:shop:web"),
        ("User:system:admin", "User:system:admin"),
    ])
    func subjectForms(_ text: String, _ expected: String) throws {
        #expect(try #require(Subject(parsing: text)).description == expected)
    }

    @Test(arguments: ["alice", "ServiceAccount:web", "Robot:x", "User:", "system:serviceaccount:shop"])
    func badSubjects(_ text: String) {
        #expect(Subject(parsing: text) == nil)
    }

    @Test func resourceSpecs() {
        #expect(ResourceSpec("secrets") == ResourceSpec("secrets", group: ""))
        #expect(ResourceSpec("deployments").group == "apps")
        #expect(ResourceSpec("deployments.apps").resource == "deployments")
        #expect(ResourceSpec("deployments.v1.apps").group == "apps")
        #expect(ResourceSpec("pods/exec").resource == "pods/exec")
        #expect(ResourceSpec("pods", subresource: "exec").resource == "pods/exec")
        #expect(ResourceSpec("cronjobs.batch/status").resource == "cronjobs/status")
        #expect(ResourceSpec("widgets.example.com").group == "example.com")
        #expect(ResourceSpec("widgets", group: "example.com").group == "example.com")
    }
}
