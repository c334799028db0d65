/// Reads trivy-operator's `VulnerabilityReport` and `ClusterVulnerabilityReport` objects
/// (`aquasecurity.github.io/v1alpha1`; aquasecurity/trivy-operator `pkg/apis/aquasecurity/v1alpha1/
/// vulnerability_types.go`, commit 1006872).
///
/// `report.vulnerabilities[]` are the findings (`vulnerabilityID`, `resource` = the package,
/// `installedVersion`, `fixedVersion`, `severity`, `primaryLink`, `title`, `target`, `class`, `packagePURL`);
/// the image is `report.registry.server` + `report.artifact.repository` with `tag` and `digest` (the operator
/// takes the digest from the pod's reference or from Trivy's RepoDigests); `report.summary` is kept to check
/// that every vulnerability was read. The workload the report was made for is in its labels
/// (`trivy-operator.resource.kind/name/namespace`, `trivy-operator.container.name`).
public enum TrivyOperatorReportReader {
    public static let kinds: Set<String> = ["VulnerabilityReport", "ClusterVulnerabilityReport"]

    public static func read(_ root: Value, source: SourceRef) throws(ScanReportError) -> ScanReport {
        guard let body = root["report"], body.isMapping else {
            throw ScanReportError("a \(root["kind"]?.string ?? "VulnerabilityReport") has no report", at: root.position)
        }
        let registry = ScanFields.text(body["registry"]?["server"]) ?? "index.docker.io"
        let artifact = body["artifact"]
        let repository = try ScanFields.required("repository", in: artifact ?? body, what: "the report's artifact")
        let name = "\(registry)/\(repository)"
        var image = ImageIdentity()
        if let tag = ScanFields.text(artifact?["tag"]) { image.repoTags = ["\(name):\(tag)"] }
        if let digest = ScanFields.text(artifact?["digest"]) { image.repoDigests = ["\(name)@\(digest)"] }
        image.reference = image.repoTags.first ?? image.repoDigests.first
        if let os = body["os"], let family = ScanFields.text(os["family"]) {
            image.os = [family, ScanFields.text(os["name"])].compactMap { $0 }.joined(separator: " ")
            image.osEndOfLife = os["eosl"]?.isTrue == true
        }
        let scanner = [ScanFields.text(body["scanner"]?["name"]) ?? "Trivy", ScanFields.text(body["scanner"]?["version"])]
            .compactMap { $0 }.joined(separator: " ")
        var report = ScanReport(
            format: .trivyOperator, scanner: scanner, artifact: image.reference ?? name, image: image, source: source,
            position: root.position)
        report.artifactType = "container_image"
        report.scannedAt = ScanFields.text(body["updateTimestamp"]).flatMap(RFC3339.seconds)
        let labels = root["metadata"]?["labels"]
        if let kind = labels?["trivy-operator.resource.kind"]?.string, let workload = labels?["trivy-operator.resource.name"]?.string {
            report.owner = WorkloadOwner(
                namespace: labels?["trivy-operator.resource.namespace"]?.string ?? root["metadata"]?["namespace"]?.string,
                kind: kind, name: workload, container: labels?["trivy-operator.container.name"]?.string)
        }
        if let summary = body["summary"], summary.isMapping {
            var stated: [VulnerabilitySeverity: Int] = [:]
            let keys: [(String, VulnerabilitySeverity)] = [
                ("criticalCount", .critical), ("highCount", .high), ("mediumCount", .medium), ("lowCount", .low),
                ("unknownCount", .unknown),
            ]
            for (key, severity) in keys { if let n = summary[key]?.int, n > 0 { stated[severity] = n } }
            report.statedCounts = stated
        }
        let found = body["vulnerabilities"]
        guard let found, !found.isNull else { return report }
        guard found.isSequence else { throw ScanReportError("report.vulnerabilities is not a list", at: found.position) }
        for item in found.items {
            var v = Vulnerability(
                id: try ScanFields.required("vulnerabilityID", in: item, what: "a vulnerability"),
                severity: try ScanFields.severity(item["severity"], in: item, what: "a vulnerability"),
                package: try ScanFields.required("resource", in: item, what: "a vulnerability"),
                installedVersion: ScanFields.text(item["installedVersion"]) ?? "",
                fixedVersion: ScanFields.text(item["fixedVersion"]))
            v.packageClass = switch item["class"]?.string {
            case "os-pkgs": .os
            case "lang-pkgs": .language
            default: .unknown
            }
            v.target = ScanFields.text(item["target"])
            v.purl = ScanFields.text(item["packagePURL"])
            v.title = ScanFields.text(item["title"])
            v.link = ScanFields.text(item["primaryLink"]) ?? ScanFields.strings(item["links"]).first
            v.line = item.position.line
            report.vulnerabilities.append(v)
        }
        return report
    }
}
