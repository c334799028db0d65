import KubeModel

/// docker-cgroup-parent: the daemon keeps Docker's default cgroup parent (CIS Docker 2.10).
public struct DockerCgroupParent: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-cgroup-parent",
        title: "Default cgroup parent",
        category: .docker,
        severity: .low,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host, with host files read. Fails when the daemon setting `cgroup-parent` (daemon.json, \
            `dockerd --cgroup-parent`) is set to a non-empty value: the benchmark asks to confirm that such a \
            parent is intended and carries the limits meant for containers (exempt the host once confirmed). \
            Passes when it is unset (Docker's default parent) or when host files were not read.
            """,
        rationale: """
            Every container's cgroup sits under this parent: a parent without limits, or shared with host \
            services, lets containers starve the host or be starved by it.
            """,
        remediation: """
            Remove "cgroup-parent" from /etc/docker/daemon.json (and --cgroup-parent from dockerd's command line) \
            unless the parent is deliberate; then exempt the host in the policy.
            """,
        references: [.other("docker-bench-security check_2_10")],
        passing: [
            Example("{Name: host-1, HostFiles: true, Settings: {}}", docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {cgroup-parent: {Value: /shared.slice, Source: "/etc/docker/daemon.json line 5"}}
                """, docker: .dockerHost, paths: ["Settings.cgroup-parent"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.defaultCgroup])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object), let parent = host.setting("cgroup-parent"),
            !(parent.value.string ?? "").isEmpty
        else { return }
        context.report(
            "host \(host.name) puts containers under a cgroup parent of its own (\(parent.shown)): confirm it is "
                + "intended and limited",
            control: CISDocker.defaultCgroup, path: parent.path, at: parent.value)
    }
}
