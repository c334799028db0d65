import GatehouseRules
import KubeModel

extension FuzzTarget {
    /// Scanner output (Trivy or Grype JSON, their SARIF, trivy-operator reports, OpenVEX, CycloneDX VEX) through
    /// the format readers, the index (merge, VEX) and the image lookup and rule the admission gate runs. A
    /// report that cannot be read must be an error with a position inside the input, never a crash.
    public static let scanReports = FuzzTarget(
        name: "scan-reports",
        summary: "scanner report readers and VEX, the image index, the gate's lookup and rule",
        maxLength: 16384,
        seeds: SeedFiles(extensions: ["json", "sarif", "yaml"], marker: "Vulnerab")
    ) { bytes in
        var inputs = ScanInputs()
        switch JSONLoader.parse(bytes) {
        case .success(let tree): ScanReportFiles.read(tree.root, source: SourceRef(file: "fuzz.json"), into: &inputs)
        case .failure: return
        }
        let lines = bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        for error in inputs.errors where error.position.line > lines {
            FuzzCheck.fail("an error points past the input's \(lines) lines: \(error)")
        }
        let index = inputs.index()
        for image in index.images {
            for reference in image.identity.normalizedTags + image.identity.repoDigests { _ = index.match(reference) }
            _ = ScanReportFuzz.rule.evaluate(KubeObject(scannedImage: image), vulnerabilities: index, scannedImage: image)
        }
    }
}

private enum ScanReportFuzz {
    static let rule = try! ImageVulnerabilities(parameters: RuleParameters(ParsedYAML.firstDocument("minimumSeverity: UNKNOWN")))
}
