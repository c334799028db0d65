import ArgumentParser
import GatehouseAudit
import GatehouseReports
import KubeModel

extension VulnsRequest.Format: ExpressibleByArgument {}

struct VulnsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vulns",
        abstract: "Drill into scanner reports: registry → repository → image → vulnerability, with the workloads that run each image.",
        discussion: """
            PATH arguments are read as `audit` reads them (files, directories, - for standard input): Kubernetes \
            objects give the workloads and trivy-operator VulnerabilityReports; files that hold no Kubernetes \
            object are read as scanner output (Trivy or Grype JSON, their SARIF, OpenVEX, CycloneDX VEX). \
            Images are matched to reports by digest when pinned or when a Pod's status names the digest that \
            runs, otherwise by registry/repository:tag. Exit status: 0, or 2 when an input could not be read \
            (everything readable is still shown).
            """
    )

    @Argument(help: "Workload manifests or exports, and scanner reports.")
    var paths: [String] = []

    @Option(name: .customLong("vulns"), help: ArgumentHelp("More scanner reports (a file or directory). Repeatable.", valueName: "path"))
    var vulns: [String] = []

    @Option(help: "Output format: text, json, sarif, html.")
    var format: VulnsRequest.Format = .text

    @Option(name: [.customShort("o"), .customLong("output-file")], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var outputFile: String?

    @Option(help: ArgumentHelp(
        "Only the images this reference names: with a digest that digest, with a tag that tag, with neither every tag of the repository (nginx is docker.io/library/nginx).",
        valueName: "ref"))
    var image: String?

    @Flag(help: "List every vulnerability of each image in the text view (default: the worst ten).")
    var all = false

    func validate() throws {
        if paths.isEmpty && vulns.isEmpty {
            throw ValidationError("give workload manifests and scanner reports, or --vulns PATH")
        }
        if let image, ImageSelector(image) == nil {
            throw ValidationError("--image \(image) is not an image reference")
        }
    }

    func run() throws {
        var request = VulnsRequest(paths: paths)
        request.vulnerabilityPaths = vulns
        request.format = format
        request.image = image.flatMap(ImageSelector.init)
        request.all = all
        let ok: Bool
        if let outputFile {
            let file: OpenReportFile
            do { file = try OpenReportFile(path: outputFile, what: "the \(format.rawValue) drill-down") } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
            ok = request.run(to: file.output)
        } else {
            ok = request.run(to: ReportOutput(descriptor: 1))
        }
        if !ok { throw ExitCode(2) }
    }
}
