/// What one document of scanner output holds: reports about scanned artifacts, or VEX statements.
public enum ScanDocument: Sendable {
    case reports([ScanReport])
    case vex([VEXStatement])
}

/// Recognises a scanner output by its shape and reads it.
///
/// - Trivy JSON: `SchemaVersion` and `Results` (``TrivyReportReader``);
/// - Grype JSON: `matches` with `source` or `descriptor` (``GrypeReportReader``);
/// - SARIF 2.1.0 written by Trivy or Grype: `runs[].tool.driver.name` (``SARIFReportReader``);
/// - trivy-operator `VulnerabilityReport` / `ClusterVulnerabilityReport` objects (``TrivyOperatorReportReader``);
/// - OpenVEX: `@context` naming openvex (``OpenVEXReader``);
/// - CycloneDX with `vulnerabilities[].analysis` (``CycloneDXVEXReader``).
public enum ScanReportReader {
    public static func read(_ root: Value, source: SourceRef) throws(ScanReportError) -> ScanDocument {
        guard root.isMapping else {
            throw ScanReportError("not a scanner report: the document is not a JSON object", at: root.position)
        }
        if root["SchemaVersion"] != nil || (root["Results"] != nil && root["ArtifactName"] != nil) {
            return .reports([try TrivyReportReader.read(root, source: source)])
        }
        if root["matches"] != nil, root["source"] != nil || root["descriptor"] != nil {
            return .reports([try GrypeReportReader.read(root, source: source)])
        }
        if root["runs"] != nil, root["version"] != nil || root["$schema"] != nil {
            return .reports(try SARIFReportReader.read(root, source: source))
        }
        if let kind = root["kind"]?.string, TrivyOperatorReportReader.kinds.contains(kind) {
            return .reports([try TrivyOperatorReportReader.read(root, source: source)])
        }
        if let context = root["@context"]?.string, context.lowercased().contains("openvex") {
            return .vex(try OpenVEXReader.read(root, file: source.file))
        }
        if root["bomFormat"]?.string == "CycloneDX" {
            return .vex(try CycloneDXVEXReader.read(root, file: source.file))
        }
        throw ScanReportError(
            "not a scanner report Gatehouse reads: expected Trivy or Grype JSON, their SARIF, a trivy-operator "
                + "VulnerabilityReport, OpenVEX or CycloneDX VEX", at: root.position)
    }
}

/// Small helpers the readers share.
enum ScanFields {
    /// The strings of a sequence, skipping anything else.
    static func strings(_ value: Value?) -> [String] {
        guard let value, value.isSequence else { return [] }
        return value.items.compactMap(\.string)
    }

    /// A non-empty string, or `nil`.
    static func text(_ value: Value?) -> String? {
        guard let s = value?.string, !s.isEmpty else { return nil }
        return s
    }

    /// A required string field, or an error naming it.
    static func required(_ key: String, in object: Value, what: String) throws(ScanReportError) -> String {
        guard let s = object[key]?.string, !s.isEmpty else {
            throw ScanReportError("\(what) has no \(key)", at: object[key]?.position ?? object.position)
        }
        return s
    }

    /// A severity as a scanner writes it, or an error naming the value.
    static func severity(_ value: Value?, in object: Value, what: String) throws(ScanReportError) -> VulnerabilitySeverity {
        let text = value?.string ?? ""
        guard let severity = VulnerabilitySeverity(scannerText: text) else {
            throw ScanReportError(
                "\(what) has severity \"\(text)\"; expected CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN",
                at: value?.position ?? object.position)
        }
        return severity
    }
}
