import GatehouseRules
import KubeModel
import Testing

/// Every Docker host alert rule's examples, and the registry's shape.
struct DockerAlertRuleTests {
    static func activity(_ yaml: String) throws -> DockerActivity {
        var trees: [Tree] = []
        var copy = yaml
        let problem = copy.withUTF8 { YAMLLoader.load(UnsafeRawBufferPointer($0)) { tree, _ in trees.append(tree) } }
        #expect(problem == nil)
        return DockerActivity(try #require(trees.first).root)
    }

    @Test(arguments: DockerAlertRegistry.ids)
    func examples(id: String) throws {
        let type = try #require(DockerAlertRegistry.rule(id: id))
        let d = type.description
        #expect(!d.passing.isEmpty && !d.failing.isEmpty)
        let rule = try type.init(parameters: .none)
        for example in d.passing {
            let alerts = rule.evaluate(try Self.activity(example.yaml))
            #expect(alerts.isEmpty, "\(id) passing example at line \(example.line): \(alerts.map(\.message))")
        }
        for example in d.failing {
            let alerts = rule.evaluate(try Self.activity(example.yaml))
            #expect(alerts.count == 1, "\(id) failing example at line \(example.line)")
            #expect(alerts.flatMap { $0.evidence.map(\.path) } == example.paths, "\(id) failing example at line \(example.line)")
        }
    }

    @Test func registryIsSortedUniqueAndReferenced() {
        let ids = DockerAlertRegistry.ids
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids).isDisjoint(with: Registry.ids) && Set(ids).isDisjoint(with: AlertRegistry.ids))
        for type in DockerAlertRegistry.rules {
            let d = type.description
            #expect(d.id.hasPrefix("alert-docker-") && d.category == .alerts)
            #expect(d.references.contains { $0.source == .defender }, "\(d.id)")
            #expect(d.references.contains(type.tactic.reference), "\(d.id)")
            #expect(RuleCatalogue.description(id: d.id) != nil, "\(d.id) is listed by `gatehouse rules`")
        }
    }

    /// An exec without a user runs as the container's user; root only when that is empty or root.
    @Test(arguments: [("", "", true), ("", "101", false), ("", "root:root", true), ("1000", "", false), ("0:0", "101", true)])
    func execUser(execUser: String, containerUser: String, alerts: Bool) throws {
        let activity = try Self.activity(
            """
            Event: {Type: container, Action: "exec_start: sh", Actor: {ID: 5e0d, Attributes: {execID: a1b2}}}
            Container: {Id: 5e0d, Name: /web, Config: {Image: nginx, User: "\(containerUser)"}}
            Exec: {ID: a1b2, ProcessConfig: {entrypoint: sh, arguments: [], privileged: false, user: "\(execUser)"}}
            """)
        #expect(AlertDockerExecPrivileged(parameters: .none).evaluate(activity).isEmpty == !alerts)
    }

    /// `exec_create` precedes every `exec_start`: judging both would count one command twice.
    @Test func execCreateIsNotJudged() throws {
        let activity = try Self.activity(
            """
            Event: {Type: container, Action: "exec_create: sh", Actor: {ID: 5e0d, Attributes: {execID: a1b2}}}
            Container: {Id: 5e0d, Name: /web, Config: {Image: nginx}}
            Exec: {ID: a1b2, ProcessConfig: {entrypoint: sh, arguments: [], privileged: true, user: root}}
            """)
        #expect(AlertDockerExecPrivileged(parameters: .none).evaluate(activity).isEmpty)
    }
}
