import GatehouseRules
import KubeModel

/// `gatehouse vulns --format html`: the drill-down as one self-contained page. Each level folds
/// (`<details>`): registry → repository → image → its vulnerabilities table; every level states its counts as
/// badges and its remediation; the images with critical or high vulnerabilities start unfolded.
public struct VulnsHTMLWriter: Sendable {
    public init() {}

    public func write(_ tree: VulnerabilityDrillDown, errors: [LoadError], to out: ReportOutput) {
        let e = HTMLPage.escape
        var html = HTMLPage.start(title: "Gatehouse: vulnerabilities in container images")
        let images = tree.images
        html += "<h1>Vulnerabilities in container images</h1>\n"
        html += "<p class=\"lead\">\(images.count) image\(images.count == 1 ? "" : "s") in \(tree.registries.count) "
            + "registr\(tree.registries.count == 1 ? "y" : "ies"), \(images.filter { !$0.image.vulnerabilities.isEmpty }.count) "
            + "with open vulnerabilities \(badges(images.map(\.image)))"
            + (tree.notScanned.isEmpty ? "" : "; \(tree.notScanned.count) run but not scanned") + "</p>\n"
        for registry in tree.registries {
            html += "<details class=\"level1\" open><summary><span class=\"name\">\(e(registry.name))</span> \(badges(registry.images.map(\.image)))</summary>\n"
            html += "<div class=\"fix\">\(e(VulnerabilityRemediation.of(registry.images)))</div>\n"
            for repository in registry.repositories {
                html += "<details open><summary><span class=\"name\">\(e(repository.name))</span> \(badges(repository.images.map(\.image)))</summary>\n"
                for node in repository.images { html += image(node) }
                html += "</details>\n"
            }
            html += "</details>\n"
        }
        if !tree.notScanned.isEmpty {
            html += "<details class=\"level1\" open><summary><span class=\"name\">Not scanned</span> (workloads run them; no report covers them)</summary>\n<table>\n<tr><th>image</th><th>run by</th></tr>\n"
            for image in tree.notScanned {
                html += "<tr><td><code>\(e(image.reference))</code></td><td>\(image.workloads.map { e($0.label) }.joined(separator: "<br>"))</td></tr>\n"
            }
            html += "</table>\n</details>\n"
        }
        if !errors.isEmpty {
            html += "<details class=\"level1\" open><summary><span class=\"name\">Inputs that could not be read</span></summary>\n<table>\n"
            for error in errors { html += "<tr><td><code>\(e(error.description))</code></td></tr>\n" }
            html += "</table>\n</details>\n"
        }
        html += HTMLPage.end
        out.write(html)
        out.flush()
    }

    private func image(_ node: VulnerabilityDrillDown.ImageNode) -> String {
        let e = HTMLPage.escape
        let image = node.image
        let identity = image.identity
        let worst = image.vulnerabilities.first?.severity ?? .unknown
        var html = "<details\(worst >= .high ? " open" : "")><summary><span class=\"name\">\(e(image.tags.isEmpty ? identity.displayName : image.tags.joined(separator: ", ")))</span> \(badges([image]))</summary>\n"
        var facts: [String] = []
        if let digest = image.digest { facts.append("<code>\(e(digest))</code>") } else if let id = identity.imageID { facts.append("image ID <code>\(e(id))</code>") }
        if let os = identity.os { facts.append(e(os) + (identity.osEndOfLife ? " (end of life)" : "")) }
        if let scanned = image.scannedAt { facts.append("scanned \(CalendarDay.text(scanned))") }
        facts.append("by " + e(Set(image.reports.map(\.scanner)).sorted().joined(separator: ", ")))
        facts.append("from " + image.reports.map { "<code>\(e($0.file)):\($0.line)</code>" }.joined(separator: ", "))
        html += "<div class=\"meta\">\(facts.joined(separator: " · "))</div>\n"
        let runs = node.workloads.map { use in
            e(use.label) + (use.matchedBy == "tag" ? " (by tag; it may have moved since the scan)" : " (by digest)")
        }
        html += "<div class=\"meta\">run by \(runs.isEmpty ? "no workload among the inputs" : runs.joined(separator: "; "))</div>\n"
        html += "<div class=\"fix\">\(e(VulnerabilityRemediation.of(image)))</div>\n"
        if !image.vulnerabilities.isEmpty || !image.suppressed.isEmpty {
            html += "<details\(worst >= .high ? " open" : "")><summary>\(image.vulnerabilities.count) vulnerabilit\(image.vulnerabilities.count == 1 ? "y" : "ies")"
                + (image.suppressed.isEmpty ? "" : ", \(image.suppressed.count) suppressed by VEX") + "</summary>\n"
            html += "<table>\n<tr><th>severity</th><th>id</th><th>package</th><th>installed</th><th>fixed</th><th>what to do</th></tr>\n"
            for v in image.vulnerabilities { html += row(v, note: nil) }
            for s in image.suppressed { html += row(s.vulnerability, note: "suppressed by \(s.statement.citation)") }
            html += "</table>\n</details>\n"
        }
        return html + "</details>\n"
    }

    private func row(_ v: Vulnerability, note: String?) -> String {
        let e = HTMLPage.escape
        let id = v.link.map { "<a href=\"\(e($0))\">\(e(v.id))</a>" } ?? e(v.id)
        let title = v.title.map { "<br><small>\(e($0))</small>" } ?? ""
        return "<tr\(note == nil ? "" : " class=\"suppressed\"")><td>\(HTMLPage.badge(v.severity.description))</td>"
            + "<td><code>\(id)</code>\(title)</td><td>\(e(v.package))</td><td><code>\(e(v.installedVersion))</code></td>"
            + "<td><code>\(e(v.fixedVersion ?? "—"))</code></td><td>\(e(note ?? VulnerabilityRemediation.of(v)))</td></tr>\n"
    }

    private func badges(_ images: [ScannedImage]) -> String {
        var total: [VulnerabilitySeverity: Int] = [:]
        for image in images { for (s, n) in image.counts { total[s, default: 0] += n } }
        if total.isEmpty { return "<span class=\"meta\">no open vulnerabilities</span>" }
        return VulnerabilitySeverity.allCases.reversed().compactMap { s in total[s].map { HTMLPage.badge(s.description, count: $0) } }
            .joined(separator: "")
    }
}
