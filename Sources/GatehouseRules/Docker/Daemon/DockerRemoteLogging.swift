import KubeModel

/// docker-remote-logging: container logs leave the host (CIS Docker 2.13).
public struct DockerRemoteLogging: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-remote-logging",
        title: "Centralised and remote logging",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host. Fails when the daemon's default logging driver keeps container logs on the host or \
            drops them: `json-file`, `local` or `none`, read from GET /info's LoggingDriver, or, when /info was \
            not read, from the daemon setting `log-driver` (daemon.json, `dockerd --log-driver`; unset means \
            json-file, so with host files read an unset driver fails). Any other driver (syslog, journald, \
            fluentd, gelf, awslogs, splunk...) passes: it hands logs to a collector. docker-bench fails \
            json-file only; `local` and `none` fail here too, as neither sends anything off the host.
            """,
        rationale: """
            Logs kept only on the host are lost with it, and whoever compromises the host can rewrite them; \
            a remote collector keeps the record an investigation needs.
            """,
        remediation: """
            Set "log-driver" in /etc/docker/daemon.json to a driver that ships logs (syslog with a remote \
            syslog-address, fluentd, gelf, journald forwarded to a collector...) and restart Docker.
            """,
        references: [.other("docker-bench-security check_2_13")],
        passing: [
            Example("{Name: host-1, Info: {LoggingDriver: journald}}", docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {log-driver: {Value: fluentd, Source: "/etc/docker/daemon.json line 2"}}
                """, docker: .dockerHost),
        ],
        failing: [
            Example("{Name: host-1, Info: {LoggingDriver: json-file}}", docker: .dockerHost, paths: ["Info.LoggingDriver"]),
            Example("{Name: host-1, Info: {LoggingDriver: local}}", docker: .dockerHost, paths: ["Info.LoggingDriver"]),
            Example(
                "{Name: host-1, Info: null, HostFiles: true, Settings: {}}", docker: .dockerHost, paths: ["Settings"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.remoteLogging])
    )

    static let localDrivers: Set<String> = ["json-file", "local", "none"]

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object) else { return }
        let driver: String
        let path: String
        let at: Value
        let from: String
        if let field = host.infoField("LoggingDriver") {
            (driver, path, at, from) = (field.value.string ?? "", field.path, field.value, "GET /info LoggingDriver")
        } else if let setting = host.setting("log-driver") {
            (driver, path, at, from) = (setting.value.string ?? "", setting.path, setting.value, setting.source)
        } else if host.hostFilesRead, host.info == nil {
            (driver, path, at, from) = ("json-file", "Settings", object.root["Settings"] ?? object.root, "Docker's default")
        } else {
            return
        }
        guard Self.localDrivers.contains(driver) else { return }
        context.report(
            "host \(host.name) keeps container logs on the host (logging driver \(driver), from \(from))",
            control: CISDocker.remoteLogging, path: path, at: at)
    }
}
