/// Reads Grype's JSON report (`grype IMAGE -o json`; anchore/grype `grype/presenter/models`, commit 4562c55).
///
/// Every `matches[]` entry is an open vulnerability; `ignoredMatches` (ignore rules, VEX) are not. A match
/// gives the vulnerability (`id`, `severity` in title case, `fix.versions` and `fix.state`, `urls`), the
/// package (`artifact`: name, version, type, purl, first location) and related ids (aliases). The image comes
/// from `source.target` (`userInput`, `imageID`, `manifestDigest`, `repoDigests`, `tags`), its OS from
/// `distro`, the scanner from `descriptor`. Grype writes `Negligible`, read as low.
public enum GrypeReportReader {
    /// Package types of distribution packages: their fixes come with a newer base image.
    static let osPackageTypes: Set<String> = ["apk", "deb", "rpm", "alpm", "portage"]

    public static func read(_ root: Value, source: SourceRef) throws(ScanReportError) -> ScanReport {
        guard let matches = root["matches"], matches.isSequence || matches.isNull else {
            throw ScanReportError("Grype report: matches is not a list", at: root["matches"]?.position ?? root.position)
        }
        let origin = root["source"]
        let target = origin?["target"]
        var image = ImageIdentity()
        var artifact = ""
        if let target, target.isMapping {
            let input = ScanFields.text(target["userInput"])
            artifact = input ?? ""
            image.reference = input.flatMap { TrivyReportReader.looksLikeImageReference($0) ? $0 : nil }
            image.imageID = ScanFields.text(target["imageID"])
            image.repoTags = ScanFields.strings(target["tags"])
            image.repoDigests = ScanFields.strings(target["repoDigests"])
            if image.repoDigests.isEmpty, let digest = ScanFields.text(target["manifestDigest"]),
                let name = (image.repoTags.first ?? image.reference).flatMap(ImageReference.init)
            {
                image.repoDigests = ["\(name.name)@\(digest)"]
            }
        } else if let path = target?.string {
            artifact = path
        }
        if let distro = root["distro"], let name = ScanFields.text(distro["name"]) {
            image.os = [name, ScanFields.text(distro["version"])].compactMap { $0 }.joined(separator: " ")
        }
        let descriptor = root["descriptor"]
        let scanner = [ScanFields.text(descriptor?["name"]) ?? "grype", ScanFields.text(descriptor?["version"])]
            .compactMap { $0 }.joined(separator: " ")
        var report = ScanReport(
            format: .grypeJSON, scanner: scanner, artifact: artifact, image: image, source: source, position: root.position)
        report.artifactType = ScanFields.text(origin?["type"])
        report.scannedAt = ScanFields.text(descriptor?["timestamp"]).flatMap(RFC3339.seconds)
        for match in matches.items {
            guard let found = match["vulnerability"], found.isMapping else {
                throw ScanReportError("a Grype match has no vulnerability", at: match.position)
            }
            let package = match["artifact"]
            guard let package, package.isMapping else {
                throw ScanReportError("a Grype match has no artifact", at: match.position)
            }
            let fix = found["fix"]
            let state = ScanFields.text(fix?["state"])
            var v = Vulnerability(
                id: try ScanFields.required("id", in: found, what: "a Grype vulnerability"),
                severity: try ScanFields.severity(found["severity"], in: found, what: "a Grype vulnerability"),
                package: try ScanFields.required("name", in: package, what: "a Grype artifact"),
                installedVersion: ScanFields.text(package["version"]) ?? "",
                fixedVersion: state == "fixed" ? ScanFields.strings(fix?["versions"]).first : nil)
            v.status = state
            v.aliases = (match["relatedVulnerabilities"]?.items).map { $0.compactMap { ScanFields.text($0["id"]) } } ?? []
            v.purl = ScanFields.text(package["purl"])
            v.packageClass = (package["type"]?.string).map { osPackageTypes.contains($0) ? .os : .language } ?? .unknown
            v.target = package["locations"]?[0]?["path"]?.string
            v.link = ScanFields.strings(found["urls"]).first ?? ScanFields.text(found["dataSource"])
            v.title = ScanFields.text(found["description"])
            v.line = match.position.line
            report.vulnerabilities.append(v)
        }
        return report
    }
}
