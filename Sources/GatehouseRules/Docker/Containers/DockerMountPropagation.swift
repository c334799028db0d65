import KubeModel

/// docker-mount-propagation: no mount propagates mounts back and forth with the host (CIS Docker 5.20).
public struct DockerMountPropagation: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-mount-propagation",
        title: "Shared mount propagation",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker container. Fails for each Mounts[] entry whose Propagation is `shared` or `rshared` (any case), \
            e.g. `docker run -v /data:/data:rshared` or `--mount ...,bind-propagation=shared`. private, rprivate, \
            slave, rslave and empty pass. docker-bench matches `shared` in the whole inspect line; this reads \
            each mount's field.
            """,
        rationale: """
            With shared propagation, mounts the container makes under the path appear on the host (and the \
            other way round): a compromised container can mount over host paths other processes use.
            """,
        remediation: "Mount the volume with private or slave propagation (drop :shared / :rshared, or bind-propagation=rslave).",
        references: [.other("docker-bench-security check_5_20")],
        passing: [
            Example(
                """
                Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /web
                Mounts:
                - {Type: bind, Source: /srv/data, Destination: /data, RW: true, Propagation: rprivate}
                - {Type: bind, Source: /srv/logs, Destination: /logs, RW: true, Propagation: rslave}
                """, docker: .dockerContainer),
        ],
        failing: [
            Example(
                """
                Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /mounter
                Mounts:
                - {Type: bind, Source: /srv/data, Destination: /data, RW: true, Propagation: rshared}
                - {Type: bind, Source: /srv/logs, Destination: /logs, RW: true, Propagation: rprivate}
                - {Type: bind, Source: /mnt, Destination: /mnt, RW: true, Propagation: Shared}
                """, docker: .dockerContainer, paths: ["Mounts[0].Propagation", "Mounts[2].Propagation"]),
        ],
        docker: DockerView(.dockerContainer, controls: [CISDocker.propagation])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let container = DockerContainerView(object) else { return }
        for mount in container.mounts {
            let mode = mount.propagation.lowercased()
            guard mode == "shared" || mode == "rshared" else { continue }
            context.report(
                "container \(container.label) mounts \(mount.source) at \(mount.destination) with \(mount.propagation) "
                    + "propagation", control: CISDocker.propagation, path: "\(mount.path).Propagation",
                at: mount.value["Propagation"])
        }
    }
}
