import KubeModel

/// docker-data-partition: Docker's data lives on a partition of its own (CIS Docker 1.1.1).
public struct DockerDataPartition: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-data-partition",
        title: "Separate partition for Docker's data",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host, with host files read. Docker's root directory is GET /info's DockerRootDir (else the \
            `data-root` setting, else /var/lib/docker; with user namespaces, its parent, as docker-bench reads \
            it). Fails when it is not a mount point (its device is its parent's); passes when it is, and when it \
            could not be examined.
            """,
        rationale: """
            Images, containers' writable layers and volumes grow without bound: on the root partition they can \
            fill it and stop the host's own services.
            """,
        remediation: """
            Give Docker's root directory a filesystem of its own (a partition or logical volume mounted at \
            /var/lib/docker, listed in /etc/fstab), moving the existing data while Docker is stopped.
            """,
        references: [.other("docker-bench-security check_1_1_1")],
        passing: [
            Example("{Name: host-1, HostFiles: true, DataRoot: {Path: /var/lib/docker, MountPoint: true}}", docker: .dockerHost),
            Example("{Name: host-1, HostFiles: true, DataRoot: null}", docker: .dockerHost),
        ],
        failing: [
            Example(
                "{Name: host-1, HostFiles: true, DataRoot: {Path: /var/lib/docker, MountPoint: false}}",
                docker: .dockerHost, paths: ["DataRoot.MountPoint"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.separatePartition])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object), let dataRoot = host.dataRoot, !dataRoot.mountPoint else { return }
        context.report(
            "host \(host.name) keeps Docker's data in \(dataRoot.path), which is not a partition of its own",
            control: CISDocker.separatePartition, path: "DataRoot.MountPoint", at: object.root.at("DataRoot", "MountPoint"))
    }
}
