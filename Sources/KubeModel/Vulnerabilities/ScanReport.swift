/// Which scanner output a report was read from.
public enum ScanFormat: String, Sendable, Hashable {
    case trivyJSON = "trivy-json"
    case grypeJSON = "grype-json"
    case trivySARIF = "trivy-sarif"
    case grypeSARIF = "grype-sarif"
    /// trivy-operator's `VulnerabilityReport` / `ClusterVulnerabilityReport` (aquasecurity.github.io/v1alpha1).
    case trivyOperator = "trivy-operator"
}

/// The names a scan gives the image it scanned. Workload images are matched against these: by digest first
/// (`repoDigests`, or `imageID` when a runtime reports the config digest), then by `repository:tag`
/// (`repoTags`, `reference`).
public struct ImageIdentity: Sendable, Hashable {
    /// The reference the scan was asked for (Trivy's `Metadata.Reference` or `ArtifactName`, Grype's
    /// `userInput`, trivy-operator's registry/repository:tag), when it is an image reference.
    public var reference: String?
    /// `registry/repository:tag` names the image had when scanned.
    public var repoTags: [String] = []
    /// `registry/repository@sha256:...`: the manifest digests a runtime pulls by.
    public var repoDigests: [String] = []
    /// The image's config digest (`sha256:...`), what `docker images` shows as its ID.
    public var imageID: String?
    /// The operating system the scanner detected (`alpine 3.10.2`), when any.
    public var os: String?
    /// Whether the scanner says that OS release no longer gets security fixes.
    public var osEndOfLife = false

    public init(reference: String? = nil) {
        self.reference = reference
    }

    /// The manifest digests (`sha256:...`) of ``repoDigests``, and of ``reference`` when it is pinned.
    public var manifestDigests: [String] {
        var digests = repoDigests.compactMap { ImageReference($0)?.digest }
        if let pinned = reference.flatMap({ ImageReference($0)?.digest }), !digests.contains(pinned) { digests.append(pinned) }
        return digests
    }

    /// Every `registry/repository:tag` this image was scanned as, normalised (`nginx` becomes
    /// `docker.io/library/nginx:latest`).
    public var normalizedTags: [String] {
        var tags: [String] = []
        for text in repoTags + [reference].compactMap({ $0 }) {
            guard let image = ImageReference(text), let tag = image.effectiveTag, image.digest == nil || image.tag != nil else { continue }
            let name = "\(image.name):\(tag)"
            if !tags.contains(name) { tags.append(name) }
        }
        return tags
    }

    /// The name people know the image by: its first tag, else its first digest reference, else the reference.
    public var displayName: String {
        if let tag = normalizedTags.first { return tag }
        if let digest = repoDigests.first, let image = ImageReference(digest) { return image.normalized }
        return reference ?? imageID ?? "(unnamed image)"
    }
}

/// One scanned artifact as one report describes it: what was scanned, when, by what, and what it found.
public struct ScanReport: Sendable {
    public var format: ScanFormat
    /// The scanner and its version as the report names them (`Trivy 0.50.1`, `grype 0.74.0`).
    public var scanner: String
    /// When the scan ran (Unix seconds), when the report says.
    public var scannedAt: Double?
    /// What was scanned, as the report names it (`ArtifactName`, a file path for a tarball scan).
    public var artifact: String
    /// Trivy's `ArtifactType` (`container_image`, `filesystem`, `repository`...), Grype's source type.
    public var artifactType: String?
    public var image: ImageIdentity
    public var vulnerabilities: [Vulnerability] = []
    /// The file the report came from and where in it.
    public var source: SourceRef
    public var position: SourcePosition
    /// The counts by severity the report states itself (trivy-operator's `summary`), for a check that
    /// nothing was lost in reading. `nil` when the format states none.
    public var statedCounts: [VulnerabilitySeverity: Int]?
    /// The workload a trivy-operator report was made for, from its labels.
    public var owner: WorkloadOwner?

    public init(format: ScanFormat, scanner: String, artifact: String, image: ImageIdentity, source: SourceRef, position: SourcePosition) {
        self.format = format
        self.scanner = scanner
        self.artifact = artifact
        self.image = image
        self.source = source
        self.position = position
    }

    /// Whether the report is about a container image (rather than a source repository or a file system),
    /// so workloads can run it.
    public var isImage: Bool {
        switch artifactType {
        case nil, "container_image", "image", "docker-archive", "oci-archive", "oci-dir", "registry": true
        default: false
        }
    }

    /// The number of vulnerabilities at each severity.
    public var counts: [VulnerabilitySeverity: Int] {
        var counts: [VulnerabilitySeverity: Int] = [:]
        for v in vulnerabilities { counts[v.severity, default: 0] += 1 }
        return counts
    }
}

/// A report that could not be read, with where in its file.
public struct ScanReportError: Error, Sendable, Hashable, CustomStringConvertible {
    public var position: SourcePosition
    public var message: String

    public init(_ message: String, at position: SourcePosition) {
        self.position = position
        self.message = message
    }

    public var description: String { "\(position): \(message)" }
}

/// The workload a scan was made for (trivy-operator names it in the report's labels).
public struct WorkloadOwner: Sendable, Hashable {
    public var namespace: String?
    public var kind: String
    public var name: String
    public var container: String?

    public init(namespace: String?, kind: String, name: String, container: String?) {
        self.namespace = namespace
        self.kind = kind
        self.name = name
        self.container = container
    }
}
