import KubeModel

/// docker-authorization-plugin: the daemon checks client commands with an authorization plugin (CIS Docker 2.12).
public struct DockerAuthorizationPlugin: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-authorization-plugin",
        title: "Authorization plugin for Docker commands",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host. Passes when the daemon setting `authorization-plugins` (daemon.json, \
            `dockerd --authorization-plugin`) names a plugin, or GET /info's Plugins.Authorization lists one. \
            Fails otherwise, when /info or the host files were read; passes when neither was.
            """,
        rationale: """
            Without an authorization plugin, anyone who can reach the Docker API may run any command, including \
            privileged containers that own the host; a plugin can allow each user only what they need.
            """,
        remediation: """
            Install an authorization plugin (for example Open Policy Agent's opa-docker-authz), list it in \
            "authorization-plugins" in /etc/docker/daemon.json and restart Docker.
            """,
        references: [.other("docker-bench-security check_2_12")],
        passing: [
            Example("{Name: host-1, Info: {Plugins: {Authorization: [opa-docker-authz]}}}", docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {authorization-plugins: {Value: [authz-broker], Source: "/etc/docker/daemon.json line 2"}}
                Info: {Plugins: {Authorization: null}}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                "{Name: host-1, Info: {Plugins: {Authorization: null}}}", docker: .dockerHost,
                paths: ["Info.Plugins.Authorization"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {authorization-plugins: {Value: [], Source: "/etc/docker/daemon.json line 2"}}
                """, docker: .dockerHost, paths: ["Settings.authorization-plugins"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.authorization])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object) else { return }
        let setting = host.setting("authorization-plugins")
        let listed = host.info?.at("Plugins", "Authorization")?.items.compactMap(\.string) ?? []
        guard (setting?.strings ?? []).isEmpty, listed.isEmpty else { return }
        let message = "host \(host.name) lets every client of the Docker API run any command (no authorization plugin"
        if let setting {
            context.report(
                message + "; authorization-plugins is empty, set by \(setting.source))",
                control: CISDocker.authorization, path: setting.path, at: setting.value)
        } else if let info = host.info {
            context.report(
                message + " in GET /info Plugins.Authorization)", control: CISDocker.authorization,
                path: "Info.Plugins.Authorization", at: info.at("Plugins", "Authorization") ?? info)
        } else if host.hostFilesRead {
            context.report(
                message + "; authorization-plugins is not set)", control: CISDocker.authorization, path: "Settings",
                at: object.root["Settings"] ?? object.root)
        }
    }
}
