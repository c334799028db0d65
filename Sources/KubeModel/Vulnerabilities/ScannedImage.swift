/// One image as every report about it describes it, with the VEX statements applied: what the drill-down
/// shows and what the rules judge.
public struct ScannedImage: Sendable {
    /// Its place in ``VulnerabilityIndex/images``.
    public internal(set) var position = 0
    /// The image's names, merged from every report about it.
    public var identity: ImageIdentity
    /// `registry` and `repository` of the image's primary name (``ImageIdentity/displayName``); empty for an
    /// image known only by its ID.
    public var registry: String
    public var repository: String
    /// The newest scan's time (Unix seconds), when the reports say.
    public var scannedAt: Double?
    /// The reports it was read from.
    public var reports: [ReportSource] = []
    /// Vulnerabilities still open, worst first (severity, then id, then package).
    public var vulnerabilities: [Vulnerability] = []
    /// Vulnerabilities a VEX statement took off, with the statement.
    public var suppressed: [SuppressedVulnerability] = []

    /// How many open vulnerabilities of each severity.
    public var counts: [VulnerabilitySeverity: Int] {
        var counts: [VulnerabilitySeverity: Int] = [:]
        for v in vulnerabilities { counts[v.severity, default: 0] += 1 }
        return counts
    }

    /// The digest workloads should pin (`sha256:...`): the first manifest digest.
    public var digest: String? { identity.manifestDigests.first }

    /// The tags (`:1.2`) of its normalised names, without the repository.
    public var tags: [String] {
        identity.normalizedTags.compactMap { ImageReference($0)?.tag }
    }

    /// Counts as `2 CRITICAL, 1 HIGH` (worst first, zeros left out), or `none`.
    public var countsText: String {
        let c = counts
        let parts = VulnerabilitySeverity.allCases.reversed().compactMap { s in c[s].map { "\($0) \(s)" } }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}

/// Where a report about an image came from.
public struct ReportSource: Sendable, Hashable {
    public var file: String
    public var line: Int
    public var format: ScanFormat
    public var scanner: String
    public var scannedAt: Double?

    public init(file: String, line: Int, format: ScanFormat, scanner: String, scannedAt: Double?) {
        self.file = file
        self.line = line
        self.format = format
        self.scanner = scanner
        self.scannedAt = scannedAt
    }
}

/// A vulnerability a VEX statement took off an image.
public struct SuppressedVulnerability: Sendable {
    public var vulnerability: Vulnerability
    public var statement: VEXStatement
}
