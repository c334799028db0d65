import KubeModel

/// docker-base-device-size: the daemon keeps the default base device size (CIS Docker 2.11).
public struct DockerBaseDeviceSize: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-base-device-size",
        title: "Default base device size",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host, with host files read. Fails when the daemon setting `storage-opts` (daemon.json, \
            `dockerd --storage-opt`, given any number of times) has a `dm.basesize` option (matched without case \
            or leading spaces). Passes otherwise, and when host files were not read.
            """,
        rationale: """
            A larger base device lets every container grow its filesystem further: one container can fill the \
            host's storage pool and deny service to the rest.
            """,
        remediation: """
            Remove dm.basesize from "storage-opts" in /etc/docker/daemon.json (and --storage-opt dm.basesize from \
            dockerd's command line) unless a workload needs it; then restart Docker.
            """,
        references: [.other("docker-bench-security check_2_11")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {storage-opts: {Value: [overlay2.size=10G], Source: "/etc/docker/daemon.json line 3"}}
                """, docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {storage-opts: {Value: [" DM.BaseSize=50G"], Source: "dockerd flag --storage-opt  DM.BaseSize=50G (pid 7)"}}
                """, docker: .dockerHost, paths: ["Settings.storage-opts"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.baseDeviceSize])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object), let options = host.setting("storage-opts") else { return }
        let changed = options.strings.filter { $0.drop(while: \.isWhitespace).lowercased().hasPrefix("dm.basesize") }
        guard !changed.isEmpty else { return }
        context.report(
            "host \(host.name) changes the base device size (\(changed.joined(separator: ", ")), set by "
                + "\(options.source))",
            control: CISDocker.baseDeviceSize, path: options.path, at: options.value)
    }
}
