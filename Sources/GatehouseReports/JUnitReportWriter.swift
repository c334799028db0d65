import GatehouseEngine
import GatehouseRules
import KubeModel

/// JUnit XML, for CI systems that show test results (Jenkins, GitLab, Azure Pipelines).
///
/// One test suite per rule the audit ran; each object the rule flagged is a test case holding all of that
/// object's findings for the rule. The case fails (`<failure>`) when one of them is at or above the
/// `--fail-on` threshold, as the exit status does; otherwise it passes and lists them in `<system-out>`, so
/// `--fail-on never` gives a green page that still shows every finding. A rule without findings is a suite
/// with one passing case, so the CI page lists every rule. Input errors form a suite `gatehouse.inputs` of
/// errored cases.
///
/// Exempted findings never fail a case. `<testsuites>` counts them (`exempted`); with `--show-exempted` each
/// object's exempted findings of a rule are a skipped case (`<skipped>` naming the exemption and its reason)
/// in the rule's suite. Exemption annotations that were not applied form a suite `gatehouse.exemptions`, one
/// passing case per note, so they show on the CI page.
public struct JUnitReportWriter: ReportWriter {
    /// Which findings fail their test case.
    public let failOn: FailThreshold

    public init(failOn: FailThreshold = .severity(.high)) {
        self.failOn = failOn
    }

    public func write(_ report: AuditReport, to out: ReportOutput) {
        var byRule: [String: [Finding]] = [:]
        for f in report.findings { byRule[f.ruleID, default: []].append(f) }
        var exemptedByRule: [String: [[ExemptedFinding]]] = [:]
        if report.listsExempted {
            for item in report.exempted {
                var objects = exemptedByRule[item.finding.ruleID] ?? []
                if let last = objects.last?.last, last.finding.object == item.finding.object {
                    objects[objects.count - 1].append(item)
                } else {
                    objects.append([item])
                }
                exemptedByRule[item.finding.ruleID] = objects
            }
        }
        let ids = Array(Set(report.activeRules).union(byRule.keys).union(exemptedByRule.keys)).sorted()

        var groups: [(id: String, objects: [[Finding]], failures: Int)] = []
        var skipped = 0
        var failures = 0
        var tests = 0
        for id in ids {
            var objects: [[Finding]] = []
            for f in byRule[id] ?? [] {
                if let last = objects.last?.last, last.object == f.object {
                    objects[objects.count - 1].append(f)
                } else {
                    objects.append([f])
                }
            }
            let failing = objects.filter { failure(among: $0) != nil }.count
            failures += failing
            let exemptedCases = exemptedByRule[id]?.count ?? 0
            skipped += exemptedCases
            tests += max(objects.count + exemptedCases, 1)
            groups.append((id, objects, failing))
        }
        tests += report.errors.count + report.exemptionNotes.count
        let skippedAttribute = report.listsExempted ? " skipped=\"\(skipped)\"" : ""

        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        out.write(
            "<testsuites name=\"gatehouse\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(report.errors.count)\""
                + skippedAttribute + " exempted=\"\(report.exempted.count)\">\n")
        for group in groups {
            let title = RuleCatalogue.description(id: group.id)?.title ?? group.id
            out.write("  <testsuite name=\"")
            out.writeXMLEscaped(group.id)
            let exempted = exemptedByRule[group.id] ?? []
            out.write(
                "\" tests=\"\(max(group.objects.count + exempted.count, 1))\" failures=\"\(group.failures)\" errors=\"0\""
                    + (report.listsExempted ? " skipped=\"\(exempted.count)\"" : "") + ">\n")
            if group.objects.isEmpty && exempted.isEmpty {
                out.write("    <testcase classname=\"")
                out.writeXMLEscaped(group.id)
                out.write("\" name=\"")
                out.writeXMLEscaped(title)
                out.write("\"/>\n")
            }
            for findings in group.objects {
                let first = findings[0]
                out.write("    <testcase classname=\"")
                out.writeXMLEscaped(group.id)
                out.write("\" name=\"")
                out.writeXMLEscaped(first.object.displayName)
                out.write("\" file=\"")
                out.writeXMLEscaped(first.object.source.file)
                let failing = failure(among: findings)
                if let failing {
                    out.write("\">\n      <failure message=\"")
                    out.writeXMLEscaped(failing.message)
                    out.write("\" type=\"")
                    out.writeXMLEscaped(failing.severity.rawValue)
                    out.write("\">")
                } else {
                    out.write("\">\n      <system-out>")
                }
                for f in findings {
                    out.writeXMLEscaped(line(f) + "\n")
                }
                out.write(failing == nil ? "</system-out>\n    </testcase>\n" : "</failure>\n    </testcase>\n")
            }
            for items in exempted { writeSkippedCase(items, rule: group.id, to: out) }
            out.write("  </testsuite>\n")
        }
        writeExemptionNotes(report.exemptionNotes, to: out)
        if !report.errors.isEmpty {
            out.write(
                "  <testsuite name=\"gatehouse.inputs\" tests=\"\(report.errors.count)\" failures=\"0\" errors=\"\(report.errors.count)\">\n"
            )
            for error in report.errors {
                out.write("    <testcase classname=\"gatehouse.inputs\" name=\"")
                out.writeXMLEscaped(error.file)
                out.write("\">\n      <error message=\"")
                out.writeXMLEscaped(error.message)
                out.write("\">")
                out.writeXMLEscaped(error.description)
                out.write("</error>\n    </testcase>\n")
            }
            out.write("  </testsuite>\n")
        }
        out.write("</testsuites>\n")
    }

