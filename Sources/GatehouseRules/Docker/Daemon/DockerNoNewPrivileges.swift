import KubeModel

/// docker-no-new-privileges: the daemon stops containers from gaining privileges by default (CIS Docker 2.14).
public struct DockerNoNewPrivileges: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-no-new-privileges",
        title: "Daemon-wide no-new-privileges",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host. Passes when the daemon setting `no-new-privileges` is true (daemon.json, \
            `dockerd --no-new-privileges`), or GET /info's SecurityOptions lists `name=no-new-privileges`. \
            Fails when the setting is false, or unset with host files read, or, when the settings were not \
            read, when a daemon of version 24 or later answered /info without the option (older daemons do not \
            report it there: they pass, as nothing is known).
            """,
        rationale: """
            Without no-new-privileges, a process in a container can gain privileges through setuid and setgid \
            binaries or file capabilities: one step of most escalations inside a container.
            """,
        remediation: """
            Set "no-new-privileges": true in /etc/docker/daemon.json (or run dockerd with --no-new-privileges) \
            and restart Docker; containers that need setuid binaries must then be reviewed.
            """,
        references: [.other("docker-bench-security check_2_14")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {no-new-privileges: {Value: true, Source: "/etc/docker/daemon.json line 2"}}
                """, docker: .dockerHost),
            Example(
                "{Name: host-1, Info: {ServerVersion: 20.10.24, SecurityOptions: [\"name=seccomp,profile=default\"]}}",
                docker: .dockerHost),
        ],
        failing: [
            Example("{Name: host-1, HostFiles: true, Settings: {}}", docker: .dockerHost, paths: ["Settings"]),
            Example(
                "{Name: host-1, Info: {ServerVersion: 27.3.1, SecurityOptions: [\"name=seccomp,profile=builtin\"]}}",
                docker: .dockerHost, paths: ["Info.SecurityOptions"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.daemonNoNewPrivileges])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object), !host.hasSecurityOption("no-new-privileges") else { return }
        let message = "host \(host.name) lets containers gain new privileges by default"
        if let setting = host.setting("no-new-privileges") {
            guard setting.bool != true else { return }
            context.report(
                message + " (\(setting.shown))", control: CISDocker.daemonNoNewPrivileges, path: setting.path,
                at: setting.value)
        } else if host.hostFilesRead {
            context.report(
                message + " (no-new-privileges is not set; Docker's default is off)",
                control: CISDocker.daemonNoNewPrivileges, path: "Settings", at: object.root["Settings"] ?? object.root)
        } else if let info = host.info, let major = host.serverMajorVersion, major >= 24 {
            context.report(
                message + " (Info.SecurityOptions has no name=no-new-privileges)",
                control: CISDocker.daemonNoNewPrivileges, path: "Info.SecurityOptions", at: info["SecurityOptions"] ?? info)
        }
    }
}
