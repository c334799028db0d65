import KubeModel

/// docker-icc: containers on the default bridge must not talk to each other freely (CIS Docker 2.2).
public struct DockerIcc: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-icc",
        title: "Inter-container traffic on the default bridge",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host. Passes when inter-container communication on the default bridge is off: the daemon \
            setting `icc` is false (daemon.json `"icc": false` or `dockerd --icc=false`), or, when the daemon's \
            settings were not read, the `bridge` network's option com.docker.network.bridge.enable_icc is \
            "false" (GET /networks; the daemon sets it from the same setting). Fails when icc is true or unset \
            (Docker's default is true). The text "false" in daemon.json fails: dockerd refuses to start with a \
            string there, so the running daemon does not use it. Passes when neither source is known (nothing \
            to judge).
            """,
        rationale: """
            With icc on, every container on the default bridge reaches every port of every other one: one \
            compromised container can probe and attack the rest of the host's containers.
            """,
        remediation: """
            Set "icc": false in /etc/docker/daemon.json (or run dockerd with --icc=false) and restart Docker; \
            link the containers that must talk on a user-defined network instead.
            """,
        references: [.other("docker-bench-security check_2_2; Trivy has no equivalent")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {icc: {Value: false, Source: "/etc/docker/daemon.json line 2"}}
                """, docker: .dockerHost),
            Example(
                """
                Name: host-1
                HostFiles: false
                Networks:
                - {Name: bridge, Options: {com.docker.network.bridge.enable_icc: "false"}}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {icc: {Value: true, Source: "dockerd flag --icc=true"}}
                """, docker: .dockerHost, paths: ["Settings.icc"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {icc: {Value: "false", Source: "/etc/docker/daemon.json line 2"}}
                """, docker: .dockerHost, paths: ["Settings.icc"]),
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {}
                Networks:
                - {Name: bridge, Options: {com.docker.network.bridge.enable_icc: "true"}}
                """, docker: .dockerHost, paths: ["Networks[0].Options"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.interContainerTraffic])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object) else { return }
        if let icc = host.setting("icc") {
            guard icc.bool != false else { return }
            let why =
                icc.isBooleanText
                ? "icc is the text \"\(icc.value.string ?? "")\" in \(icc.source), which dockerd refuses to start "
                    + "with: the running daemon does not use it, and Docker's default is on"
                : "icc set to \(icc.value.string ?? "true") by \(icc.source)"
            return context.report(
                "host \(host.name) allows traffic between containers on the default bridge (\(why))",
                control: CISDocker.interContainerTraffic, path: icc.path, at: icc.value)
        }
        // Not set where we can see: the bridge network tells what the daemon runs with.
        guard let networks = object.root["Networks"], networks.isSequence else { return }
        for (i, network) in networks.items.enumerated() where network["Name"]?.string == "bridge" {
            guard let options = network["Options"] else { continue }
            if options["com.docker.network.bridge.enable_icc"]?.string == "false" { return }
            return context.report(
                "host \(host.name) allows traffic between containers on the default bridge (the bridge network's "
                    + "com.docker.network.bridge.enable_icc is not \"false\"; Docker's default is on)",
                control: CISDocker.interContainerTraffic, path: "Networks[\(i)].Options", at: options)
        }
    }
}
