import GatehouseEngine
import GatehouseRules
import KubeModel

/// The human report, arranged for triage (``TriageLayout``): findings by severity (highest first), then rule,
/// namespace and object, each rule's remediation once at the head of its group; a field several rules report
/// is listed once, under the first of them, naming the others; a cross-object finding shows its chain of
/// objects on a `via` line. Then input errors, notes, exemption annotations
/// that were ignored, the exempted findings (with `--show-exempted`) and a summary that counts them.
///
/// Lines stay within 100 columns (a terminal's width) except a field path or a word longer than that. Colour
/// (ANSI) only when asked: the CLI turns it on for a terminal unless `NO_COLOR` or `--no-color`.
public struct TextReportWriter: ReportWriter {
    public let color: Bool
    /// Where titles and remediations come from (the rule catalogue unless a test gives fixed text).
    public let describe: @Sendable (String) -> RuleDescription?

    public init(
        color: Bool = false,
        describe: @escaping @Sendable (String) -> RuleDescription? = { RuleCatalogue.description(id: $0) }
    ) {
        self.color = color
        self.describe = describe
    }

    /// The width the report wraps remediations, messages and rule lists to.
    static let width = 100

    public func write(_ report: AuditReport, to out: ReportOutput) {
        let layout = TriageLayout(report.findings)
        var groups = layout.groups[...]
        while let severity = groups.first?.severity {
            let section = groups.prefix { $0.severity == severity }
            groups = groups.dropFirst(section.count)
            let findingCount = section.reduce(0) { $0 + $1.findingCount }
            out.write(
                style(severity.rawValue.uppercased(), .bold, color(for: severity)) + "  "
                    + count(findingCount, "finding") + ", " + count(section.count, "rule") + "\n\n")
            for group in section { writeGroup(group, of: report.findings, to: out) }
        }
        if !report.errors.isEmpty {
            out.write(style("Errors", .bold) + "\n")
            for error in report.errors {
                out.write("  " + style("error", .red) + " " + error.description + "\n")
            }
            out.write("\n")
        }
        if !report.notes.isEmpty {
            out.write(style("Notes", .bold) + "\n")
            for note in report.notes {
                out.write("  " + location(note.source.file, note.position) + ": " + note.message + "\n")
            }
            out.write("\n")
        }
        writeExemptionNotes(report, to: out)
        if report.listsExempted && !report.exempted.isEmpty { writeExempted(report, to: out) }
        writeSummary(report, entryCount: layout.groups.reduce(0) { $0 + $1.entries.count }, to: out)
    }

    private func writeGroup(_ group: TriageLayout.RuleGroup, of findings: FindingList, to out: ReportOutput) {
        let description = describe(group.ruleID)
        let actions = group.actions.map(\.rawValue).sorted().joined(separator: ", ")
        var header = style(group.ruleID, .bold)
        if let title = description?.title, !title.isEmpty { header += "  " + title }
        header += "  " + style("[" + actions + "]", color(for: group.severity))
        header += "  " + count(group.findingCount, "finding")
        if group.foldedCount > 0 {
            let holders = group.foldedInto.count == 1 ? group.foldedInto[0].ruleID : "other rules"
            let which = group.foldedCount == group.findingCount ? "all" : "\(group.foldedCount)"
            let note = which + " listed above under " + holders
            // On the header line when it fits, else on a line of its own.
            let fits = visibleWidth(header) + 2 + note.count <= Self.width
            header += fits ? style(", " + note, .dim) : "\n  " + style(note, .dim)
        }
        out.write(header + "\n")
        if let remediation = description?.remediation, !remediation.isEmpty {
            out.write(wrapped([style("fix:", .green)] + words(remediation), indent: 2, hanging: 7))
        }
        var lastObject: ObjectRef?
        for entry in group.entries {
            let finding = findings[entry.lead]
            if lastObject != finding.object {
                lastObject = finding.object
                let o = finding.object
                let name = (o.namespace.map { $0 + "/" } ?? "") + (o.name.isEmpty ? "(unnamed)" : o.name)
                out.write("  " + o.kind + " " + name + "  " + style(sourceDescription(o.source), .dim) + "\n")
            }
            let position = finding.position == .unknown ? "" : "\(finding.position.line):\(finding.position.column)  "
            out.write("    " + position + style(finding.path, .cyan) + "\n")
            out.write(wrapped(words(finding.message), indent: 6, hanging: 8))
            if !finding.chain.isEmpty {
                // A cross-object finding: the objects that prove it, from the entry point to what it grants.
                let chain = "via " + finding.chain.map(\.description).joined(separator: " → ")
                out.write(wrapped(words(chain), indent: 6, hanging: 10))
            }
            if !entry.folded.isEmpty {
                let others = entry.folded.map { i in
                    let severity = findings.severity(at: i)
                    return findings.ruleID(at: i) + " " + style("(\(severity.rawValue))", color(for: severity))
                }
                let words = ["also"] + others.indices.map { others[$0] + ($0 < others.count - 1 ? "," : "") }
                out.write(wrapped(words, indent: 6, hanging: 11))
            }
        }
        out.write("\n")
    }

