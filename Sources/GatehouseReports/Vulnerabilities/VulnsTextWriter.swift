import GatehouseRules
import KubeModel

/// `gatehouse vulns` as text: a tree that fits a terminal, worst images first, each with the workloads that
/// run it and what to do, and its worst vulnerabilities (all of them with `all`).
public struct VulnsTextWriter: Sendable {
    /// Vulnerabilities listed per image unless `all`.
    public static let shownPerImage = 10
    let all: Bool

    public init(all: Bool = false) {
        self.all = all
    }

    public func write(_ tree: VulnerabilityDrillDown, to out: ReportOutput) {
        let images = tree.images
        let total = Self.counts(images.map(\.image))
        out.write("Vulnerabilities in container images: \(total)\n")
        out.write("\(images.count) image\(images.count == 1 ? "" : "s") "
            + "in \(tree.registries.count) registr\(tree.registries.count == 1 ? "y" : "ies"), "
            + "\(images.filter { !$0.image.vulnerabilities.isEmpty }.count) with open vulnerabilities"
            + (tree.notScanned.isEmpty ? "" : "; \(tree.notScanned.count) run but not scanned") + "\n")
        for registry in tree.registries {
            out.write("\n\(registry.name)  [\(Self.counts(registry.images.map(\.image)))]\n")
            out.write(Self.wrapped("  fix: ", VulnerabilityRemediation.of(registry.images)))
            for repository in registry.repositories {
                out.write("  \(repository.name)  [\(Self.counts(repository.images.map(\.image)))]\n")
                for node in repository.images { write(node, to: out) }
            }
        }
        if !tree.notScanned.isEmpty {
            out.write("\nNot scanned (workloads run them; no report covers them):\n")
            for image in tree.notScanned {
                out.write("  \(image.reference)\n")
                for use in image.workloads { out.write("    run by \(use.label)  \(use.file):\(use.line)\n") }
            }
        }
        for source in tree.notImages {
            out.write("\nnote: \(source.file):\(source.line) is a \(source.scanner) scan of no container image (a repository or file system); no workload runs it\n")
        }
        out.flush()
    }

    private func write(_ node: VulnerabilityDrillDown.ImageNode, to out: ReportOutput) {
        let image = node.image
        let identity = image.identity
        let name = image.tags.isEmpty ? identity.displayName : image.tags.joined(separator: ", ")
        out.write("    \(name)  [\(image.countsText)]\n")
        if let digest = image.digest { out.write("      digest \(digest)\n") } else if let id = identity.imageID { out.write("      image ID \(id)\n") }
        var facts: [String] = []
        if let os = identity.os { facts.append(os + (identity.osEndOfLife ? " (end of life)" : "")) }
        if let scanned = image.scannedAt { facts.append("scanned \(CalendarDay.text(scanned))") }
        facts.append("by " + Set(image.reports.map(\.scanner)).sorted().joined(separator: ", "))
        out.write("      \(facts.joined(separator: " · "))\n")
        for report in image.reports { out.write("      report \(report.file):\(report.line) (\(report.format.rawValue))\n") }
        for use in node.workloads {
            let how = use.matchedBy == "tag" ? "by tag; it may have moved since the scan" : "by digest"
            out.write("      run by \(use.label) (\(how))\n")
        }
        if node.workloads.isEmpty { out.write("      run by no workload among the inputs\n") }
        out.write(Self.wrapped("      fix: ", VulnerabilityRemediation.of(image)))
        let shown = all ? image.vulnerabilities[...] : image.vulnerabilities.prefix(Self.shownPerImage)
        let idWidth = shown.map(\.id.count).max() ?? 0
        for v in shown {
            let id = v.id + String(repeating: " ", count: idWidth - v.id.count)
            let severity = v.severity.description + String(repeating: " ", count: 8 - v.severity.description.count)
            let fix = v.fixedVersion.map { " → \($0)" } ?? "  (no fix\(v.status.map { ": \($0)" } ?? ""))"
            out.write("      \(severity) \(id)  \(v.package) \(v.installedVersion)\(fix)\n")
        }
        if shown.count < image.vulnerabilities.count {
            out.write("      … and \(image.vulnerabilities.count - shown.count) more (--all lists every one)\n")
        }
        for s in image.suppressed {
            out.write("      suppressed \(s.vulnerability.id) in \(s.vulnerability.package) by \(s.statement.citation)\n")
        }
    }

    /// `lead` then `text`, wrapped at 100 columns under the text's first word.
    static func wrapped(_ lead: String, _ text: String) -> String {
        let indent = String(repeating: " ", count: lead.count)
        var lines: [String] = []
        var line = lead
        for word in text.split(separator: " ") {
            if line.count > lead.count, line.count + 1 + word.count > 100 {
                lines.append(line)
                line = indent
            }
            line += (line.count > lead.count ? " " : "") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n") + "\n"
    }

    /// `1 CRITICAL, 6 MEDIUM` over several images, or `none`.
    static func counts(_ images: [ScannedImage]) -> String {
        var total: [VulnerabilitySeverity: Int] = [:]
        for image in images { for (s, n) in image.counts { total[s, default: 0] += n } }
        let parts = VulnerabilitySeverity.allCases.reversed().compactMap { s in total[s].map { "\($0) \(s)" } }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
