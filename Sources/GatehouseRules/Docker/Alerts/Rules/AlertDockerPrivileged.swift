import KubeModel

/// alert-docker-privileged: a privileged container was created, started, or found running on a Docker host.
public struct AlertDockerPrivileged: DockerAlertRule {
    public static let tactic = Tactic.privilegeEscalation
    public static let description = RuleDescription(
        id: "alert-docker-privileged",
        title: "Privileged container on a Docker host",
        category: .alerts,
        severity: .low,
        action: .audit,
        scope: .kinds(["DockerEvent"]),
        profiles: [.cisDocker, .cisDockerL1],
        spec: """
            Alerts when a container with `HostConfig.Privileged: true` (read from `GET /containers/{id}/json`) is \
            created (`create` event), started (`start` event), or found running when the watcher connects or \
            reconnects (`inventory`). Creation alerts too: a privileged container that cannot start (or has not \
            yet) already holds the configuration, and `docker run` creates before it starts, so one `docker run` \
            is one alert after deduplication. A container removed before it could be inspected is not judged.
            Defender raises this from the host's process analysis (a `docker run --privileged` command line); the \
            Engine API shows the same fact as the container's configuration.
            """,
        rationale: """
            A privileged container has every device and capability of the host: escaping to the host takes one \
            command. Outside a few known system agents, it is a privilege escalation.
            """,
        remediation: """
            Find who started the container and why; remove it unless it is a known system agent. Give a container \
            the capabilities it needs (`--cap-add`) instead of `--privileged`, and audit the host with \
            `gatehouse docker audit` (pod-privileged, CIS Docker 5.5).
            """,
        references: [
            .defender("Container running in privileged mode (alert K8S.NODE_PrivilegedContainerArtifacts; before: VM_PrivilegedContainerArtifacts, \"Privileged Container Detected\")"),
            tactic.reference,
        ],
        passing: [
            Example(
                """
                Event: {Type: container, Action: start, Actor: {ID: 4f2a9c1e0b7d, Attributes: {name: web, image: nginx}}, timeNano: 1700000000000000000}
                Container: {Id: 4f2a9c1e0b7d, Name: /web, Config: {Image: nginx}, HostConfig: {Privileged: false}}
                """),
            // Stopping a privileged container is not a new fact about it.
            Example(
                """
                Event: {Type: container, Action: die, Actor: {ID: 4f2a9c1e0b7d, Attributes: {name: root, image: busybox}}}
                Container: {Id: 4f2a9c1e0b7d, Name: /root, Config: {Image: busybox}, HostConfig: {Privileged: true}}
                """),
        ],
        failing: [
            Example(
                """
                Event: {Type: container, Action: create, Actor: {ID: 4f2a9c1e0b7d, Attributes: {name: root, image: busybox}}, timeNano: 1700000000000000000}
                Container: {Id: 4f2a9c1e0b7d, Name: /root, Config: {Image: busybox}, HostConfig: {Privileged: true}}
                """,
                paths: ["Container.HostConfig.Privileged"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ activity: DockerActivity, _ context: inout DockerAlertContext) {
        guard activity.configuresContainer, activity.container?.at("HostConfig", "Privileged")?.isTrue == true else {
            return
        }
        context.report(
            "privileged container \(activity.containerLabel) of image \(activity.image) \(Self.verb(activity.action))",
            evidence: [Evidence("Container.HostConfig.Privileged", "true")])
    }

    /// How a message says what happened to the container.
    static func verb(_ action: String) -> String {
        switch action {
        case "create": "created"
        case "start": "started"
        default: "is running"
        }
    }
}
