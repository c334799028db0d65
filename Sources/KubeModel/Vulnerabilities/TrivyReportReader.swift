/// Reads Trivy's JSON report (`trivy image --format json`, `SchemaVersion: 2`; `pkg/types/report.go`).
///
/// Every result's `Vulnerabilities` are read, OS packages (`Class: os-pkgs`) and language packages
/// (`lang-pkgs`) alike; misconfigurations, secrets and licenses are not vulnerabilities and are left out.
/// The image is named by `Metadata.RepoTags`, `RepoDigests`, `ImageID` and `Reference` (a tarball scan has no
/// RepoDigests), falling back to `ArtifactName` when that is an image reference.
public enum TrivyReportReader {
    public static func read(_ root: Value, source: SourceRef) throws(ScanReportError) -> ScanReport {
        if let version = root["SchemaVersion"], version.int != 2 {
            throw ScanReportError(
                "Trivy report SchemaVersion \(version.string ?? "?") is not supported; write it with a Trivy that uses SchemaVersion 2 (0.20 or later)",
                at: version.position)
        }
        let artifact = try ScanFields.required("ArtifactName", in: root, what: "the Trivy report")
        let metadata = root["Metadata"]
        var image = ImageIdentity()
        image.repoTags = ScanFields.strings(metadata?["RepoTags"])
        image.repoDigests = ScanFields.strings(metadata?["RepoDigests"])
        image.imageID = ScanFields.text(metadata?["ImageID"])
        image.reference = ScanFields.text(metadata?["Reference"]) ?? (looksLikeImageReference(artifact) ? artifact : nil)
        if let os = metadata?["OS"], os.isMapping, let family = ScanFields.text(os["Family"]) {
            image.os = [family, ScanFields.text(os["Name"])].compactMap { $0 }.joined(separator: " ")
            image.osEndOfLife = os["EOSL"]?.isTrue == true
        }
        let version = ScanFields.text(root["Trivy"]?["Version"])
        var report = ScanReport(
            format: .trivyJSON, scanner: version.map { "Trivy \($0)" } ?? "Trivy", artifact: artifact, image: image,
            source: source, position: root.position)
        report.artifactType = ScanFields.text(root["ArtifactType"])
        report.scannedAt = ScanFields.text(root["CreatedAt"]).flatMap(RFC3339.seconds)
        guard let results = root["Results"] else { return report }
        guard results.isSequence || results.isNull else {
            throw ScanReportError("Results is not a list", at: results.position)
        }
        for result in results.items {
            let target = ScanFields.text(result["Target"])
            let packageClass: PackageClass = switch result["Class"]?.string {
            case "os-pkgs": .os
            case "lang-pkgs": .language
            default: .unknown
            }
            guard let found = result["Vulnerabilities"], !found.isNull else { continue }
            guard found.isSequence else { throw ScanReportError("Vulnerabilities is not a list", at: found.position) }
            for item in found.items {
                var v = Vulnerability(
                    id: try ScanFields.required("VulnerabilityID", in: item, what: "a vulnerability"),
                    severity: try ScanFields.severity(item["Severity"], in: item, what: "a vulnerability"),
                    package: try ScanFields.required("PkgName", in: item, what: "a vulnerability"),
                    installedVersion: ScanFields.text(item["InstalledVersion"]) ?? "",
                    fixedVersion: ScanFields.text(item["FixedVersion"]))
                v.aliases = ScanFields.strings(item["VendorIDs"])
                v.status = ScanFields.text(item["Status"])
                v.packageClass = packageClass
                v.target = target
                v.purl = ScanFields.text(item["PkgIdentifier"]?["PURL"])
                v.title = ScanFields.text(item["Title"])
                v.link = ScanFields.text(item["PrimaryURL"])
                v.line = item.position.line
                report.vulnerabilities.append(v)
            }
        }
        return report
    }

    /// Whether `text` reads as an image reference rather than a path (`testdata/alpine.tar.gz`, `./app`).
    static func looksLikeImageReference(_ text: String) -> Bool {
        guard !text.isEmpty, !text.hasPrefix("/"), !text.hasPrefix("."), !text.contains(" ") else { return false }
        for suffix in [".tar", ".tar.gz", ".tgz", ".json", ".lock", ".txt"] where text.lowercased().hasSuffix(suffix) { return false }
        return ImageReference(text) != nil
    }
}
