import KubeModel

/// docker-insecure-registries: the daemon trusts no registry over plain HTTP or unverified TLS (CIS Docker 2.5).
public struct DockerInsecureRegistries: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-insecure-registries",
        title: "No insecure registries",
        category: .docker,
        severity: .high,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host. Fails when the daemon setting `insecure-registries` lists any registry (daemon.json, \
            or `dockerd --insecure-registry`, given any number of times). When that setting is not set where \
            Gatehouse can see it, GET /info tells what the daemon runs with: it fails when \
            RegistryConfig.InsecureRegistryCIDRs holds a range besides Docker's defaults 127.0.0.0/8 and \
            ::1/128, or an entry of RegistryConfig.IndexConfigs has Secure false. One finding lists them all.
            """,
        rationale: """
            The daemon talks to an insecure registry over plain HTTP or without checking its certificate: anyone \
            on the path can serve the host a different image under the same name.
            """,
        remediation: """
            Remove "insecure-registries" from /etc/docker/daemon.json (and --insecure-registry from dockerd's \
            command line), give the registries TLS certificates (/etc/docker/certs.d/<registry>/ca.crt for a \
            private CA) and restart Docker.
            """,
        references: [.other("docker-bench-security check_2_5")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {insecure-registries: {Value: [], Source: "/etc/docker/daemon.json line 3"}}
                Info:
                  RegistryConfig:
                    InsecureRegistryCIDRs: [127.0.0.0/8, "::1/128"]
                    IndexConfigs: {docker.io: {Name: docker.io, Secure: true}}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {insecure-registries: {Value: [registry.lan:5000], Source: "/etc/docker/daemon.json line 3"}}
                """, docker: .dockerHost, paths: ["Settings.insecure-registries"]),
            Example(
                """
                Name: host-1
                HostFiles: false
                Info:
                  RegistryConfig:
                    InsecureRegistryCIDRs: [127.0.0.0/8, 10.0.0.0/8]
                    IndexConfigs: {registry.lan:5000: {Name: registry.lan:5000, Secure: false}}
                """, docker: .dockerHost, paths: ["Info.RegistryConfig"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.insecureRegistries])
    )

    static let defaultCIDRs: Set<String> = ["127.0.0.0/8", "::1/128"]

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object) else { return }
        if let setting = host.setting("insecure-registries") {
            guard !setting.strings.isEmpty else { return }
            return context.report(
                "host \(host.name) pulls from insecure registries: \(setting.strings.joined(separator: ", ")) "
                    + "(set by \(setting.source))",
                control: CISDocker.insecureRegistries, path: setting.path, at: setting.value)
        }
        guard let config = host.infoField("RegistryConfig") else { return }
        var insecure = config.value["InsecureRegistryCIDRs"]?.items.compactMap(\.string)
            .filter { !Self.defaultCIDRs.contains($0) } ?? []
        if let indexes = config.value["IndexConfigs"] {
            for (name, index) in indexes.pairs where index["Secure"]?.bool == false { insecure.append(name.string ?? "?") }
        }
        guard !insecure.isEmpty else { return }
        context.report(
            "host \(host.name) pulls from insecure registries: \(insecure.joined(separator: ", ")) "
                + "(GET /info RegistryConfig)",
            control: CISDocker.insecureRegistries, path: config.path, at: config.value)
    }
}
