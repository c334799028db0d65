import Foundation
import Synchronization
@testable import GatehouseRules
import KubeModel
import Testing

/// alert-secret-read-unusual over sequences of events: what the generic example runner (one event per fresh
/// rule) cannot show. The learning period, the bounded memory, an exported baseline, and the ways around it.
struct AlertSecretReadUnusualTests {
    /// A secret read as the API server logs it at Metadata level, `hours` after 2024-05-01T10:00:00Z.
    static func read(
        _ user: String, groups: [String] = ["system:authenticated"], namespace: String? = "shop", name: String? = "db",
        verb: String = "get", hours: Double = 0, code: Int = 200, stage: String = "ResponseComplete",
        impersonating: String? = nil, extra: String = "", apiVersion: String = "audit.k8s.io/v1"
    ) throws -> AuditEvent {
        var object = "resource: secrets, apiVersion: v1"
        if let namespace { object += ", namespace: \(namespace)" }
        if let name { object += ", name: \(name)" }
        object += extra
        let groupList = groups.map { "\"\($0)\"" }.joined(separator: ", ")
        var yaml = """
            apiVersion: \(apiVersion)
            kind: Event
            level: Metadata
            stage: \(stage)
            stageTimestamp: "\(timestamp(hours))"
            verb: \(verb)
            user: {username: "\(user)", groups: [\(groupList)]}
            objectRef: {\(object)}
            responseStatus: {code: \(code)}

            """
        if let impersonating { yaml += "impersonatedUser: {username: \"\(impersonating)\", groups: [system:authenticated]}\n" }
        return try AlertRuleTests.event(yaml)
    }

    static func timestamp(_ hours: Double) -> String {
        let date = Date(timeIntervalSince1970: 1_714_557_600 + hours * 3600)
        return ISO8601DateFormatter().string(from: date)
    }

    static func rule(_ parameters: String? = nil, baseline: ClusterBaseline? = nil) throws -> AlertSecretReadUnusual {
        var tree: Tree?
        if let parameters {
            var copy = parameters
            _ = copy.withUTF8 { YAMLLoader.load(UnsafeRawBufferPointer($0)) { t, _ in tree = t } }
        }
        return try AlertSecretReadUnusual(parameters: RuleParameters(tree?.root), baseline: baseline)
    }

    /// Runs `events` through one rule: the messages of the alerts, and the notes.
    static func run(_ rule: AlertSecretReadUnusual, _ events: [AuditEvent]) -> (alerts: [String], notes: [String]) {
        var alerts: [String] = []
        var notes: [String] = []
        for event in events {
            let (a, u) = rule.evaluate(event)
            alerts += a.map(\.message)
            notes += u.map(\.reason)
        }
        return (alerts, notes)
    }

