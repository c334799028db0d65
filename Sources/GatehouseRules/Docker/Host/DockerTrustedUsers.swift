import KubeModel

/// docker-trusted-users: only trusted users are in the docker group (CIS Docker 1.1.2).
public struct DockerTrustedUsers: DockerOnlyRule {
    public static let description = RuleDescription(
        id: "docker-trusted-users",
        title: "Only trusted users control Docker",
        category: .docker,
        severity: .high,
        action: .audit,
        scope: .kinds([]),
        profiles: [],
        spec: """
            Docker host, with host files read. The docker group's members are those /etc/group lists and the \
            users whose primary group it is (/etc/passwd). With the parameter trustedUsers, fails when a member \
            is not in it (one finding naming them). Without it, who is trusted is not known: a group with \
            members gets one info finding listing them, so someone reviews them (as docker-bench's INFO); set \
            trustedUsers to turn that review into a check. Passes when the group has no members or does not \
            exist, and when host files were not read.
            """,
        rationale: """
            The docker group can use the Docker socket, which is root on the host: every member can start a \
            privileged container that mounts the host's filesystem.
            """,
        remediation: """
            Remove untrusted users from the docker group (gpasswd -d USER docker; change the primary group of \
            a user whose it is), and list the trusted ones in the rule's trustedUsers parameter.
            """,
        references: [.other("docker-bench-security check_1_1_2")],
        parameters: [
            ParameterSpec(
                "trustedUsers", .stringList, default: "(not set)",
                "The users allowed in the docker group; when not set, members are listed for review."),
        ],
        passing: [
            Example("{Name: host-1, HostFiles: true, DockerGroup: {Members: []}}", docker: .dockerHost),
            Example(
                "{Name: host-1, HostFiles: true, DockerGroup: {Members: [deploy]}}", docker: .dockerHost,
                parameters: "trustedUsers: [deploy, ci]"),
        ],
        failing: [
            Example(
                "{Name: host-1, HostFiles: true, DockerGroup: {Members: [deploy, mallory]}}", docker: .dockerHost,
                parameters: "trustedUsers: [deploy]", paths: ["DockerGroup.Members"], severities: [.high]),
            Example(
                "{Name: host-1, HostFiles: true, DockerGroup: {Members: [deploy, alice]}}", docker: .dockerHost,
                paths: ["DockerGroup.Members"], severities: [.info]),
        ],
        docker: DockerView(.dockerHost, controls: [CISDocker.trustedUsers])
    )

    let trusted: Set<String>?

    public init(parameters: RuleParameters) {
        trusted = parameters.value("trustedUsers") == nil ? nil : Set(parameters.strings("trustedUsers", default: []))
    }

    public func checkDocker(_ object: KubeObject, _ context: inout CheckContext) {
        guard let host = DockerHostView(object), let members = host.dockerGroupMembers, !members.isEmpty else { return }
        let at = object.root.at("DockerGroup", "Members")
        guard let trusted else {
            return context.report(
                "host \(host.name): the docker group (root on the host) has members \(members.joined(separator: ", ")); "
                    + "review them, and list the trusted ones in trustedUsers",
                control: CISDocker.trustedUsers, path: "DockerGroup.Members", at: at, severity: .info)
        }
        let untrusted = members.filter { !trusted.contains($0) }
        guard !untrusted.isEmpty else { return }
        context.report(
            "host \(host.name): the docker group (root on the host) has members not in trustedUsers: "
                + untrusted.joined(separator: ", "),
            control: CISDocker.trustedUsers, path: "DockerGroup.Members", at: at)
    }
}