    private func writeSummary(_ report: AuditReport, entryCount: Int, to out: ReportOutput) {
        let minimum = report.severityFilter?.minimum ?? .info
        let severities = report.countsBySeverity.filter { $0.0 >= minimum }.map { severity, n in
            n > 0 ? style("\(severity.rawValue) \(n)", color(for: severity)) : "\(severity.rawValue) 0"
        }
        let actions = report.countsByAction.map { "\($0.0.rawValue) \($0.1)" }
        var headline = style("Summary", .bold) + ": " + count(report.findings.count, "finding")
        let filter = report.severityFilter.flatMap { $0.minimum > .info ? $0 : nil }
        if let filter { headline += " at \(filter.minimum.rawValue) or above" }
        out.write(headline + "\n")
        if let filter {
            out.write(
                "  hidden:      " + count(filter.hiddenCount, "finding") + " below \(filter.minimum.rawValue)"
                    + " (--min-severity)\n")
        }
        if entryCount < report.findings.count {
            out.write(
                "  listed as:   " + count(entryCount, "entry", plural: "entries")
                    + " (a field several rules report is listed once)\n")
        }
        out.write("  by severity: " + severities.joined(separator: ", ") + "\n")
        out.write("  by action:   " + actions.joined(separator: ", ") + "\n")
        out.write("  exempted:    " + exemptedSummary(report) + "\n")
        out.write(
            "  " + count(report.objectCount, "object") + " scanned in " + count(report.files.count, "file")
                + ", " + count(report.errors.count, "error") + ", " + count(report.notes.count, "note")
                + "; profile " + report.profile.rawValue + ", " + count(report.activeRules.count, "rule") + "\n")
    }

    /// Exemption annotations that did not apply, each with its object: never silent.
    private func writeExemptionNotes(_ report: AuditReport, to out: ReportOutput) {
        guard !report.exemptionNotes.isEmpty else { return }
        out.write(style("Exemption annotations not applied", .bold) + "\n")
        for note in report.exemptionNotes {
            out.write("  " + location(note.object.source.file, note.position) + ": " + printable(note.text) + "\n")
        }
        out.write("\n")
    }

    /// The exempted findings by object, each naming the exemption that applied and its reason.
    private func writeExempted(_ report: AuditReport, to out: ReportOutput) {
        out.write(style("EXEMPTED", .bold) + "  " + count(report.exempted.count, "finding") + ", not enforced\n")
        var lastObject: ObjectRef?
        for item in report.exempted {
            let f = item.finding
            if lastObject != f.object {
                lastObject = f.object
                out.write("  " + f.object.displayName + "  " + style(sourceDescription(f.object.source), .dim) + "\n")
            }
            let position = f.position == .unknown ? "" : "\(f.position.line):\(f.position.column)  "
            out.write(
                "    " + position + f.ruleID + " " + style("(\(f.severity.rawValue))", color(for: f.severity)) + "  "
                    + style(f.path, .cyan) + "\n")
            out.write(wrapped(words(f.message), indent: 6, hanging: 8))
            let reason = item.exemption.reason.map { ": " + $0 } ?? " (no reason given)"
            // The label and reason are written by whoever wrote the manifest: control characters (a newline, a
            // terminal escape) could otherwise forge report lines.
            out.write(wrapped(["exempted", "by"] + words(printable(item.exemption.label + reason)), indent: 6, hanging: 8))
        }
        out.write("\n")
    }

