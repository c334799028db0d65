import KubeModel

/// docker-userland-proxy: published ports are forwarded by the kernel, not docker-proxy (CIS Docker 2.16).
public struct DockerUserlandProxy: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-userland-proxy",
        title: "Userland proxy disabled",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host, with host files read. Passes when the daemon setting `userland-proxy` is false \
            (daemon.json `"userland-proxy": false`, `dockerd --userland-proxy=false`). Fails when it is true, or \
            unset (Docker's default is true), or not a boolean (dockerd refuses to start with the text "false"). \
            The Engine API does not tell, so it passes when host files were not read (the report's notes say \
            so).
            """,
        rationale: """
            docker-proxy is one more root process listening on each published port, with its own bugs; with it \
            off, the kernel's NAT forwards the traffic and the attack surface shrinks.
            """,
        remediation: """
            Set "userland-proxy": false in /etc/docker/daemon.json and restart Docker (hairpin traffic between \
            containers then needs the kernel's route_localnet, which Docker sets).
            """,
        references: [.other("docker-bench-security check_2_16")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {userland-proxy: {Value: false, Source: "dockerd flag --userland-proxy=false (pid 7)"}}
                """, docker: .dockerHost),
            Example("{Name: host-1, HostFiles: false}", docker: .dockerHost),
        ],
        failing: [
            Example("{Name: host-1, HostFiles: true, Settings: {}}", docker: .dockerHost, paths: ["Settings"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {userland-proxy: {Value: "false", Source: "/etc/docker/daemon.json line 2"}}
                """, docker: .dockerHost, paths: ["Settings.userland-proxy"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.userlandProxy])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object), host.hostFilesRead else { return }
        let message = "host \(host.name) forwards published ports through the userland proxy"
        if let setting = host.setting("userland-proxy") {
            guard setting.bool != false else { return }
            let why = setting.isBooleanText ? "; dockerd refuses text there, so the default, true, applies" : ""
            context.report(
                message + " (\(setting.shown)\(why))", control: CISDocker.userlandProxy, path: setting.path,
                at: setting.value)
        } else {
            context.report(
                message + " (userland-proxy is not set; Docker's default is true)", control: CISDocker.userlandProxy,
                path: "Settings", at: object.root["Settings"] ?? object.root)
        }
    }
}
