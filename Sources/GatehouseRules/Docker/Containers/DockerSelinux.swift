import KubeModel

/// docker-selinux: on an SELinux host, containers run confined by an SELinux label (CIS Docker 5.3).
public struct DockerSelinux: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-selinux",
        title: "SELinux confinement turned off",
        category: .docker,
        severity: .medium,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker container, judged only when its host's daemon runs with SELinux (Info.SecurityOptions lists \
            `name=selinux`, dockerd --selinux-enabled); without that, or without the host's /info, it passes (the \
            control applies "if applicable"). Fails when HostConfig.SecurityOpt turns labelling off \
            (`label=disable` or `label:disable`, any case), or when the container has no process label \
            (ProcessLabel empty: it runs unconfined, as privileged containers do). A container with the \
            daemon's default label or its own `label=...` options passes. docker-bench passes any non-empty \
            SecurityOpt, so `label=disable` or `seccomp=unconfined` alone passes there, and it fails containers \
            the daemon labels by default.
            """,
        rationale: """
            SELinux labels keep a container's processes away from the host's files and other containers' data \
            even after an escape from its namespaces; a container without a label loses that wall.
            """,
        remediation: "Run the container without --security-opt label=disable (set a level with --security-opt label=level:s0:c100,c200 if needed).",
        references: [.other("docker-bench-security check_5_3")],
        passing: [
            Example(
                """
                Id: 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /web
                ProcessLabel: "system_u:system_r:container_t:s0:c312,c836"
                HostConfig: {SecurityOpt: ["label=level:s0:c312,c836"]}
                """, docker: .dockerContainer, host: "{Name: host-1, Info: {SecurityOptions: [name=selinux]}}"),
            Example(
                """
                Id: 4f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
                Name: /no-selinux-host
                ProcessLabel: ""
                HostConfig: {SecurityOpt: ["label=disable"]}
                """, docker: .dockerContainer,
                host: "{Name: host-1, Info: {SecurityOptions: [\"name=seccomp,profile=builtin\", name=apparmor]}}"),
        ],
        failing: [
            Example(
                """
                Id: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /unlabelled
                ProcessLabel: ""
                HostConfig: {SecurityOpt: ["LABEL:disable"]}
                """, docker: .dockerContainer, host: "{Name: host-1, Info: {SecurityOptions: [name=selinux]}}",
                paths: ["HostConfig.SecurityOpt[0]"]),
            Example(
                """
                Id: 8a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
                Name: /privileged
                ProcessLabel: ""
                HostConfig: {Privileged: true, SecurityOpt: null}
                """, docker: .dockerContainer, host: "{Name: host-1, Info: {SecurityOptions: [name=selinux]}}",
                paths: ["ProcessLabel"]),
        ],
        docker: DockerView(.dockerContainer, controls: [CISDocker.seLinux])
    )

    public init(parameters: RuleParameters) {}

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let container = DockerContainerView(object), context.dockerHost?.hasSecurityOption("selinux") == true
        else { return }
        if let off = DockerSecurityOption.all(of: container).first(where: {
            $0.key == "label" && $0.value?.lowercased() == "disable"
        }) {
            return context.report(
                "container \(container.label) turns SELinux labelling off (\(off.node.string ?? ""))",
                control: CISDocker.seLinux, path: off.path, at: off.node)
        }
        let label = container.root["ProcessLabel"]
        guard label?.string?.isEmpty ?? true else { return }
        context.report(
            "container \(container.label) runs without an SELinux process label", control: CISDocker.seLinux,
            path: "ProcessLabel", at: label ?? container.root)
    }
}
