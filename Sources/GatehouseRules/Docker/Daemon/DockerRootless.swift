import KubeModel

/// docker-rootless: the Docker daemon runs as a non-root user (CIS Docker 2.1).
public struct DockerRootless: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-rootless",
        title: "Docker daemon runs rootless",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host. Passes when GET /info's SecurityOptions lists `name=rootless` (the daemon runs in \
            rootless mode); fails when the daemon answered /info without it. Passes when /info was not read. \
            The benchmark labels 2.1 Manual because rootless mode is wanted only "if possible" (it lacks some \
            features: AppArmor, overlay networks, host ports below 1024 without extra setup); whether the daemon \
            runs rootless is still a fact the daemon reports, so the rule judges it, at low severity: a reviewer \
            decides whether rootless is possible on this host (exempt the host where it is not).
            """,
        rationale: """
            A rootful daemon is root on the host: any escape from a container, or anyone with the Docker socket, \
            gets root. A rootless daemon confines both to an unprivileged user.
            """,
        remediation: """
            Run Docker in rootless mode (dockerd-rootless-setuptool.sh install, as the user that will run it), \
            where the workloads allow it.
            """,
        references: [.other("docker-bench-security check_2_1 (a note only); Docker docs \"Rootless mode\"")],
        passing: [
            Example(
                """
                Name: host-1
                Info: {SecurityOptions: ["name=seccomp,profile=builtin", "name=rootless", "name=cgroupns"]}
                """, docker: .dockerHost),
            Example("{Name: host-1, Info: null}", docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                Info: {SecurityOptions: ["name=seccomp,profile=builtin"]}
                """, docker: .dockerHost, paths: ["Info.SecurityOptions"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.rootless])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object), let info = host.info, !host.hasSecurityOption("rootless") else { return }
        context.report(
            "host \(host.name) runs the Docker daemon as root (Info.SecurityOptions has no name=rootless)",
            control: CISDocker.rootless, path: "Info.SecurityOptions", at: info["SecurityOptions"] ?? info)
    }
}
