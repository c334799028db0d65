import Foundation
import GatehouseRules
import KubeModel
import TestSupport
import Testing

/// Every alert rule's examples, the registry's shape, and the alerts each real audit event of the shared
/// corpus deserves.
struct AlertRuleTests {
    static func event(_ yaml: String) throws -> AuditEvent {
        var trees: [Tree] = []
        var copy = yaml
        let problem = copy.withUTF8 { YAMLLoader.load(UnsafeRawBufferPointer($0)) { tree, _ in trees.append(tree) } }
        #expect(problem == nil)
        let tree = try #require(trees.first)
        return try #require(AuditEvent(event: tree.root, origin: .init(file: "example", line: 1)))
    }

    static func rule(_ type: any AlertRule.Type, _ parameters: String?) throws -> any AlertRule {
        guard let parameters else { return try type.init(parameters: .none) }
        var trees: [Tree] = []
        var copy = parameters
        _ = copy.withUTF8 { YAMLLoader.load(UnsafeRawBufferPointer($0)) { tree, _ in trees.append(tree) } }
        let tree = try #require(trees.first)
        return try type.init(parameters: RuleParameters(tree.root))
    }

    @Test(arguments: AlertRegistry.rules.map { $0.description.id })
    func examples(id: String) throws {
        let type = try #require(AlertRegistry.rule(id: id))
        let d = type.description
        #expect(!d.passing.isEmpty && !d.failing.isEmpty)
        for example in d.passing {
            let rule = try Self.rule(type, example.parameters)
            let alerts = rule.evaluate(try Self.event(example.yaml)).alerts
            #expect(alerts.isEmpty, "\(id) passing example at line \(example.line): \(alerts.map(\.message))")
        }
        for example in d.failing {
            let rule = try Self.rule(type, example.parameters)
            let alerts = rule.evaluate(try Self.event(example.yaml)).alerts
            #expect(alerts.count == 1, "\(id) failing example at line \(example.line)")
            #expect(alerts.flatMap { $0.evidence.map(\.path) } == example.paths, "\(id) failing example at line \(example.line)")
        }
    }

