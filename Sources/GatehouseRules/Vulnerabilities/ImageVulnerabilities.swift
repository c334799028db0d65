import KubeModel

/// image-vulnerabilities: a scanned image carries known vulnerabilities at or above a severity.
public struct ImageVulnerabilities: Rule {
    public static let description = RuleDescription(
        id: "image-vulnerabilities",
        title: "Vulnerabilities in container images should be remediated",
        category: .vulnerabilities,
        severity: .high,
        action: .warn,
        scope: .kinds([SubjectKind.scannedImage.kind]),
        profiles: [.aks],
        spec: """
            Judges every image the loaded scanner reports describe (`--vulns`, trivy-operator \
            VulnerabilityReports among the inputs), one finding per image: the vulnerabilities still open after \
            VEX statements (`not_affected`, `fixed`), at or above `minimumSeverity`, only those with a fixed \
            version when `fixableOnly`, and not those an `ignore` entry names before its expiry date. The \
            message counts them by severity and names the worst three (severity, then fixable first) with \
            package, installed and fixed version. The finding's severity is the worst counted vulnerability's \
            (UNKNOWN counts as low); a severity set in the policy wins. Reports about the same image (same \
            manifest digest or image ID) count as one image. With `maxReportAge` above 0, an image whose newest \
            scan is older gets a second finding at `scannedAt`: its vulnerabilities are as old as the scan. \
            Repository and file-system scans (Trivy ArtifactType repository, filesystem) are not images and \
            are not judged.
            """,
        rationale: """
            An image with a known, fixable vulnerability is the cheapest way into a cluster: exploits for \
            published CVEs are public, and every workload that runs the image carries them.
            """,
        remediation: """
            Upgrade the named packages to their fixed versions; when they are operating-system packages, rebuild \
            the image on a newer base image. Push the rebuilt image, rescan it, and move workloads to it.
            """,
        references: [
            .defender("Vulnerabilities in Azure Container Registry images should be remediated (recommendation, 2020)"),
            .defender("Container registry images should have vulnerability findings resolved"),
            .other("Trivy JSON report (pkg/types/report.go), Grype JSON, trivy-operator VulnerabilityReport"),
        ],
        parameters: VulnerabilityCriteria.parameterSpecs(severityDefault: "HIGH") + [
            ParameterSpec(
                "maxReportAge", .string, default: "0",
                "Report images whose newest scan is older than this (7d, 168h); 0 never does."),
        ],
        passing: [
            Example(ImageVulnerabilities.report(severity: "LOW", fixed: "1.1.1d-r0"), docker: .scannedImage),
            Example(
                ImageVulnerabilities.report(severity: "CRITICAL", fixed: ""), docker: .scannedImage,
                parameters: "fixableOnly: true"),
            Example(
                ImageVulnerabilities.report(severity: "CRITICAL", fixed: "1.1.1d-r0"), docker: .scannedImage,
                parameters: "ignore: [{id: cve-2019-1549, expires: \"2999-12-31\", reason: not reachable}]"),
        ],
        failing: [
            Example(
                ImageVulnerabilities.report(severity: "CRITICAL", fixed: "1.1.1d-r0"), docker: .scannedImage,
                paths: ["vulnerabilities"], severities: [.critical]),
            Example(
                ImageVulnerabilities.report(severity: "MEDIUM", fixed: ""), docker: .scannedImage,
                parameters: "minimumSeverity: MEDIUM", paths: ["vulnerabilities"], severities: [.medium]),
            Example(
                ImageVulnerabilities.report(severity: "HIGH", fixed: "1.1.1d-r0"), docker: .scannedImage,
                parameters: "{ignore: [{id: CVE-2019-1549, expires: \"2020-01-31\"}], maxReportAge: 30d}",
                paths: ["vulnerabilities", "scannedAt"], severities: [.high, .high]),
        ]
    )

    let criteria: VulnerabilityCriteria
    let maxReportAge: Double
    let maxReportAgeText: String

    public init(parameters: RuleParameters) throws {
        criteria = try VulnerabilityCriteria(parameters: parameters, severityDefault: .high)
        maxReportAge = try parameters.duration("maxReportAge", default: 0)
        maxReportAgeText = parameters.string("maxReportAge", default: "0") ?? "0"
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let image = context.scannedImage else { return }
        let name = image.identity.displayName
        let counted = criteria.counted(image)
        if !counted.isEmpty {
            context.report(
                "image \(name) has \(VulnerabilityCriteria.summary(counted))\(Self.advice(counted, image))",
                path: "vulnerabilities", at: object.root, severity: VulnerabilityCriteria.findingSeverity(counted),
                image: name, position: counted[0].line > 0 ? SourcePosition(line: counted[0].line, column: 1) : nil)
        }
        if maxReportAge > 0, let scanned = image.scannedAt, WallClock.now - scanned > maxReportAge {
            context.report(
                "image \(name) was last scanned on \(CalendarDay.text(scanned)), longer ago than maxReportAge "
                    + "(\(maxReportAgeText)): rescan it",
                path: "scannedAt", at: object.root, image: name)
        }
    }

    /// What to do, from where the counted vulnerabilities are: the base image, the dependencies, or both.
    static func advice(_ counted: [Vulnerability], _ image: ScannedImage) -> String {
        let fixable = counted.filter(\.isFixable)
        guard !fixable.isEmpty else { return "; none has a fix yet" }
        var steps: [String] = []
        if fixable.contains(where: { $0.packageClass == .os }) {
            let os = image.identity.os.map { " (\($0)\(image.identity.osEndOfLife ? ", end of life" : ""))" } ?? ""
            steps.append("rebuild on a newer base image\(os)")
        }
        let targets = Set(fixable.filter { $0.packageClass != .os }.compactMap(\.target)).sorted()
        if !targets.isEmpty { steps.append("upgrade the dependencies in \(targets.joined(separator: ", "))") }
        return steps.isEmpty ? "" : "; \(steps.joined(separator: " and "))"
    }

    /// A one-vulnerability Trivy report of an Alpine image, for the examples.
    static func report(severity: String, fixed: String) -> String {
        """
        {"SchemaVersion": 2, "CreatedAt": "2021-08-25T12:20:30Z", "ArtifactName": "ghcr.io/acme/web:1.4",
         "ArtifactType": "container_image",
         "Metadata": {"OS": {"Family": "alpine", "Name": "3.10.2"},
                      "ImageID": "sha256:961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4",
                      "RepoTags": ["ghcr.io/acme/web:1.4"],
                      "RepoDigests": ["ghcr.io/acme/web@sha256:0f3a6d14d4e4b1b5fba38a2a6cbd0d4b1d2e2f3c4a5b6c7d8e9f0a1b2c3d4e5f"]},
         "Results": [{"Target": "ghcr.io/acme/web:1.4 (alpine 3.10.2)", "Class": "os-pkgs", "Type": "alpine",
                      "Vulnerabilities": [{"VulnerabilityID": "CVE-2019-1549", "PkgName": "libssl1.1",
                        "InstalledVersion": "1.1.1c-r0", "FixedVersion": "\(fixed)", "Severity": "\(severity)",
                        "PrimaryURL": "https://avd.aquasec.com/nvd/cve-2019-1549"}]}]}
        """
    }
}
