import KubeModel

/// docker-userns: the daemon remaps container users to unprivileged host users (CIS Docker 2.9).
public struct DockerUserns: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-userns",
        title: "User namespace remapping",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host. Passes when the daemon setting `userns-remap` is a non-empty name (daemon.json, \
            `dockerd --userns-remap`), or GET /info's SecurityOptions lists `name=userns`, or the daemon runs \
            rootless (`name=rootless`: the daemon itself is in a user namespace, so container root is not host \
            root either). Fails otherwise, when /info or the host files were read; passes when neither was.
            """,
        rationale: """
            Without remapping, root in a container is root on the host: a process that escapes the container, or \
            writes through a host mount, does it as uid 0.
            """,
        remediation: """
            Set "userns-remap": "default" in /etc/docker/daemon.json (Docker creates the dockremap user and its \
            subordinate ranges) and restart Docker; containers that need the host's user namespace run with \
            --userns=host.
            """,
        references: [.other("docker-bench-security check_2_9")],
        passing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {userns-remap: {Value: default, Source: "/etc/docker/daemon.json line 2"}}
                """, docker: .dockerHost),
            Example("{Name: host-1, Info: {SecurityOptions: [name=userns]}}", docker: .dockerHost),
        ],
        failing: [
            Example(
                """
                Name: host-1
                HostFiles: true
                Settings: {userns-remap: {Value: "", Source: "/etc/docker/daemon.json line 2"}}
                Info: {SecurityOptions: ["name=seccomp,profile=builtin"]}
                """, docker: .dockerHost, paths: ["Settings.userns-remap"]),
            Example(
                "{Name: host-1, HostFiles: false, Info: {SecurityOptions: [\"name=apparmor\"]}}",
                docker: .dockerHost, paths: ["Info.SecurityOptions"]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.userNamespaces])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object) else { return }
        let remap = host.setting("userns-remap")
        if !(remap?.value.string ?? "").isEmpty || host.hasSecurityOption("userns") || host.hasSecurityOption("rootless") {
            return
        }
        if let remap {
            context.report(
                "host \(host.name) runs containers without user namespace remapping (userns-remap is empty, set by "
                    + "\(remap.source))",
                control: CISDocker.userNamespaces, path: remap.path, at: remap.value)
        } else if let info = host.info {
            context.report(
                "host \(host.name) runs containers without user namespace remapping (Info.SecurityOptions has no "
                    + "name=userns)",
                control: CISDocker.userNamespaces, path: "Info.SecurityOptions", at: info["SecurityOptions"] ?? info)
        } else if host.hostFilesRead {
            context.report(
                "host \(host.name) runs containers without user namespace remapping (userns-remap is not set)",
                control: CISDocker.userNamespaces, path: "Settings", at: object.root["Settings"] ?? object.root)
        }
    }
}