    /// One object's exempted findings of one rule: a skipped case naming the first one's exemption, listing
    /// every finding with its exemption and reason.
    private func writeSkippedCase(_ items: [ExemptedFinding], rule: String, to out: ReportOutput) {
        let first = items[0]
        out.write("    <testcase classname=\"")
        out.writeXMLEscaped(rule)
        out.write("\" name=\"")
        out.writeXMLEscaped(first.finding.object.displayName)
        out.write("\" file=\"")
        out.writeXMLEscaped(first.finding.object.source.file)
        out.write("\">\n      <skipped message=\"")
        out.writeXMLEscaped("exempted by " + first.exemption.label + (first.exemption.reason.map { ": " + $0 } ?? ""))
        out.write("\">")
        for item in items {
            let f = item.finding
            out.writeXMLEscaped(
                line(f) + " exempted by \(item.exemption.label)"
                    + (item.exemption.reason.map { ": " + $0 } ?? " (no reason given)") + "\n")
        }
        out.write("</skipped>\n    </testcase>\n")
    }

    /// The suite `gatehouse.exemptions`: one passing case per exemption annotation that was not applied.
    private func writeExemptionNotes(_ notes: [ExemptionNote], to out: ReportOutput) {
        guard !notes.isEmpty else { return }
        out.write(
            "  <testsuite name=\"gatehouse.exemptions\" tests=\"\(notes.count)\" failures=\"0\" errors=\"0\">\n")
        for note in notes {
            out.write("    <testcase classname=\"gatehouse.exemptions\" name=\"")
            out.writeXMLEscaped(note.object.displayName)
            out.write("\" file=\"")
            out.writeXMLEscaped(note.object.source.file)
            out.write("\">\n      <system-out>")
            out.writeXMLEscaped(
                (note.position == .unknown ? note.object.source.file : "\(note.object.source.file):\(note.position.line):\(note.position.column)")
                    + " " + note.message + "\n")
            out.write("</system-out>\n    </testcase>\n")
        }
        out.write("  </testsuite>\n")
    }

    /// `file:line:column path: message [severity, action]`, as a case lists each finding.
    private func line(_ f: Finding) -> String {
        (f.position == .unknown ? f.object.source.file : "\(f.object.source.file):\(f.position.line):\(f.position.column)")
            + " \(f.path): \(f.message) [\(f.severity.rawValue), \(f.action.rawValue)]"
    }

    /// The first of one object's findings that meets the threshold: the one its `<failure>` is named after.
    func failure(among findings: [Finding]) -> Finding? {
        findings.first { failOn.isMet(by: $0.severity) }
    }
}
