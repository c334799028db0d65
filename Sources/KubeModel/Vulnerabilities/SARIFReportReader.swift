/// Reads the SARIF 2.1.0 that Trivy (`--format sarif`; aquasecurity/trivy `pkg/report/sarif.go`, commit dc3c56e)
/// and Grype (`-o sarif`; anchore/grype `grype/presenter/sarif/presenter.go`, commit 4562c55) write: one
/// report per run, one vulnerability per result.
///
/// - Trivy: the rule id is the vulnerability id; each result's message holds `Package:`, `Installed Version:`,
///   `Severity:` and `Fixed Version:` lines (a rule is shared by every package the CVE hits, so the result
///   is read, not the rule); the image is in `run.properties` (`imageName`, `repoTags`, `repoDigests`,
///   `imageID`).
/// - Grype: the rule id is `<vulnerability>-<package>` (`CVE-2021-1234-libfoo`), which no CVE matcher can
///   use as it is: the vulnerability, package, version and fix come from the rule's help text
///   (`Vulnerability`, `Package`, `Version`, `Fix Version`, `Type` lines). The image is the user input before
///   `@` in the results' logical locations.
///
/// SARIF from any other tool is refused: its results need not be vulnerabilities at all.
public enum SARIFReportReader {
    public static func read(_ root: Value, source: SourceRef) throws(ScanReportError) -> [ScanReport] {
        guard let runs = root["runs"], runs.isSequence else {
            throw ScanReportError("SARIF: runs is not a list", at: root["runs"]?.position ?? root.position)
        }
        var reports: [ScanReport] = []
        for run in runs.items {
            let driver = run["tool"]?["driver"]
            let name = driver?["name"]?.string ?? ""
            let version = ScanFields.text(driver?["version"])
            switch name {
            case "Trivy": reports.append(try trivy(run, version: version, source: source))
            case "grype": reports.append(try grype(run, version: version, source: source))
            default:
                throw ScanReportError(
                    "SARIF from \"\(name)\" is not read: only Trivy's and Grype's SARIF describe vulnerabilities Gatehouse can match",
                    at: driver?["name"]?.position ?? run.position)
            }
        }
        return reports
    }

    static func trivy(_ run: Value, version: String?, source: SourceRef) throws(ScanReportError) -> ScanReport {
        let properties = run["properties"]
        var image = ImageIdentity()
        image.repoTags = ScanFields.strings(properties?["repoTags"])
        image.repoDigests = ScanFields.strings(properties?["repoDigests"])
        image.imageID = ScanFields.text(properties?["imageID"])
        let artifact = ScanFields.text(properties?["imageName"]) ?? ""
        image.reference = TrivyReportReader.looksLikeImageReference(artifact) ? artifact : image.repoTags.first
        var report = ScanReport(
            format: .trivySARIF, scanner: version.map { "Trivy \($0)" } ?? "Trivy", artifact: artifact, image: image,
            source: source, position: run.position)
        report.artifactType = image.imageID != nil || !image.repoTags.isEmpty ? "container_image" : "filesystem"
        let rules = run["tool"]?["driver"]?["rules"]
        for result in run["results"]?.items ?? ValueItems.empty {
            let id = try ScanFields.required("ruleId", in: result, what: "a SARIF result")
            let fields = lines(result["message"]?["text"]?.string ?? "")
            guard let package = fields["Package"] else {
                // Misconfigurations, secrets and licenses share the format; only vulnerabilities name a package.
                continue
            }
            let severity = fields["Severity"] ?? ""
            guard let grade = VulnerabilitySeverity(scannerText: severity) else {
                throw ScanReportError("a Trivy SARIF result has severity \"\(severity)\"", at: result.position)
            }
            var v = Vulnerability(
                id: id, severity: grade, package: package, installedVersion: fields["Installed Version"] ?? "",
                fixedVersion: fields["Fixed Version"].flatMap { $0.isEmpty ? nil : $0 })
            let rule = result["ruleIndex"]?.int.flatMap { rules?[$0] }
            v.title = ScanFields.text(rule?["shortDescription"]?["text"])
            v.link = ScanFields.text(rule?["helpUri"])
            v.packageClass = rule?["name"]?.string == "OsPackageVulnerability" ? .os
                : rule?["name"]?.string == "LanguageSpecificPackageVulnerability" ? .language : .unknown
            v.target = result["locations"]?[0]?["physicalLocation"]?["artifactLocation"]?["uri"]?.string
            v.line = result.position.line
            report.vulnerabilities.append(v)
        }
        return report
    }

    static func grype(_ run: Value, version: String?, source: SourceRef) throws(ScanReportError) -> ScanReport {
        var rules: [String: Value] = [:]
        for rule in run["tool"]?["driver"]?["rules"]?.items ?? ValueItems.empty {
            if let id = rule["id"]?.string { rules[id] = rule }
        }
        var input: String?
        var report = ScanReport(
            format: .grypeSARIF, scanner: ["grype", version].compactMap { $0 }.joined(separator: " "), artifact: "",
            image: ImageIdentity(), source: source, position: run.position)
        for result in run["results"]?.items ?? ValueItems.empty {
            let ruleID = try ScanFields.required("ruleId", in: result, what: "a SARIF result")
            guard let rule = rules[ruleID] else {
                throw ScanReportError("Grype SARIF result names rule \(ruleID), which the run does not define", at: result.position)
            }
            let fields = lines(rule["help"]?["text"]?.string ?? "")
            guard let id = fields["Vulnerability"], let package = fields["Package"] else {
                throw ScanReportError(
                    "Grype SARIF rule \(ruleID) has no Vulnerability and Package lines in its help text", at: rule.position)
            }
            let severity = fields["Severity"] ?? ""
            guard let grade = VulnerabilitySeverity(scannerText: severity) else {
                throw ScanReportError("Grype SARIF rule \(ruleID) has severity \"\(severity)\"", at: rule.position)
            }
            var v = Vulnerability(
                id: id, severity: grade, package: package, installedVersion: fields["Version"] ?? "",
                fixedVersion: fields["Fix Version"].flatMap { $0.isEmpty ? nil : $0 })
            v.packageClass = fields["Type"].map { GrypeReportReader.osPackageTypes.contains($0) ? .os : .language } ?? .unknown
            v.target = fields["Location"]
            v.title = ScanFields.text(rule["fullDescription"]?["text"])
            v.line = result.position.line
            report.vulnerabilities.append(v)
            if input == nil, let name = result["locations"]?[0]?["logicalLocations"]?[0]?["fullyQualifiedName"]?.string,
                let at = name.firstIndex(of: "@")
            {
                input = String(name[..<at])
            }
        }
        if let input {
            report.artifact = input
            if TrivyReportReader.looksLikeImageReference(input) { report.image.reference = input }
        }
        return report
    }

    /// `Key: value` lines of a message or help text.
    static func lines(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("Vulnerability "), !line.contains(":") {
                fields["Vulnerability"] = String(line.dropFirst("Vulnerability ".count))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            if fields[key] == nil { fields[key] = String(value) }
        }
        return fields
    }
}
