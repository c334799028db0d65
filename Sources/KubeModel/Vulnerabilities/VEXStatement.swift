/// A VEX status: what a supplier or the team says about one vulnerability in one product.
public enum VEXStatus: String, Sendable, Hashable {
    case notAffected = "not_affected"
    case affected
    case fixed
    case underInvestigation = "under_investigation"

    /// Whether the statement takes the vulnerability off the image: only `not_affected` and `fixed` do, as
    /// Trivy and Grype treat them.
    public var suppresses: Bool { self == .notAffected || self == .fixed }
}

/// One statement of an OpenVEX or CycloneDX VEX document, reduced to what matching needs.
public struct VEXStatement: Sendable, Hashable {
    /// The vulnerability id it is about (`CVE-2019-1549`) and its aliases.
    public var vulnerability: String
    public var aliases: [String] = []
    public var status: VEXStatus
    /// Why: OpenVEX's `justification` or `impact_statement`, CycloneDX's `analysis.justification` or `detail`.
    public var justification: String?
    /// The products it is about, as written: image references (`ghcr.io/org/app:1.2`,
    /// `registry/repo@sha256:...`), OCI package URLs (`pkg:oci/app@sha256%3A...?repository_url=...`), or
    /// package URLs of the vulnerable package itself. Empty means every product (a document-wide statement).
    public var products: [String] = []
    /// OpenVEX `subcomponents`: the packages inside the product the statement is limited to (package URLs or
    /// names). Empty means every package of the product.
    public var subcomponents: [String] = []
    /// The document's `@id` or CycloneDX serial number, when it has one.
    public var documentID: String?
    /// Where the statement is.
    public var file: String
    public var line: Int

    public init(vulnerability: String, status: VEXStatus, file: String, line: Int) {
        self.vulnerability = vulnerability
        self.status = status
        self.file = file
        self.line = line
    }

    /// How reports name the statement: `file:line (not_affected: vulnerable_code_not_present)`.
    public var citation: String {
        "\(file):\(line) (\(status.rawValue)\(justification.map { ": \($0)" } ?? ""))"
    }
}
