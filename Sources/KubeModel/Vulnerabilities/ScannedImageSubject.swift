import Synchronization

extension KubeObject {
    /// The subject the `image-vulnerabilities` rule judges: one scanned image, named by its primary reference,
    /// with its registry where a Kubernetes object shows its namespace (so reports group images by registry),
    /// and positioned at the first report about it. Its root is an empty mapping: the rule reads the image
    /// from ``ScannedImage``, not from a document.
    public init(scannedImage image: ScannedImage) {
        let first = image.reports.first
        var builder = TreeBuilder(expectedNodes: 1, expectedBytes: 0, tracksExpansion: false)
        builder.open(.mapping, line: first?.line ?? 0, column: 1)
        builder.close()
        let tree = builder.finish()!
        self.root = tree.root
        self.source = SourceRef(file: first?.file ?? "")
        self.apiVersion = Self.scannedImageAPIVersion
        self.kind = SubjectKind.scannedImage.kind
        self.group = Self.group(of: Self.scannedImageAPIVersion)
        self.subject = .scannedImage
        self.name = image.identity.displayName
        self.namespace = image.registry.isEmpty ? nil : image.registry
    }

    /// The apiVersion reports show for scanned images: Gatehouse's own name.
    public static let scannedImageAPIVersion = "vulnerabilities.gatehouse.dev/v1"
}

/// The vulnerability index a long-running server judges with, replaced whole when the reports change (the
/// webhook's `vulnerabilities.reports` files). Readers take the current index once per request.
public final class VulnerabilityStore: Sendable {
    private let current: Mutex<VulnerabilityIndex>

    public init(_ index: VulnerabilityIndex) {
        current = Mutex(index)
    }

    public var index: VulnerabilityIndex { current.withLock { $0 } }

    public func replace(with index: VulnerabilityIndex) {
        current.withLock { $0 = index }
    }
}
