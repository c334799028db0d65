import KubeModel

/// docker-log-level: the daemon logs at level info (CIS Docker 2.3).
public struct DockerLogLevel: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-log-level",
        title: "Docker daemon log level is info",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host. Fails when the daemon setting `log-level` (daemon.json, or `dockerd --log-level`/`-l`) \
            is anything but `info` (compared without case, as dockerd parses it), and when debug mode is on: \
            the setting `debug` is true (`-D`), or, when that setting was not read, GET /info says Debug true. \
            Debug mode logs at level debug whatever `log-level` says, which docker-bench misses. Passes when \
            log-level is unset (Docker's default is info) or info.
            """,
        rationale: """
            Below info, events an investigation needs are not logged; at debug, the logs fill with request \
            details (including what clients sent) and grow fast enough to be rotated away.
            """,
        remediation: """
            Remove "log-level" and "debug" from /etc/docker/daemon.json (or set "log-level": "info") and drop \
            --log-level/-l/-D from dockerd's command line, then restart Docker.
            """,
        references: [.other("docker-bench-security check_2_3")],
        passing: [
            Example("{Name: host-1, HostFiles: true, Settings: {}, Info: {Debug: false}}", docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {log-level: {Value: INFO, Source: "dockerd flag --log-level=INFO (pid 7)"}}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {log-level: {Value: warn, Source: "/etc/docker/daemon.json line 2"}}
                """, docker: .dockerHost, paths: ["Settings.log-level"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {debug: {Value: true, Source: "dockerd flag -D (pid 7)"}}
                Info: {Debug: true}
                """, docker: .dockerHost, paths: ["Settings.debug"]),
            Example("{Name: host-1, HostFiles: false, Info: {Debug: true}}", docker: .dockerHost, paths: ["Info.Debug"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.logLevel])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object) else { return }
        var reported = false
        if let level = host.setting("log-level"), (level.value.string ?? "").lowercased() != "info" {
            context.report(
                "host \(host.name) logs at level \(level.value.string ?? "?") (set by \(level.source)), not info",
                control: CISDocker.logLevel, path: level.path, at: level.value)
            reported = true
        }
        if let debug = host.setting("debug"), debug.bool == true {
            context.report(
                "host \(host.name) runs the daemon in debug mode (set by \(debug.source)): it logs at level debug",
                control: CISDocker.logLevel, path: debug.path, at: debug.value)
            reported = true
        }
        if !reported, host.setting("debug") == nil, let debug = host.infoField("Debug"), debug.value.isTrue {
            context.report(
                "host \(host.name) runs the daemon in debug mode (GET /info Debug true): it logs at level debug",
                control: CISDocker.logLevel, path: debug.path, at: debug.value)
        }
    }
}
