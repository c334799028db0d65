import KubeModel

/// running-image-vulnerabilities: a workload runs images with known vulnerabilities.
public struct RunningImageVulnerabilities: Rule {
    public static let description = RuleDescription(
        id: "running-image-vulnerabilities",
        title: "Running container images should have vulnerability findings resolved",
        category: .vulnerabilities,
        severity: .high,
        action: .warn,
        scope: .podSpec,
        profiles: [.aks],
        spec: """
            For each container (initContainers, containers, ephemeralContainers) of a pod or pod template, finds \
            its image in the loaded scanner reports and reports the vulnerabilities that count (as \
            image-vulnerabilities counts them: VEX applied, `minimumSeverity`, `fixableOnly`, `ignore`), one \
            finding per container at its `image` field. The image is found by digest when the reference is \
            pinned (`@sha256:`; its tag is then ignored, as the runtime ignores it) or when a Pod's \
            `status.containerStatuses[].imageID` names the digest that runs; otherwise by normalised \
            `registry/repository:tag` (`nginx` is `docker.io/library/nginx:latest`), and the message says the \
            tag may have moved since the scan. A pinned digest no report names is not matched by its tag: \
            that content was never scanned (image-not-scanned reports it). The finding's severity is the worst \
            counted vulnerability's. Silent when no scanner reports are loaded. At admission this is the \
            vulnerability gate: the policy's `vulnerabilities` section sets its action and parameters.
            """,
        rationale: """
            Defender for Cloud correlates registry scans with what runs in the cluster: the vulnerable image \
            that runs is the one an attacker can reach.
            """,
        remediation: """
            Move the workload to a rebuilt image without the named vulnerabilities (upgrade the packages to their \
            fixed versions or rebuild on a newer base image), pinned by digest.
            """,
        references: [
            .azurePolicy("Running container images should have vulnerability findings resolved (0fc39691-5a3f-4e3e-94ee-2e6447309ad9)"),
            .defender("Running container images should have vulnerability findings resolved"),
        ],
        parameters: VulnerabilityCriteria.parameterSpecs(severityDefault: "HIGH"),
        passing: [
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: ghcr.io/acme/web:1.4}
                """,
                vulnerabilities: ImageVulnerabilities.report(severity: "LOW", fixed: "1.1.1d-r0")),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: "ghcr.io/acme/web:1.4@sha256:1111111111111111111111111111111111111111111111111111111111111111"}
                """,
                vulnerabilities: ImageVulnerabilities.report(severity: "CRITICAL", fixed: "1.1.1d-r0")),
        ],
        failing: [
            Example(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    spec:
                      initContainers:
                      - {name: migrate, image: busybox:1.36}
                      containers:
                      - {name: app, image: ghcr.io/acme/web:1.4}
                """,
                vulnerabilities: ImageVulnerabilities.report(severity: "CRITICAL", fixed: "1.1.1d-r0"),
                paths: ["spec.template.spec.containers[0].image"], severities: [.critical]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: "ghcr.io/acme/web@sha256:0f3a6d14d4e4b1b5fba38a2a6cbd0d4b1d2e2f3c4a5b6c7d8e9f0a1b2c3d4e5f"}
                """,
                vulnerabilities: ImageVulnerabilities.report(severity: "HIGH", fixed: "1.1.1d-r0"),
                paths: ["spec.containers[0].image"], severities: [.high]),
            Example(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: "ghcr.io/acme/web:latest"}
                status:
                  containerStatuses:
                  - name: app
                    imageID: "ghcr.io/acme/web@sha256:0f3a6d14d4e4b1b5fba38a2a6cbd0d4b1d2e2f3c4a5b6c7d8e9f0a1b2c3d4e5f"
                """,
                vulnerabilities: ImageVulnerabilities.report(severity: "HIGH", fixed: "1.1.1d-r0"),
                paths: ["spec.containers[0].image"]),
        ]
    )

    let criteria: VulnerabilityCriteria

    public init(parameters: RuleParameters) throws {
        criteria = try VulnerabilityCriteria(parameters: parameters, severityDefault: .high)
    }

    public func check(_ object: KubeObject, _ context: inout CheckContext) {
        guard let index = context.vulnerabilities, let template = context.template else { return }
        let running = RunningDigests.of(object)
        for container in template.containers {
            let match = index.match(container.image, runningDigest: running[container.name])
            guard let image = match.image else { continue }
            let counted = criteria.counted(image)
            guard !counted.isEmpty else { continue }
            context.report(
                "container \"\(container.name)\" runs \(container.image) (\(Self.how(match))) with "
                    + VulnerabilityCriteria.summary(counted),
                path: container.path("image"), at: container.value["image"], container: container,
                severity: VulnerabilityCriteria.findingSeverity(counted))
        }
    }

    /// How the image was found, in words: by digest, or by tag with the scan's date.
    static func how(_ match: ImageMatch) -> String {
        switch match {
        case .digest: return "matched by digest"
        case .tag(let image):
            let when = image.scannedAt.map { ", scanned on \(CalendarDay.text($0))" } ?? ""
            return "matched by tag\(when); the tag may have moved since the scan"
        case .notScanned: return "not scanned"
        }
    }
}