    /// `text` with every control character replaced by a space.
    private func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }

    /// `N findings (P by policy exemptions, A by annotations)`, with the hint to list them and the ignored
    /// annotations' count when there are any.
    private func exemptedSummary(_ report: AuditReport) -> String {
        var text = count(report.exempted.count, "finding")
        if !report.exempted.isEmpty {
            let (policy, annotation) = report.exemptedCounts
            text += " (\(policy) by policy exemptions, \(annotation) by annotations"
            text += report.listsExempted ? ")" : "; --show-exempted lists them)"
        }
        if !report.exemptionNotes.isEmpty {
            text += "; " + count(report.exemptionNotes.count, "exemption annotation") + " not applied"
        }
        return text
    }

    /// `words` joined by spaces in lines of at most ``width`` visible columns, the first line indented by
    /// `indent` columns and the others by `hanging`; a word longer than a line gets a line of its own.
    private func wrapped(_ words: [String], indent: Int, hanging: Int) -> String {
        var text = String(repeating: " ", count: indent)
        var column = indent
        for (i, word) in words.enumerated() {
            let width = visibleWidth(word)
            if i > 0 {
                if column + 1 + width > Self.width && column > hanging {
                    text += "\n" + String(repeating: " ", count: hanging)
                    column = hanging
                } else {
                    text += " "
                    column += 1
                }
            }
            text += word
            column += width
        }
        return text + "\n"
    }

    /// `text` split at its spaces, every space kept as a word boundary (two spaces give an empty word).
    private func words(_ text: String) -> [String] {
        text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    }

    /// Columns `text` takes in a terminal: its characters less any ANSI colour codes.
    private func visibleWidth(_ text: String) -> Int {
        var width = 0
        var inEscape = false
        for scalar in text.unicodeScalars {
            if scalar == "\u{1B}" {
                inEscape = true
            } else if inEscape {
                if scalar == "m" { inEscape = false }
            } else {
                width += 1
            }
        }
        return width
    }

    private func sourceDescription(_ source: SourceRef) -> String {
        var text = source.file
        if source.document > 0 { text += " document \(source.document + 1)" }
        if let item = source.item { text += " item \(item)" }
        return text
    }

    private func location(_ file: String, _ position: SourcePosition) -> String {
        position == .unknown ? file : "\(file):\(position.line):\(position.column)"
    }

    private func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(plural ?? noun + "s")"
    }

    private enum Style: String {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", magenta = "35", cyan = "36", blue = "34"
    }

    private func color(for severity: Severity) -> Style {
        switch severity {
        case .critical: .magenta
        case .high: .red
        case .medium: .yellow
        case .low: .blue
        case .info: .dim
        }
    }

    private func style(_ text: String, _ styles: Style...) -> String {
        color ? "\u{1B}[" + styles.map(\.rawValue).joined(separator: ";") + "m" + text + "\u{1B}[0m" : text
    }
}

/// Whether the text report uses colour: only on a terminal, never with `--no-color`, and never when the
/// `NO_COLOR` environment variable is set to a non-empty value (https://no-color.org).
public enum ColorChoice {
    public static func useColor(noColorFlag: Bool, noColorEnvironment: String?, outputIsTerminal: Bool) -> Bool {
        if noColorFlag { return false }
        if let value = noColorEnvironment, !value.isEmpty { return false }
        return outputIsTerminal
    }
}
