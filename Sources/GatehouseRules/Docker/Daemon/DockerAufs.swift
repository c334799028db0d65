import KubeModel

/// docker-aufs: the daemon does not use the aufs storage driver (CIS Docker 2.6).
public struct DockerAufs: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-aufs",
        title: "No aufs storage driver",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host. Fails when GET /info's Driver is `aufs`, or, when /info was not read, when the daemon \
            setting `storage-driver` (daemon.json, `dockerd --storage-driver`/`-s`) is `aufs`.
            """,
        rationale: """
            aufs is out of the mainline kernel and no longer supported by Docker; it has known kernel crashes \
            and gets no security fixes.
            """,
        remediation: """
            Move to overlay2: set "storage-driver": "overlay2" in /etc/docker/daemon.json (images and containers \
            of the old driver are not carried over: save or rebuild them first) and restart Docker.
            """,
        references: [.other("docker-bench-security check_2_6")],
        passing: [
            Example("{Name: host-1, Info: {Driver: overlay2}}", docker: .dockerHost),
        ],
        failing: [
            Example("{Name: host-1, Info: {Driver: aufs}}", docker: .dockerHost, paths: ["Info.Driver"]),
            Example(
                """
                Name: host-1
                Info: null
                HostFiles: true
                Settings: {storage-driver: {Value: aufs, Source: "dockerd flag -s aufs (pid 7)"}}
                """, docker: .dockerHost, paths: ["Settings.storage-driver"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.aufs])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object) else { return }
        if let driver = host.infoField("Driver") {
            guard driver.value.string == "aufs" else { return }
            return context.report(
                "host \(host.name) stores images and containers with the aufs driver (GET /info Driver)",
                control: CISDocker.aufs, path: driver.path, at: driver.value)
        }
        guard host.info == nil, let driver = host.setting("storage-driver"), driver.value.string == "aufs" else { return }
        context.report(
            "host \(host.name) stores images and containers with the aufs driver (\(driver.shown))",
            control: CISDocker.aufs, path: driver.path, at: driver.value)
    }
}
