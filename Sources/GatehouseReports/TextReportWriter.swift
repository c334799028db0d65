import GatehouseEngine
import GatehouseRules
import KubeModel

/// The human report: findings grouped rule → namespace → object, each with file:line:col, field path and
/// message; then input errors, notes and a summary.
///
/// Colour (ANSI) only when asked: the CLI turns it on for a terminal unless `NO_COLOR` or `--no-color`.
public struct TextReportWriter: ReportWriter {
    public let color: Bool

    public init(color: Bool = false) {
        self.color = color
    }

    public func write(_ report: AuditReport, to out: ReportOutput) {
        var index = 0
        let findings = report.findings
        while index < findings.count {
            let ruleID = findings.ruleID(at: index)
            var end = index
            while end < findings.count && findings.ruleID(at: end) == ruleID { end += 1 }
            writeRule(findings[index..<end], to: out)
            index = end
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
        writeSummary(report, to: out)
    }

    private func writeRule(_ findings: Slice<FindingList>, to out: ReportOutput) {
        let first = findings.first!
        let title = RuleCatalogue.description(id: first.ruleID)?.title ?? ""
        let severities = Set(findings.map(\.severity)).sorted(by: >).map(\.rawValue).joined(separator: ", ")
        let actions = Set(findings.map(\.action.rawValue)).sorted().joined(separator: ", ")
        out.write(
            style(first.ruleID, .bold) + (title.isEmpty ? "" : "  " + title) + "  "
                + style("[\(severities); \(actions)]", color(for: findings.map(\.severity).max()!))
                + "  " + count(findings.count, "finding") + "\n")
        var lastNamespace: String?? = .none
        var lastObject: ObjectRef?
        for finding in findings {
            if lastNamespace != .some(finding.object.namespace) {
                lastNamespace = .some(finding.object.namespace)
                lastObject = nil
                out.write("  " + style("namespace " + (finding.object.namespace ?? "(none)"), .dim) + "\n")
            }
            if lastObject != finding.object {
                lastObject = finding.object
                let o = finding.object
                let name = o.name.isEmpty ? "(unnamed)" : o.name
                out.write("    " + o.kind + " " + name + "  " + style(describe(o.source), .dim) + "\n")
            }
            out.write(
                "      " + location(finding.object.source.file, finding.position) + "  "
                    + style(finding.path, .cyan) + "\n")
            out.write("        " + finding.message + "\n")
        }
        out.write("\n")
    }

    private func writeSummary(_ report: AuditReport, to out: ReportOutput) {
        let severities = report.countsBySeverity.map { severity, n in
            n > 0 ? style("\(severity.rawValue) \(n)", color(for: severity)) : "\(severity.rawValue) 0"
        }
        let actions = report.countsByAction.map { "\($0.0.rawValue) \($0.1)" }
        out.write(style("Summary", .bold) + ": " + count(report.findings.count, "finding") + "\n")
        out.write("  by severity: " + severities.joined(separator: ", ") + "\n")
        out.write("  by action:   " + actions.joined(separator: ", ") + "\n")
        out.write(
            "  " + count(report.objectCount, "object") + " scanned in " + count(report.files.count, "file")
                + ", " + count(report.errors.count, "error") + ", " + count(report.notes.count, "note")
                + "; profile " + report.profile.rawValue + ", " + count(report.activeRules.count, "rule") + "\n")
    }

    private func describe(_ source: SourceRef) -> String {
        var text = source.file
        if source.document > 0 { text += " document \(source.document + 1)" }
        if let item = source.item { text += " item \(item)" }
        return text
    }

    private func location(_ file: String, _ position: SourcePosition) -> String {
        position == .unknown ? file : "\(file):\(position.line):\(position.column)"
    }

    private func count(_ n: Int, _ noun: String) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
    }

    private enum Style: String {
        case bold = "1", dim = "2", red = "31", yellow = "33", magenta = "35", cyan = "36", blue = "34"
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

    private func style(_ text: String, _ style: Style) -> String {
        color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
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
