import KubeModel

/// docker-swarm: swarm mode is off unless needed (CIS Docker 5.1).
public struct DockerSwarm: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-swarm",
        title: "Swarm mode off unless needed",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host. Fails when GET /info's Swarm.LocalNodeState is set and not `inactive` (active, pending, \
            locked, error): the node takes part in a swarm. Exempt the hosts of a swarm you run on purpose. \
            Passes when the state is inactive, or /info was not read.
            """,
        rationale: """
            Swarm mode opens the cluster management and gossip ports (2377, 7946, 4789) and holds cluster \
            secrets on the node; a host that needs none of that should not expose them.
            """,
        remediation: "Leave the swarm on hosts that need not be in one: docker swarm leave (--force on a manager).",
        references: [.other("docker-bench-security check_5_1")],
        passing: [
            Example("{Name: host-1, Info: {Swarm: {LocalNodeState: inactive}}}", docker: .dockerHost),
        ],
        failing: [
            Example(
                "{Name: host-1, Info: {Swarm: {LocalNodeState: active, ControlAvailable: true}}}", docker: .dockerHost,
                paths: ["Info.Swarm.LocalNodeState"]),
            Example(
                "{Name: host-1, Info: {Swarm: {LocalNodeState: locked}}}", docker: .dockerHost,
                paths: ["Info.Swarm.LocalNodeState"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.swarm])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object), let state = host.info?.at("Swarm", "LocalNodeState"),
            let text = state.string, !text.isEmpty, text != "inactive"
        else { return }
        context.report(
            "host \(host.name) is in swarm mode (Swarm.LocalNodeState \(text))", control: CISDocker.swarm,
            path: "Info.Swarm.LocalNodeState", at: state)
    }
}
