import KubeModel

/// docker-experimental: the daemon runs without experimental features (CIS Docker 2.18).
public struct DockerExperimental: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-experimental",
        title: "No experimental features",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host. Fails when GET /version's Experimental is true, or GET /info's ExperimentalBuild is \
            true, or (when neither was read) the daemon setting `experimental` is true (daemon.json, \
            `dockerd --experimental`). Passes otherwise.
            """,
        rationale: """
            Experimental features are unfinished and get no stability or security guarantee; they do not belong \
            on a production host.
            """,
        remediation: """
            Remove "experimental": true from /etc/docker/daemon.json (and --experimental from dockerd's command \
            line), then restart Docker.
            """,
        references: [.other("docker-bench-security check_2_18")],
        passing: [
            Example("{Name: host-1, Version: {Experimental: false}, Info: {ExperimentalBuild: false}}", docker: .dockerHost),
        ],
        failing: [
            Example("{Name: host-1, Version: {Experimental: true}}", docker: .dockerHost, paths: ["Version.Experimental"]),
            Example("{Name: host-1, Info: {ExperimentalBuild: true}}", docker: .dockerHost, paths: ["Info.ExperimentalBuild"]),
            Example(
                """
                Name: host-1
                Info: null
                Version: null
                HostFiles: true
                Settings: {experimental: {Value: true, Source: "dockerd flag --experimental (pid 7)"}}
                """, docker: .dockerHost, paths: ["Settings.experimental"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.experimental])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object) else { return }
        let message = "host \(host.name) runs the daemon with experimental features"
        if let version = host.version?["Experimental"], version.isTrue {
            return context.report(
                message + " (GET /version Experimental true)", control: CISDocker.experimental,
                path: "Version.Experimental", at: version)
        }
        if let build = host.infoField("ExperimentalBuild"), build.value.isTrue {
            return context.report(
                message + " (GET /info ExperimentalBuild true)", control: CISDocker.experimental, path: build.path,
                at: build.value)
        }
        guard host.info == nil, host.version == nil, let setting = host.setting("experimental"), setting.bool == true
        else { return }
        context.report(
            message + " (\(setting.shown))", control: CISDocker.experimental, path: setting.path, at: setting.value)
    }
}