    @Test func readsInTheLearningPeriodAreLearnedAndANewReaderAfterItAlertsOnce() throws {
        let rule = try Self.rule()
        let (alerts, notes) = Self.run(
            rule,
            [
                try Self.read("alice", hours: 0), try Self.read("bob", namespace: "billing", hours: 23.9),
                try Self.read("alice", hours: 30), try Self.read("bob", namespace: "billing", hours: 30),
                try Self.read("mallory", hours: 30), try Self.read("mallory", hours: 31),
                try Self.read("mallory", namespace: "billing", hours: 32),
            ])
        #expect(
            alerts == [
                "mallory read secrets in namespace shop (get db): no read of secrets there by this identity was seen before",
                "mallory read secrets in namespace billing (get db): no read of secrets there by this identity was seen before",
            ])
        #expect(notes.count == 2)
        #expect(notes.allSatisfy { $0.contains("learning period (24h of event time from the first event) had not ended") })
    }

    @Test func aLogShorterThanTheLearningPeriodRaisesNothing() throws {
        let rule = try Self.rule("{learningPeriod: 2h}")
        let events = try (0..<20).map { try Self.read("user-\($0)", hours: Double($0) / 10) }
        let (alerts, notes) = Self.run(rule, events)
        #expect(alerts.isEmpty && notes.count == 20)
    }

    /// The clock starts at the first event of any kind, not at the first secret read.
    @Test func theClockStartsAtTheFirstEvent() throws {
        let rule = try Self.rule("{learningPeriod: 1h}")
        let first = try AlertRuleTests.event(
            """
            apiVersion: audit.k8s.io/v1
            kind: Event
            level: Metadata
            stage: ResponseComplete
            stageTimestamp: "\(Self.timestamp(0))"
            verb: list
            user: {username: system:kube-scheduler}
            objectRef: {resource: pods, apiVersion: v1}
            responseStatus: {code: 200}
            """)
        #expect(Self.run(rule, [first, try Self.read("mallory", hours: 1.5)]).alerts.count == 1)
    }

    @Test func theMemoryIsBoundedAndSaysOnceThatItIsFull() throws {
        let rule = try Self.rule("{learningPeriod: \"0\", maxReaders: 2}")
        let (alerts, notes) = Self.run(
            rule, try ["a", "b", "c", "c", "d", "a"].map { try Self.read($0) })
        // a and b are remembered; c and d are judged but not remembered, so c alerts again.
        #expect(alerts.count == 5)
        #expect(notes == ["the memory of secret readers is full (maxReaders 2): new readers are no longer learned, so each of their reads alerts"])
        #expect(rule.readers.count == 2)
    }

    @Test func theMemoryHoldsUnderConcurrentUse() {
        let memory = SecretReaderBaseline(learningPeriod: nil, capacity: 500)
        let filled = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for i in 0..<1000 {
                let sighting = memory.sight(.init(identity: "u\(thread)-\(i)", namespace: "ns"), at: nil)
                if sighting.filledUp { filled.withLock { $0 += 1 } }
            }
        }
        #expect(memory.count == 500)
        #expect(filled.withLock { $0 } == 1)
    }

    @Test(arguments: ["0", "1.5h", "90s", "7d"])
    func learningPeriodsAreDurations(_ text: String) throws {
        _ = try Self.rule("{learningPeriod: \"\(text)\"}")
    }

    @Test(arguments: ["{learningPeriod: 24}", "{learningPeriod: 1w}", "{learningPeriod: \"-1h\"}", "{maxReaders: 0}"])
    func badParametersAreRefused(_ parameters: String) {
        #expect(throws: ParameterError.self) { try Self.rule(parameters) }
    }

    /// Ways an attacker would read secrets past the rule, each still caught after learning `alice` in `shop`.
    @Test func evasionsAreCaught() throws {
        func fires(_ event: AuditEvent) throws -> Bool {
            let rule = try Self.rule("{learningPeriod: 1h}")
            let learned = [try Self.read("alice", hours: 0)]
            return !Self.run(rule, learned + [event]).alerts.isEmpty
        }
        // User names are case-sensitive to RBAC: another case is another identity.
        #expect(try fires(Self.read("Alice", hours: 2)))
        // The effective identity of an impersonated read is the impersonated one.
        #expect(try fires(Self.read("alice", hours: 2, impersonating: "system:serviceaccount:kube-system:deployment-controller")))
        // Impersonating a skipped identity is not skipped: both must be allowed.
        #expect(try fires(Self.read("mallory", hours: 2, impersonating: "system:kube-controller-manager")))
        // A skipped identity spelled in another case is not skipped.
        #expect(try fires(Self.read("System:kube-controller-manager", hours: 2)))
        // list with no name, watch, a subresource, and a list across all namespaces.
        #expect(try fires(Self.read("mallory", name: nil, verb: "list", hours: 2)))
        #expect(try fires(Self.read("mallory", name: nil, verb: "watch", hours: 2, stage: "ResponseStarted")))
        #expect(try fires(Self.read("mallory", hours: 2, extra: ", subresource: data")))
        #expect(try fires(Self.read("alice", namespace: nil, name: nil, verb: "list", hours: 2)))
        // v1beta1 events are read alike.
        #expect(try fires(Self.read("mallory", hours: 2, apiVersion: "audit.k8s.io/v1beta1")))
        // Not reads of secrets, or not successful: nothing to judge.
        #expect(try !fires(Self.read("alice", hours: 2)))
        #expect(try !fires(Self.read("mallory", verb: "delete", hours: 2)))
        #expect(try !fires(Self.read("mallory", hours: 2, code: 403)))
        #expect(try !fires(Self.read("mallory", hours: 2, stage: "RequestReceived")))
        #expect(try !fires(Self.read("mallory", hours: 2, extra: ", apiGroup: example.com")))
        #expect(try !fires(Self.read("system:node:aks-nodepool1-0", hours: 2)))
        // Anonymous reads are alert-anonymous-allowed's.
        #expect(try !fires(Self.read("system:anonymous", groups: ["system:unauthenticated"], hours: 2)))
    }

    @Test func aReadAcrossAllNamespacesCoversEachNamespaceButNotTheReverse() throws {
        let rule = try Self.rule("{learningPeriod: 1h}")
        let (alerts, _) = Self.run(
            rule,
            [
                try Self.read("lister", namespace: nil, name: nil, verb: "list", hours: 0),
                try Self.read("alice", hours: 0),
                try Self.read("lister", namespace: "billing", hours: 2),
                try Self.read("alice", namespace: nil, name: nil, verb: "watch", hours: 2),
            ])
        #expect(alerts == ["alice read secrets across all namespaces (watch): no read of secrets there by this identity was seen before"])
    }

    /// A watch is logged when its stream starts and again when it ends: one alert.
    @Test func aWatchAlertsOnceForBothStages() throws {
        let rule = try Self.rule("{learningPeriod: \"0\"}")
        let stages = try ["ResponseStarted", "ResponseComplete"].map {
            try Self.read("mallory", name: nil, verb: "watch", stage: $0)
        }
        #expect(Self.run(rule, stages).alerts.count == 1)
    }

    // MARK: - An exported baseline

    static let export = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: read-secrets, namespace: shop}
        rules:
        - {apiGroups: [""], resources: [secrets], verbs: [get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: web-reads, namespace: shop}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: read-secrets}
        subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: ops-admin, namespace: shop}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
        subjects: [{kind: Group, name: ops}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: backup}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
        subjects: [{kind: User, name: backup-bot}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: one-secret, namespace: shop}
        rules:
        - {apiGroups: [""], resources: [secrets], resourceNames: [db], verbs: [get]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: carol-db, namespace: shop}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: one-secret}
        subjects: [{kind: User, name: carol}]
        """

    static func baseline() -> ClusterBaseline {
        var index = ClusterIndex()
        for object in Manifests.loadYAML(export).objects { index.add(object) }
        return ClusterBaseline(index)
    }

    @Test(arguments: [
        // What the export's RBAC allows: no alert, and no learning period.
        ("system:serviceaccount:shop:web", [String](), "shop", "db", "get", false),
        ("dave", ["ops", "system:authenticated"], "shop", "db", "list", false),
        ("backup-bot", [], "", "", "list", false),
        ("carol", [], "shop", "db", "get", false),
        // What it does not.
        ("system:serviceaccount:shop:web", [], "kube-system", "db", "get", true),
        ("system:serviceaccount:shop:Web", [], "shop", "db", "get", true),
        ("dave", ["ops"], "billing", "db", "get", true),
        ("dave", ["Ops"], "shop", "db", "get", true),
        ("dave", ["ops"], "", "", "list", true),
        ("carol", [], "shop", "tls", "get", true),
        ("carol", [], "shop", "", "list", true),
        ("mallory", ["system:authenticated"], "shop", "db", "get", true),
    ])
    func anExportedBaselineAllowsWhatItsRBACGrants(
        user: String, groups: [String], namespace: String, name: String, verb: String, alerts: Bool
    ) throws {
        let rule = try Self.rule(baseline: Self.baseline())
        let event = try Self.read(
            user, groups: groups, namespace: namespace.isEmpty ? nil : namespace, name: name.isEmpty ? nil : name, verb: verb)
        let (fired, notes) = Self.run(rule, [event, event])
        #expect(fired.count == (alerts ? 1 : 0), "\(user) \(verb) \(namespace)/\(name): \(fired)")
        #expect(notes.isEmpty)
        if alerts { #expect(fired.first?.contains("by the baseline's RBAC: granted since?") == true) }
    }

    /// The impersonated identity is the one the baseline must allow.
    @Test func anExportedBaselineJudgesTheImpersonatedIdentity() throws {
        let rule = try Self.rule(baseline: Self.baseline())
        let (fired, _) = Self.run(
            rule,
            [
                try Self.read("backup-bot", hours: 0, impersonating: "mallory"),
                try Self.read("mallory", hours: 0, impersonating: "system:serviceaccount:shop:web"),
            ])
        #expect(fired == ["backup-bot (as mallory) read secrets in namespace shop (get db): not allowed to read secrets in shop by the baseline's RBAC: granted since?"])
    }
}
