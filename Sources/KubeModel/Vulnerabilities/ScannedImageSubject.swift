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
        // `aquasecurity/trivy-test-images:alpine-310` in registry `ghcr.io`, as a Kubernetes object's name in its
        // namespace: reports show `ghcr.io/aquasecurity/trivy-test-images:alpine-310`.
        let display = image.identity.displayName
        let prefix = image.registry + "/"
        self.name = !image.registry.isEmpty && display.hasPrefix(prefix) ? String(display.dropFirst(prefix.count)) : display
        self.namespace = image.registry.isEmpty ? nil : image.registry
    }

    /// The apiVersion reports show for scanned images: Gatehouse's own name.
    public static let scannedImageAPIVersion = "vulnerabilities.gatehouse.dev/v1"
}

/// The vulnerability index a long-running server judges with, replaced whole when the reports change (the
/// webhook's `vulnerabilities.reports` files), or an audit's once the reports among its inputs are found.
/// Readers take the current index once per evaluation. `nil` means no reports are in use: the vulnerability
/// rules are then silent, where an empty index makes every image "not scanned".
public final class VulnerabilityStore: Sendable {
    private let current: Mutex<VulnerabilityIndex?>

    public init(_ index: VulnerabilityIndex? = nil) {
        current = Mutex(index)
    }

    public var index: VulnerabilityIndex? { current.withLock { $0 } }

    public func replace(with index: VulnerabilityIndex?) {
        current.withLock { $0 = index }
    }
}
