import KubeModel

/// alert-docker-sensitive-mount: a container on a Docker host mounts a sensitive host path or a runtime socket.
public struct AlertDockerSensitiveMount: DockerAlertRule {
    public static let tactic = Tactic.privilegeEscalation
    public static let description = RuleDescription(
        id: "alert-docker-sensitive-mount",
        title: "Container with a sensitive host mount on a Docker host",
        category: .alerts,
        severity: .medium,
        action: .audit,
        scope: .kinds(["DockerEvent"]),
        profiles: [.cisDocker, .cisDockerL1],
        spec: """
            Alerts when a container is created, started or found running (`inventory`) with a bind mount \
            (`Mounts[]` of type `bind`) whose `Source` is a sensitive host path, judged by the per-object rule \
            `pod-hostpath-sensitive` with its defaults: the same list and spellings as for pods (`/`, `/etc`, \
            `/proc`, `/root`, the kubelet's folders, and the Docker, containerd and CRI-O sockets, \
            `/var/run/docker.sock` included), or is one of the unix sockets this daemon serves its API on, wherever \
            it is (the socket watched, and dockerd's `unix://` hosts when its flags could be read). The evidence \
            names each mount. Named volumes and tmpfs mounts never alert; an unlisted host path (`/var/log/app`) \
            does not.
            """,
        rationale: """
            A container that mounts the Docker socket controls the daemon, which is root on the host; one that \
            mounts `/`, `/etc` or `/proc` can rewrite or read the host's secrets.
            """,
        remediation: """
            Find who started the container and why; remove it unless it is a known agent that needs the mount \
            (then mount it read-only, or through a socket proxy). Audit the host with `gatehouse docker audit` \
            (pod-hostpath-sensitive, CIS Docker 5.6 and 5.32).
            """,
        references: [
            .defender("Container with a sensitive volume mount detected (alert K8S_SensitiveMount, its cluster-level form; the host-level alert list has no id of its own)"),
            tactic.reference,
        ],
        passing: [
            Example(
                """
                Event: {Type: container, Action: start, Actor: {ID: 9b1c, Attributes: {name: web}}}
                Container:
                  Id: 9b1c
                  Name: /web
                  Config: {Image: nginx}
                  Mounts:
                    - {Type: bind, Source: /var/log/web, Destination: /logs, RW: true}
                    - {Type: volume, Name: data, Source: /var/lib/docker/volumes/data/_data, Destination: /data}
                """),
        ],
        failing: [
            Example(
                """
                Event: {Type: container, Action: start, Actor: {ID: 9b1c, Attributes: {name: ci}}}
                Container:
                  Id: 9b1c
                  Name: /ci
                  Config: {Image: docker:cli}
                  Mounts:
                    - {Type: bind, Source: /run/docker.sock, Destination: /var/run/docker.sock, RW: true}
                """,
                paths: ["Container.Mounts[0].Source"]),
            // The daemon's own socket, at a path of its choosing.
            Example(
                """
                Event: {Type: container, Action: create, Actor: {ID: 9b1c, Attributes: {name: agent}}}
                Daemon: {Sockets: [/srv/docker/api.sock]}
                Container:
                  Id: 9b1c
                  Name: /agent
                  Config: {Image: agent}
                  Mounts:
                    - {Type: bind, Source: /srv/docker/api.sock, Destination: /docker.sock, RW: true}
                """,
                paths: ["Container.Mounts[0].Source"]),
        ]
    )

    /// The per-object rule that knows the sensitive paths, built once.
    let hostPaths = PodHostpathSensitive(parameters: .none)

    public init(parameters: RuleParameters) {}

    public func check(_ activity: DockerActivity, _ context: inout DockerAlertContext) {
        guard activity.configuresContainer, let mounts = activity.container?["Mounts"] else { return }
        let sockets = activity.daemonSockets
        var evidence: [Evidence] = []
        var sources: [String] = []
        for (i, mount) in mounts.items.enumerated() where mount["Type"]?.string == "bind" {
            guard let source = mount["Source"]?.string,
                sockets.contains(source) || hostPaths.overlap(PodHostpathSensitive.components(source)) != nil
            else { continue }
            evidence.append(Evidence("Container.Mounts[\(i)].Source", source))
            sources.append(source)
        }
        guard !evidence.isEmpty else { return }
        context.report(
            "container \(activity.containerLabel) of image \(activity.image) \(AlertDockerPrivileged.verb(activity.action)) "
                + "mounting the sensitive host path\(sources.count > 1 ? "s" : "") \(sources.joined(separator: ", "))",
            evidence: evidence)
    }
}
