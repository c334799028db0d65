import KubeModel

/// docker-tls: a daemon listening on TCP verifies its clients' TLS certificates (CIS Docker 2.7).
public struct DockerTls: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-tls",
        title: "TLS client verification on the Docker API",
        category: .docker,
        severity: .critical,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host. The daemon listens on TCP when the setting `hosts` (daemon.json, `dockerd -H`/`--host`) \
            has an address with the tcp:// scheme or none at all (dockerd reads `0.0.0.0:2375` as TCP). With \
            such an address it fails unless the setting `tlsverify` is true: `tls` alone encrypts but lets any \
            client in, and fails too. When no TCP address is seen in the settings (or they were not read), \
            GET /info's Warnings tell what the daemon runs with: a warning that the API "is accessible on \
            http://..." (without encryption) or "without TLS client verification" fails. The warnings' prefixes \
            differ by version ("WARNING:", "[DEPRECATION NOTICE]"), so only these phrases are matched, without \
            case. Passes otherwise (unix sockets, fd:// activation).
            """,
        rationale: """
            The Docker API is root on the host. Without TLS client verification, anyone who reaches the port \
            starts a privileged container with the host's filesystem mounted.
            """,
        remediation: """
            Do not expose the API on TCP; if it must be, set "tlsverify": true with "tlscacert", "tlscert" and \
            "tlskey" in /etc/docker/daemon.json (or --tlsverify and the three files on dockerd's command line), \
            issue client certificates from that CA, and restart Docker.
            """,
        references: [
            .other("docker-bench-security check_2_7"),
            .defender("Exposed Docker daemon on TCP socket (VM_ExposedDocker)"),
        ],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings:
                  hosts: {Value: ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"], Source: "/etc/docker/daemon.json line 2"}
                  tlsverify: {Value: true, Source: "/etc/docker/daemon.json line 3"}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {hosts: {Value: ["fd://"], Source: "dockerd flag -H fd:// (pid 7)"}}
                Info: {Warnings: []}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings:
                  hosts: {Value: ["unix:///var/run/docker.sock", "0.0.0.0:2375"], Source: "dockerd flag -H 0.0.0.0:2375 (pid 7)"}
                """, docker: .dockerHost, paths: ["Settings.hosts"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings:
                  hosts: {Value: ["tcp://10.0.0.5:2376"], Source: "/etc/docker/daemon.json line 2"}
                  tls: {Value: true, Source: "/etc/docker/daemon.json line 3"}
                """, docker: .dockerHost, paths: ["Settings.hosts"]),
            Example(
                """
                Name: host-1
                HostFiles: false
                Info:
                  Warnings:
                  - "[DEPRECATION NOTICE]: API is accessible on http://0.0.0.0:2375 without encryption."
                """, docker: .dockerHost, paths: ["Info.Warnings[0]"]),
            Example(
                """
                Name: host-1
                HostFiles: false
                Info:
                  Warnings: ["WARNING: API is accessible on https://0.0.0.0:2376 without TLS client verification"]
                """, docker: .dockerHost, paths: ["Info.Warnings[0]"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.tlsAuthentication])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object) else { return }
        if let hosts = host.setting("hosts") {
            let tcp = hosts.strings.filter(Self.isTCP)
            if !tcp.isEmpty {
                if host.setting("tlsverify")?.bool == true { return }
                let tls = host.setting("tls")?.bool == true ? "tls is on but tlsverify is not" : "tlsverify is not set"
                return context.report(
                    "host \(host.name) serves the Docker API on \(tcp.joined(separator: ", ")) without TLS client "
                        + "verification (\(tls); hosts set by \(hosts.source))",
                    control: CISDocker.tlsAuthentication, path: hosts.path, at: hosts.value)
            }
        }
        guard let warnings = host.infoField("Warnings") else { return }
        for (i, warning) in warnings.value.items.enumerated() {
            let text = (warning.string ?? "").lowercased()
            guard text.contains("api is accessible on"),
                text.contains("without encryption") || text.contains("without tls client verification")
                    || text.contains("http://")
            else { continue }
            context.report(
                "host \(host.name) serves the Docker API without TLS client verification (GET /info warns: "
                    + "\(warning.string ?? ""))",
                control: CISDocker.tlsAuthentication, path: "\(warnings.path)[\(i)]", at: warning)
        }
    }

    /// Whether a `hosts` address is a TCP listener: tcp://, or no scheme (dockerd's default protocol).
    static func isTCP(_ address: String) -> Bool {
        let lower = address.lowercased()
        if lower.hasPrefix("tcp://") { return true }
        return !lower.contains("://") && !address.isEmpty
    }
}
