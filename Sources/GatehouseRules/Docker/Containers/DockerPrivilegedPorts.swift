import KubeModel

/// docker-privileged-ports: no container publishes a privileged host port (CIS Docker 5.8).
public struct DockerPrivilegedPorts: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-privileged-ports",
        title: "Privileged host port published",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker container. Fails for each published port whose host port is below 1024 (the privileged \
            range, 1 to 1023; for a range such as `80-90` its lowest port). Reads what the container asked for \
            (HostConfig.PortBindings) and what it got (NetworkSettings.Ports), once per container and host port, \
            so created and running containers are judged alike. An empty or 0 HostPort (Docker picks one above \
            32767) passes. docker-bench fails ports below 1025, which wrongly includes 1024.
            """,
        rationale: """
            Ports below 1024 are where the host's own services (SSH, DNS, HTTP) listen and where clients trust to \
            find them; a container publishing one can stand in for such a service.
            """,
        remediation: "Publish the container on a host port of 1024 or above (docker run -p 8080:80), and put a proxy in front if port 80/443 is needed.",
        references: [.other("docker-bench-security check_5_8 (which uses < 1025)")],
        passing: [
            Example(
                """
                Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /web
                HostConfig:
                  PortBindings:
                    80/tcp: [{HostIp: "127.0.0.1", HostPort: "1024"}]
                    443/tcp: [{HostIp: "", HostPort: ""}]
                """, docker: .dockerContainer),
        ],
        failing: [
            Example(
                """
                Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /proxy
                HostConfig:
                  PortBindings:
                    8080/tcp: [{HostIp: "", HostPort: "80"}]
                NetworkSettings:
                  Ports:
                    8080/tcp: [{HostIp: "0.0.0.0", HostPort: "80"}, {HostIp: "::", HostPort: "80"}]
                    53/udp: [{HostIp: "10.0.0.5", HostPort: "53"}]
                """, docker: .dockerContainer,
                paths: ["HostConfig.PortBindings[\"8080/tcp\"][0].HostPort", "NetworkSettings.Ports[\"53/udp\"][0].HostPort"]),
        ],
        docker: DockerView(.dockerContainer, controls: [CISDocker.privilegedPorts])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let container = DockerContainerView(object) else { return }
        for binding in container.publishedPorts {
            guard let port = DockerContainerView.lowestHostPort(binding), port < 1024 else { continue }
            context.report(
                "container \(container.label) publishes \(binding.containerPort) on privileged host port "
                    + "\(binding.hostPort)", control: CISDocker.privilegedPorts, path: "\(binding.path).HostPort",
                at: binding.value["HostPort"] ?? binding.value)
        }
    }
}
