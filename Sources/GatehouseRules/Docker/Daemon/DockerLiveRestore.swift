import KubeModel

/// docker-live-restore: containers keep running while the daemon restarts (CIS Docker 2.15).
public struct DockerLiveRestore: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-live-restore",
        title: "Live restore",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host. Passes when GET /info's LiveRestoreEnabled is true, or the node is in swarm mode \
            (Swarm.LocalNodeState active: live restore is incompatible with swarm mode, and the benchmark passes \
            it). When /info was not read: passes when the daemon setting `live-restore` is true (daemon.json, \
            `dockerd --live-restore`), fails when it is false or, with host files read, unset (Docker's \
            default is off).
            """,
        rationale: """
            Without live restore, restarting or upgrading the daemon stops every container: security updates \
            of Docker get postponed to avoid the outage.
            """,
        remediation: """
            Set "live-restore": true in /etc/docker/daemon.json and reload Docker (systemctl reload docker \
            applies it without stopping containers).
            """,
        references: [.other("docker-bench-security check_2_15")],
        passing: [
            Example("{Name: host-1, Info: {LiveRestoreEnabled: true}}", docker: .dockerHost),
            Example(
                "{Name: host-1, Info: {LiveRestoreEnabled: false, Swarm: {LocalNodeState: active}}}", docker: .dockerHost),
        ],
        failing: [
            Example(
                "{Name: host-1, Info: {LiveRestoreEnabled: false, Swarm: {LocalNodeState: inactive}}}",
                docker: .dockerHost, paths: ["Info.LiveRestoreEnabled"]),
            Example("{Name: host-1, Info: null, HostFiles: true, Settings: {}}", docker: .dockerHost, paths: ["Settings"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.liveRestore])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object) else { return }
        let message = "host \(host.name) stops every container when the daemon restarts (live restore is off"
        if let field = host.infoField("LiveRestoreEnabled") {
            guard !field.value.isTrue, host.info?.at("Swarm", "LocalNodeState")?.string != "active" else { return }
            return context.report(
                message + ": GET /info LiveRestoreEnabled false)", control: CISDocker.liveRestore, path: field.path,
                at: field.value)
        }
        if let setting = host.setting("live-restore") {
            guard setting.bool != true else { return }
            context.report(
                message + ": \(setting.shown))", control: CISDocker.liveRestore, path: setting.path, at: setting.value)
        } else if host.hostFilesRead {
            context.report(
                message + ": live-restore is not set)", control: CISDocker.liveRestore, path: "Settings",
                at: object.root["Settings"] ?? object.root)
        }
    }
}
