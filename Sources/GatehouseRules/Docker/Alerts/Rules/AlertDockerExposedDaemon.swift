import KubeModel

/// alert-docker-exposed-daemon: the Docker daemon listens on TCP without TLS client verification.
public struct AlertDockerExposedDaemon: DockerAlertRule {
    public static let tactic = Tactic.initialAccess
    public static let description = RuleDescription(
        id: "alert-docker-exposed-daemon",
        title: "Docker daemon reachable over TCP without TLS",
        category: .alerts,
        severity: .medium,
        action: .audit,
        scope: .kinds(["DockerEvent"]),
        profiles: [.cisDocker, .cisDockerL1],
        spec: """
            Judged when the watcher connects to the daemon, and again after each reconnect (`Type: daemon`, \
            `Action: connect`), from the host document. Alerts when either source says the API listens on TCP \
            without verifying clients:
            - the daemon's own warnings (`GET /info` `Warnings`) say the API is accessible on `http://`, or \
            "without TLS client verification" (the daemon writes these for the TCP hosts it was configured with);
            - when the host's files could be read (`--root`), dockerd's effective `hosts` (`-H`/`--host`, or \
            daemon.json `hosts`) include a `tcp://` address and `tlsverify` is not true (`--tls` alone encrypts \
            but lets anyone connect).
            The evidence names each warning and the setting with its source. A daemon on its unix socket alone \
            never alerts. Whether the port is reachable from outside the host is not checked (a firewall may \
            close it); a loopback address alerts too, as any local user can then act as root.
            """,
        rationale: """
            Anyone who reaches an unauthenticated Docker API runs containers as root on the host: exposed daemons \
            are scanned for continuously and taken over for mining within hours.
            """,
        remediation: """
            Remove the `tcp://` host from dockerd's flags and daemon.json, or require TLS client certificates \
            (`--tlsverify` with `--tlscacert`, `--tlscert`, `--tlskey`; CIS Docker 2.6). Reach a remote daemon \
            over SSH (`DOCKER_HOST=ssh://host`) instead.
            """,
        references: [
            .defender("Exposed Docker daemon on TCP socket (alert VM_ExposedDocker, \"Exposed Docker daemon detected\")"),
            tactic.reference,
        ],
        passing: [
            Example(
                """
                Event: {Type: daemon, Action: connect}
                Host:
                  Name: build-1
                  Info: {Warnings: []}
                  HostFiles: true
                  Settings:
                    hosts: {Value: ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"], Source: "dockerd flag -H"}
                    tlsverify: {Value: true, Source: "/etc/docker/daemon.json line 3"}
                """),
        ],
        failing: [
            Example(
                """
                Event: {Type: daemon, Action: connect}
                Host:
                  Name: build-1
                  Info:
                    Warnings: ["WARNING: API is accessible on http://0.0.0.0:2375 without encryption."]
                  HostFiles: true
                  Settings:
                    hosts: {Value: ["fd://", "tcp://0.0.0.0:2375"], Source: "dockerd flag -H"}
                """,
                paths: ["Host.Info.Warnings[0]", "Host.Settings.hosts.Value"]),
        ]
    )

    public init(parameters: RuleParameters) {}

    public func check(_ activity: DockerActivity, _ context: inout DockerAlertContext) {
        guard activity.type == "daemon", activity.action == DockerActivity.connect, let host = activity.host else { return }
        var evidence: [Evidence] = []
        let warnings: [Value] = host.at("Info", "Warnings").map { Array($0.items) } ?? []
        for (i, warning) in warnings.enumerated() {
            guard let text = warning.string,
                text.contains("API is accessible on http://") || text.contains("without TLS client verification")
            else { continue }
            evidence.append(Evidence("Host.Info.Warnings[\(i)]", text))
        }
        let setting = host.at("Settings", "hosts", "Value")
        let hosts: [String] = setting.map { $0.isSequence ? $0.items.compactMap(\.string) : [$0.string ?? ""] } ?? []
        let tcp = hosts.filter { $0.hasPrefix("tcp://") }
        let verify = host.at("Settings", "tlsverify", "Value")
        let verified = verify?.isTrue == true || ["true", "1"].contains(verify?.string ?? "")
        if !tcp.isEmpty, !verified {
            let source = host.at("Settings", "hosts", "Source")?.string ?? ""
            evidence.append(
                Evidence("Host.Settings.hosts.Value", tcp.joined(separator: ", ") + (source.isEmpty ? "" : " (\(source))")))
        }
        guard !evidence.isEmpty else { return }
        let name = host["Name"]?.string ?? ""
        context.report(
            "the Docker daemon\(name.isEmpty ? "" : " of \(name)") accepts API requests over TCP without TLS client verification",
            evidence: evidence)
    }
}
