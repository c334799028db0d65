import KubeModel

/// docker-container-cgroup-parent: containers stay in the daemon's cgroup (CIS Docker 5.25).
public struct DockerContainerCgroupParent: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-container-cgroup-parent",
        title: "Container cgroup parent set",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker container. Fails when HostConfig.CgroupParent is not empty (`docker run --cgroup-parent`): the \
            benchmark asks that such a placement be confirmed, so the finding is the list to review (exempt the \
            containers whose parent is intended). Empty passes (the daemon's cgroup, or its own --cgroup-parent, \
            which CIS 2.10 judges). Same as docker-bench.
            """,
        rationale: """
            A container under another cgroup escapes the limits and accounting the daemon's cgroup sets, and \
            can be placed among the host's own services.
            """,
        remediation: "Run the container without --cgroup-parent, or exempt it once its cgroup is confirmed.",
        references: [.other("docker-bench-security check_5_25")],
        passing: [
            Example(
                """
                Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /web
                HostConfig: {CgroupParent: ""}
                """, docker: .dockerContainer),
        ],
        failing: [
            Example(
                """
                Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /batch
                HostConfig: {CgroupParent: /system.slice}
                """, docker: .dockerContainer, paths: ["HostConfig.CgroupParent"]),
        ],
        docker: DockerView(.dockerContainer, controls: [CISDocker.cgroupParent])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let container = DockerContainerView(object), let parent = container.hostConfig("CgroupParent"),
            let text = parent.string, !text.isEmpty
        else { return }
        context.report(
            "container \(container.label) runs under cgroup parent \"\(text)\"; confirm it is intended",
            control: CISDocker.cgroupParent, path: "HostConfig.CgroupParent", at: parent)
    }
}