    @Test func registryIsSortedUniqueAndReferenced() {
        let ids = AlertRegistry.ids
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids).isDisjoint(with: Registry.ids) && Set(ids).isDisjoint(with: CrossObjectRegistry.ids))
        for type in AlertRegistry.rules {
            let d = type.description
            #expect(d.id.hasPrefix("alert-") && d.category == .alerts)
            #expect(d.references.contains { $0.source == .defender }, "\(d.id)")
            #expect(d.references.contains { $0.text.hasPrefix("Falco k8saudit") }, "\(d.id)")
            #expect(d.references.contains(type.tactic.reference), "\(d.id)")
        }
    }

    /// Rules that need the request body say so on a Metadata-level event instead of guessing.
    @Test func metadataLevelPodCreationIsUnjudgedNotAlerted() throws {
        let event = try Self.event(
            """
            apiVersion: audit.k8s.io/v1
            kind: Event
            level: Metadata
            stage: ResponseComplete
            verb: create
            user: {username: mallory}
            objectRef: {resource: pods, namespace: kube-system, apiVersion: v1}
            responseStatus: {code: 201}
            """)
        for type in [
            AlertPrivilegedContainer.self, AlertSensitiveMount.self, AlertMinerImage.self, AlertKubeSystemCreate.self,
            AlertHostNamespaces.self,
        ]
            as [any AlertRule.Type]
        {
            let (alerts, unjudged) = try type.init(parameters: .none).evaluate(event)
            #expect(alerts.isEmpty)
            #expect(unjudged.first?.reason.contains("Metadata level") == true, "\(type.description.id)")
        }
    }

    /// The rules that judge a body name what they could not judge on a Metadata-level write, whatever the resource.
    @Test(arguments: [
        ("configmaps", "", "alert-configmap-credentials"), ("services", "", "alert-nodeport-service"),
        ("services", "", "alert-exposed-dashboard"), ("clusterroles", "rbac.authorization.k8s.io", "alert-write-role"),
        ("roles", "rbac.authorization.k8s.io", "alert-exec-role"),
        ("clusterroles", "rbac.authorization.k8s.io", "alert-system-role-changed"),
    ])
    func metadataLevelWriteIsUnjudged(resource: String, group: String, id: String) throws {
        let type = try #require(AlertRegistry.rule(id: id))
        let event = try Self.event(
            """
            apiVersion: audit.k8s.io/v1beta1
            kind: Event
            level: Metadata
            stage: ResponseComplete
            verb: update
            user: {username: mallory}
            objectRef: {resource: \(resource), apiGroup: "\(group)", namespace: shop, name: thing, apiVersion: v1}
            responseStatus: {code: 200}
            """)
        let (alerts, unjudged) = try type.init(parameters: .none).evaluate(event)
        #expect(alerts.isEmpty)
        #expect(unjudged.map(\.reason) == ["the event is at Metadata level, so the request body is not recorded"])
    }

    /// Ways around the alerts an attacker would try, each still caught.
    @Test func evasionsAreCaught() throws {
        func fired(_ type: any AlertRule.Type, _ yaml: String) throws -> Int {
            try type.init(parameters: .none).evaluate(try Self.event(yaml)).alerts.count
        }
        let header = "apiVersion: audit.k8s.io/v1\nkind: Event\nlevel: Request\nstage: ResponseComplete\nuser: {username: mallory}\n"
        // Deleting every ClusterRole at once takes the defaults with it.
        #expect(
            try fired(
                AlertSystemRoleChanged.self,
                header + "verb: deletecollection\nobjectRef: {resource: clusterroles, apiGroup: rbac.authorization.k8s.io}\nresponseStatus: {code: 200}") == 1)
        // A kube-system default Role without the system: prefix.
        #expect(
            try fired(
                AlertSystemRoleChanged.self,
                header + "verb: update\nobjectRef: {resource: roles, apiGroup: rbac.authorization.k8s.io, namespace: kube-system, "
                    + "name: extension-apiserver-authentication-reader}\nresponseStatus: {code: 200}") == 1)
        // The same name in another namespace is not a default.
        #expect(
            try fired(
                AlertSystemRoleChanged.self,
                header + "verb: update\nobjectRef: {resource: roles, apiGroup: rbac.authorization.k8s.io, namespace: shop, "
                    + "name: extension-apiserver-authentication-reader}\nresponseStatus: {code: 200}\nrequestObject: {rules: []}") == 0)
        // externalIPs expose even a ClusterIP Service.
        #expect(
            try fired(
                AlertExposedDashboard.self,
                header + "verb: create\nobjectRef: {resource: services, namespace: ui, name: web}\nresponseStatus: {code: 201}\n"
                    + "requestObject: {spec: {externalIPs: [203.0.113.9], selector: {app: headlamp}}}") == 1)
        // A JDBC URL and a URL query hide passwords between other settings.
        for text in ["jdbc:sqlserver://db;user=app;password=hunter2hunter2", "https://api.example/x?user=a&passphrase=hunter2hunter2"] {
            #expect(
                try fired(
                    AlertConfigmapCredentials.self,
                    header + "verb: create\nobjectRef: {resource: configmaps, namespace: shop, name: c}\nresponseStatus: {code: 201}\n"
                        + "requestObject: {data: {conn: \"\(text)\"}}") == 1, "\(text)")
        }
        // Exec granted through the subresource wildcard of every resource.
        #expect(
            try fired(
                AlertExecRole.self,
                header + "verb: create\nobjectRef: {resource: roles, apiGroup: rbac.authorization.k8s.io, namespace: shop, name: r}\n"
                    + "responseStatus: {code: 201}\nrequestObject: {rules: [{apiGroups: [\"\"], resources: [\"*/exec\"], verbs: [create]}]}") == 1)
    }

    /// Each recorded action in the corpus fires the alerts it deserves, and harmless ones fire none.
    static let expected: [String: [String]] = [
        "anonymous_creates_namespace_foo.json": ["alert-anonymous-allowed"],
        "attach_pod.json": ["alert-pod-exec"],
        "create_cluster_role_wildcard_resources.json": ["alert-wildcard-role"],
        "create_cluster_role_write_privileges.json": ["alert-write-role"],
        "create_nginx_pod_hostnetwork.json": ["alert-host-namespaces"],
        "create_nginx_pod_privileged_2nd_container.json": ["alert-privileged-container"],
        "create_nginx_pod_sensitive_mount_2nd_container.json": ["alert-sensitive-mount"],
        "create_pod_kube_system_namespace.json": ["alert-kube-system-create"],
        "create_serviceaccount_kube_system_namespace.json": ["alert-kube-system-create"],
        "exec_pod.json": ["alert-pod-exec"],
    ]

    @Test func corpusEventsFireWhatTheyDeserve() throws {
        guard let corpus = Repository.sharedCorpus else { return }
        let folder = corpus.appendingPathComponent("audit-events/falcosecurity__falco")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let rules = try AlertRegistry.rules.map { try $0.init(parameters: .none) }
        for name in names {
            var fired: [String] = []
            var problems: [AuditReadProblem] = []
            _ = AuditLogFile.read(
                folder.appendingPathComponent(name).path,
                onEvent: { event in
                    for rule in rules { fired += rule.evaluate(event).alerts.map(\.ruleID) }
                }, onProblem: { problems.append($0) })
            #expect(problems.isEmpty, "\(name)")
            #expect(fired == Self.expected[name, default: []], "\(name)")
        }
    }
}
