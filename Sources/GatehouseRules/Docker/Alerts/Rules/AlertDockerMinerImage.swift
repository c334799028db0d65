import KubeModel

/// alert-docker-miner-image: a container on a Docker host runs an image associated with digital-currency mining.
public struct AlertDockerMinerImage: DockerAlertRule {
    public static let tactic = Tactic.execution
    public static let description = RuleDescription(
        id: "alert-docker-miner-image",
        title: "Container with a miner image on a Docker host",
        category: .alerts,
        severity: .high,
        action: .audit,
        scope: .kinds(["DockerEvent"]),
        profiles: [.cisDocker, .cisDockerL1],
        spec: """
            Alerts when a container is created, started or found running (`inventory`) whose image reference \
            (`Config.Image`, else the event's `image` attribute) matches the miner deny-list of the per-object rule \
            `image-miner-denylist` with its defaults (its image-name pattern and miner names, matched on the \
            image's repository name). The evidence names the image.
            """,
        rationale: """
            Miners are the most common payload on a compromised host: they burn its compute and often arrive \
            through an exposed Docker daemon.
            """,
        remediation: """
            Remove the container and the image, find how it got there (an exposed daemon, a member of the docker \
            group, a stolen credential) and close that way in.
            """,
        references: [
            .defender("Container with a miner image detected (alert VM_MinerInContainerImage)"),
            tactic.reference,
        ],
        passing: [
            Example(
                """
                Event: {Type: container, Action: create, Actor: {ID: 77ad, Attributes: {name: web, image: "nginx:1.27"}}}
                Container: {Id: 77ad, Name: /web, Config: {Image: "nginx:1.27"}}
                """),
        ],
        failing: [
            Example(
                """
                Event: {Type: container, Action: start, Actor: {ID: 77ad, Attributes: {name: xm, image: "minerboss/xmrig:latest"}}}
                Container: {Id: 77ad, Name: /xm, Config: {Image: "minerboss/xmrig:latest"}}
                """,
                paths: ["Container.Config.Image"]),
        ]
    )

    /// The per-object rule that knows miner images, built once.
    let miners: ImageMinerDenylist

    public init(parameters: RuleParameters) throws {
        miners = try ImageMinerDenylist(parameters: .none)
    }

    public func check(_ activity: DockerActivity, _ context: inout DockerAlertContext) {
        let image = activity.image
        guard activity.configuresContainer, miners.isDenied(image) else { return }
        let path = activity.container?.at("Config", "Image") != nil ? "Container.Config.Image" : "Event.Actor.Attributes.image"
        context.report(
            "container \(activity.containerLabel) \(AlertDockerPrivileged.verb(activity.action)) with the mining image \(image)",
            evidence: [Evidence(path, image)])
    }
}

extension ImageMinerDenylist {
    /// Whether an image reference's name matches the deny-list, as ``check(_:_:)`` judges a container's image.
    func isDenied(_ reference: String) -> Bool {
        guard let pattern, let image = ImageReference(reference) else { return false }
        return defaultNames?.found(in: image.name) ?? pattern.found(in: image.name)
    }
}
