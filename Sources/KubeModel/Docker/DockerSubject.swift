/// What a ``KubeObject`` describes. Findings are about subjects; the Docker ones are built by the Docker
/// readers (the Engine API, `docker inspect` exports, host files), never from a manifest.
public enum SubjectKind: UInt8, Sendable, Hashable {
    case kubernetes
    /// One Docker host: its daemon (`/info`, `/version`, settings from daemon.json and dockerd's command line)
    /// and the host files the CIS Docker Benchmark names. See ``DockerHostView``.
    case dockerHost
    /// One container, as `GET /containers/{id}/json` (`docker inspect`) describes it. See ``DockerContainerView``.
    case dockerContainer
    /// One image, as `GET /images/{id}/json` (`docker image inspect`) describes it. See ``DockerImageView``.
    case dockerImage
    /// One container image as scanner reports describe it (``ScannedImage``), built from the vulnerability
    /// index, never from a manifest.
    case scannedImage

    /// The kind a Docker subject carries in reports (`DockerContainer web`), and by which rule scopes name it.
    public var kind: String {
        switch self {
        case .kubernetes: ""
        case .dockerHost: "DockerHost"
        case .dockerContainer: "DockerContainer"
        case .dockerImage: "DockerImage"
        case .scannedImage: "ScannedImage"
        }
    }

    /// The apiVersion reports show for Docker subjects: Gatehouse's own name, as no Docker API names one.
    public static let dockerAPIVersion = "docker.gatehouse.dev/v1"
}

extension KubeObject {
    /// A Docker subject: `root` is the inspect document (or the host document), `host` the Docker host it
    /// lives on (reports show it where a Kubernetes object shows its namespace, so findings group by host),
    /// `name` the container's or image's name (the host's name for the host).
    public init(docker subject: SubjectKind, root: Value, host: String, name: String, source: SourceRef) {
        precondition(subject != .kubernetes, "a Docker subject")
        self.root = root
        self.source = source
        self.apiVersion = SubjectKind.dockerAPIVersion
        self.kind = subject.kind
        self.group = Self.group(of: SubjectKind.dockerAPIVersion)
        self.subject = subject
        self.name = name
        self.namespace = host
    }

    /// Whether a Docker reader built this object (a host, container or image), rather than a manifest.
    public var isDocker: Bool { subject != .kubernetes && subject != .scannedImage }
}
