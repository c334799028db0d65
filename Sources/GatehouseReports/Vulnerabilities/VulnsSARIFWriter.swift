import GatehouseRules
import KubeModel

/// `gatehouse vulns --format sarif`: SARIF 2.1.0 with one rule per vulnerability id and one result per image
/// and vulnerability, located at the vulnerability in its scanner report. Levels follow Trivy's SARIF:
/// CRITICAL and HIGH `error`, MEDIUM `warning`, LOW and UNKNOWN `note`; `security-severity` is 9.5, 8.0,
/// 5.5, 2.0 (Trivy's fallbacks, as no CVSS score is kept), so code-scanning dashboards rank them alike.
public struct VulnsSARIFWriter: Sendable {
    public init() {}

    public func write(_ tree: VulnerabilityDrillDown, to out: ReportOutput) {
        var rules: [String: Vulnerability] = [:]
        var ruleOrder: [String] = []
        for node in tree.images {
            for v in node.image.vulnerabilities where rules[v.id] == nil {
                rules[v.id] = v
                ruleOrder.append(v.id)
            }
        }
        ruleOrder.sort()
        let ruleIndex = Dictionary(uniqueKeysWithValues: ruleOrder.enumerated().map { ($1, $0) })
        var json = JSONEmitter(style: .spaced, capacity: 1 << 16)
        json.beginObject(multiline: true)
        json.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
        json.field("version", "2.1.0")
        json.key("runs")
        json.beginArray(multiline: true)
        json.beginObject(multiline: true)
        json.key("tool")
        json.beginObject()
        json.key("driver")
        json.beginObject(multiline: true)
        json.field("name", GatehouseInfo.name)
        json.field("version", GatehouseInfo.version)
        json.field("informationUri", GatehouseInfo.informationURI)
        json.key("rules")
        json.beginArray(multiline: true)
        for id in ruleOrder {
            let v = rules[id]!
            json.beginObject()
            json.field("id", id)
            json.key("shortDescription")
            json.beginObject()
            json.field("text", v.title ?? id)
            json.endObject()
            if let link = v.link { json.field("helpUri", link) }
            json.key("properties")
            json.beginObject()
            json.field("security-severity", Self.securitySeverity(v.severity))
            json.field("tags", ["vulnerability", "security", v.severity.description])
            json.endObject()
            json.endObject()
        }
        json.endArray()
        json.endObject()
        json.endObject()
        json.key("results")
        json.beginArray(multiline: true)
        for node in tree.images {
            let image = node.image
            let report = image.reports.first
            for v in image.vulnerabilities {
                json.beginObject()
                json.field("ruleId", v.id)
                json.field("ruleIndex", ruleIndex[v.id] ?? 0)
                json.field("level", Self.level(v.severity))
                json.key("message")
                json.beginObject()
                json.field("text", "\(v.id) (\(v.severity)) in \(v.package) \(v.installedVersion) of image \(image.identity.displayName): \(VulnerabilityRemediation.of(v))")
                json.endObject()
                json.key("locations")
                json.beginArray()
                json.beginObject()
                json.key("physicalLocation")
                json.beginObject()
                json.key("artifactLocation")
                json.beginObject()
                json.field("uri", report?.file ?? image.identity.displayName)
                json.endObject()
                json.key("region")
                json.beginObject()
                json.field("startLine", max(1, v.line))
                json.endObject()
                json.endObject()
                json.endObject()
                json.endArray()
                json.key("properties")
                json.beginObject()
                json.field("image", image.identity.displayName)
                json.field("package", v.package)
                json.field("installedVersion", v.installedVersion)
                json.field("fixedVersion", v.fixedVersion)
                json.field("workloads", node.workloads.map(\.label))
                json.endObject()
                json.endObject()
            }
        }
        json.endArray()
        json.endObject()
        json.endArray()
        json.endObject()
        json.newline()
        out.write(&json)
        out.flush()
    }

    static func level(_ severity: VulnerabilitySeverity) -> String {
        switch severity {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low, .unknown: "note"
        }
    }

    static func securitySeverity(_ severity: VulnerabilitySeverity) -> String {
        switch severity {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "2.0"
        case .unknown: "0.0"
        }
    }
}
