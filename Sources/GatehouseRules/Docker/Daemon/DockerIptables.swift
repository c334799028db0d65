import KubeModel

/// docker-iptables: the daemon may manage iptables (CIS Docker 2.4).
public struct DockerIptables: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-iptables",
        title: "Docker may change iptables",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host, with host files read. Fails when the daemon setting `iptables` is false (daemon.json \
            `"iptables": false` or `dockerd --iptables=false`). Passes when it is true or unset (Docker's \
            default is true), when it is not a boolean (dockerd refuses to start with the text "false" there, \
            so the running daemon uses the default), and when host files were not read (the Engine API does \
            not tell).
            """,
        rationale: """
            With iptables off, Docker no longer writes the rules that isolate its networks and publish ports; \
            hand-written rules drift from what containers need, and mistakes tend to open more than they close.
            """,
        remediation: """
            Remove "iptables": false from /etc/docker/daemon.json (and --iptables=false from dockerd's command \
            line), then restart Docker.
            """,
        references: [.other("docker-bench-security check_2_4")],
        passing: [
            Example("{Name: host-1, HostFiles: true, Settings: {}}", docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {iptables: {Value: "false", Source: "/etc/docker/daemon.json line 4"}}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {iptables: {Value: false, Source: "dockerd flag --iptables=false (pid 7)"}}
                """, docker: .dockerHost, paths: ["Settings.iptables"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.iptables])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object), let iptables = host.setting("iptables"), iptables.bool == false
        else { return }
        context.report(
            "host \(host.name) does not let Docker manage iptables (\(iptables.shown))",
            control: CISDocker.iptables, path: iptables.path, at: iptables.value)
    }
}
