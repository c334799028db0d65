import GatehouseRules
import KubeModel

/// `gatehouse vulns --format json`: the drill-down as one document, keys in a fixed order (see
/// docs/report-vulns.md): `summary`, `registries[]` → `repositories[]` → `images[]` (with `workloads[]`,
/// `vulnerabilities[]`, `suppressed[]`), `notScanned[]`, `errors[]`.
public struct VulnsJSONWriter: Sendable {
    public init() {}

    public func write(_ tree: VulnerabilityDrillDown, errors: [LoadError], to out: ReportOutput) {
        var json = JSONEmitter(style: .spaced, capacity: 1 << 16)
        json.beginObject(multiline: true)
        json.key("summary")
        json.beginObject()
        json.field("registries", tree.registries.count)
        json.field("images", tree.images.count)
        json.field("vulnerableImages", tree.images.filter { !$0.image.vulnerabilities.isEmpty }.count)
        json.field("notScanned", tree.notScanned.count)
        json.key("bySeverity")
        counts(tree.images.map(\.image), &json)
        json.endObject()
        json.key("registries")
        json.beginArray(multiline: true)
        for registry in tree.registries {
            json.beginObject(multiline: true)
            json.field("name", registry.name)
            json.key("bySeverity")
            counts(registry.images.map(\.image), &json)
            json.field("remediation", VulnerabilityRemediation.of(registry.images))
            json.key("repositories")
            json.beginArray(multiline: true)
            for repository in registry.repositories {
                json.beginObject(multiline: true)
                json.field("name", repository.name)
                json.key("bySeverity")
                counts(repository.images.map(\.image), &json)
                json.field("remediation", VulnerabilityRemediation.of(repository.images))
                json.key("images")
                json.beginArray(multiline: true)
                for node in repository.images { image(node, &json) }
                json.endArray()
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.key("notScanned")
        json.beginArray(multiline: true)
        for image in tree.notScanned {
            json.beginObject()
            json.field("image", image.reference)
            json.key("workloads")
            workloads(image.workloads, &json)
            json.endObject()
        }
        json.endArray()
        json.key("errors")
        json.loadErrors(errors)
        json.endObject()
        json.newline()
        out.write(&json)
        out.flush()
    }

    private func image(_ node: VulnerabilityDrillDown.ImageNode, _ json: inout JSONEmitter) {
        let image = node.image
        let identity = image.identity
        json.beginObject(multiline: true)
        json.field("image", identity.displayName)
        json.field("tags", image.tags)
        json.field("digest", image.digest)
        json.field("imageID", identity.imageID)
        json.field("os", identity.os)
        json.field("osEndOfLife", identity.osEndOfLife)
        json.field("scannedAt", image.scannedAt.map(CalendarDay.text))
        json.key("reports")
        json.beginArray()
        for report in image.reports {
            json.beginObject()
            json.field("file", report.file)
            json.field("line", report.line)
            json.field("format", report.format.rawValue)
            json.field("scanner", report.scanner)
            json.endObject()
        }
        json.endArray()
        json.key("bySeverity")
        counts([image], &json)
        json.field("remediation", VulnerabilityRemediation.of(image))
        json.key("workloads")
        workloads(node.workloads, &json)
        json.key("vulnerabilities")
        json.beginArray(multiline: true)
        for v in image.vulnerabilities {
            json.beginObject()
            vulnerability(v, &json)
            json.endObject()
        }
        json.endArray()
        json.key("suppressed")
        json.beginArray(multiline: true)
        for s in image.suppressed {
            json.beginObject()
            vulnerability(s.vulnerability, &json)
            json.key("statement")
            json.beginObject()
            json.field("file", s.statement.file)
            json.field("line", s.statement.line)
            json.field("status", s.statement.status.rawValue)
            json.field("justification", s.statement.justification)
            json.field("document", s.statement.documentID)
            json.endObject()
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }

    private func vulnerability(_ v: Vulnerability, _ json: inout JSONEmitter) {
        json.field("id", v.id)
        json.field("severity", v.severity.description)
        json.field("package", v.package)
        json.field("installedVersion", v.installedVersion)
        json.field("fixedVersion", v.fixedVersion)
        json.field("status", v.status)
        json.field("class", v.packageClass.rawValue)
        json.field("target", v.target)
        json.field("title", v.title)
        json.field("link", v.link)
        json.field("remediation", VulnerabilityRemediation.of(v))
    }

    private func workloads(_ uses: [VulnerabilityDrillDown.WorkloadUse], _ json: inout JSONEmitter) {
        json.beginArray()
        for use in uses {
            json.beginObject()
            json.field("namespace", use.namespace)
            json.field("kind", use.kind)
            json.field("name", use.name)
            json.field("container", use.container)
            json.field("image", use.image)
            json.field("file", use.file)
            json.field("line", use.line)
            json.field("matchedBy", use.matchedBy.isEmpty ? nil : use.matchedBy)
            json.endObject()
        }
        json.endArray()
    }

    private func counts(_ images: [ScannedImage], _ json: inout JSONEmitter) {
        var total: [VulnerabilitySeverity: Int] = [:]
        for image in images { for (s, n) in image.counts { total[s, default: 0] += n } }
        json.beginObject()
        for severity in VulnerabilitySeverity.allCases.reversed() { json.field(severity.description, total[severity] ?? 0) }
        json.endObject()
    }
}
