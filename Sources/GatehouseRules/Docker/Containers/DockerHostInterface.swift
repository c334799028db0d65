import KubeModel

/// docker-host-interface: published ports listen on a chosen host address, not on every interface
/// (CIS Docker 5.14).
public struct DockerHostInterface: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-host-interface",
        title: "Port published on every host interface",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker container. Fails for each published port bound to every host interface: HostIp `0.0.0.0`, \
            `::`, `[::]` or empty. Reads HostConfig.PortBindings and NetworkSettings.Ports, once per container \
            and host port. An empty HostIp in HostConfig.PortBindings means the daemon's default address, so it \
            passes when the host's daemon setting `ip` (daemon.json, dockerd --ip) names one address. Also \
            fails HostConfig.PublishAllPorts (`docker run -P`) when no binding was read (a created container), \
            as every exposed port will be published on all interfaces. docker-bench only fails `0.0.0.0`, so \
            IPv6 wildcards and an empty HostIp pass there.
            """,
        rationale: """
            A port on every interface is reachable from every network the host is on, including the public one, \
            where the service was meant for one internal network or for the host itself.
            """,
        remediation: "Publish the port on one address: docker run -p 127.0.0.1:8080:80 (or the internal interface's address).",
        references: [.other("docker-bench-security check_5_14")],
        passing: [
            Example(
                """
                Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /web
                HostConfig:
                  PortBindings:
                    80/tcp: [{HostIp: "127.0.0.1", HostPort: "8080"}]
                NetworkSettings:
                  Ports:
                    80/tcp: [{HostIp: "127.0.0.1", HostPort: "8080"}]
                """, docker: .dockerContainer),
            Example(
                """
                Id: 4f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /internal
                HostConfig:
                  PortBindings:
                    80/tcp: [{HostIp: "", HostPort: "8080"}]
                """, docker: .dockerContainer,
                host: """
                    Name: host-1
                    HostFiles: true
                    Settings: {ip: {Value: "10.0.0.5", Source: "/etc/docker/daemon.json line 2"}}
                    """),
        ],
        failing: [
            Example(
                """
                Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /open
                HostConfig:
                  PortBindings:
                    80/tcp: [{HostIp: "", HostPort: "8080"}]
                    53/udp: [{HostIp: "[::]", HostPort: "5353"}]
                NetworkSettings:
                  Ports:
                    80/tcp: [{HostIp: "0.0.0.0", HostPort: "8080"}, {HostIp: "::", HostPort: "8080"}]
                    53/udp: [{HostIp: "::", HostPort: "5353"}]
                    9000/tcp: [{HostIp: "10.0.0.5", HostPort: "9000"}]
                """, docker: .dockerContainer,
                paths: ["HostConfig.PortBindings[\"80/tcp\"][0].HostIp", "HostConfig.PortBindings[\"53/udp\"][0].HostIp"]),
            Example(
                """
                Id: 8a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /all
                Config: {ExposedPorts: {80/tcp: {}}}
                HostConfig: {PublishAllPorts: true, PortBindings: {}}
                """, docker: .dockerContainer, paths: ["HostConfig.PublishAllPorts"]),
        ],
        docker: DockerView(.dockerContainer, controls: [CISDocker.hostInterface])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let container = DockerContainerView(object) else { return }
        let defaultAddress = context.dockerHost?.setting("ip")?.value.string ?? ""
        let bindings = container.publishedPorts
        for binding in bindings where binding.allInterfaces {
            let askedForDefault = binding.hostIP.isEmpty && binding.path.hasPrefix("HostConfig.")
            if askedForDefault, !defaultAddress.isEmpty, !Self.isWildcard(defaultAddress) { continue }
            let address = binding.hostIP.isEmpty ? "every interface (no HostIp)" : "every interface (\(binding.hostIP))"
            context.report(
                "container \(container.label) publishes \(binding.containerPort) on host port \(binding.hostPort) of "
                    + address, control: CISDocker.hostInterface, path: "\(binding.path).HostIp",
                at: binding.value["HostIp"] ?? binding.value)
        }
        if bindings.isEmpty, let all = container.hostConfig("PublishAllPorts"), all.isTrue,
            container.root.at("Config", "ExposedPorts")?.count ?? 0 > 0
        {
            context.report(
                "container \(container.label) publishes every exposed port on every host interface (PublishAllPorts)",
                control: CISDocker.hostInterface, path: "HostConfig.PublishAllPorts", at: all)
        }
    }

    static func isWildcard(_ address: String) -> Bool {
        ["0.0.0.0", "::", "[::]"].contains(address)
    }
}
