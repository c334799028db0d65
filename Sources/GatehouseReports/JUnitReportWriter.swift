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
public struct JUnitReportWriter: ReportWriter {
    /// Which findings fail their test case.
    public let failOn: FailThreshold

    public init(failOn: FailThreshold = .severity(.high)) {
        self.failOn = failOn
    }

    public func write(_ report: AuditReport, to out: ReportOutput) {
        var byRule: [String: [Finding]] = [:]
        for f in report.findings { byRule[f.ruleID, default: []].append(f) }
        let ids = Array(Set(report.activeRules).union(byRule.keys)).sorted()

        var groups: [(id: String, objects: [[Finding]], failures: Int)] = []
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
            tests += max(objects.count, 1)
            groups.append((id, objects, failing))
        }
        tests += report.errors.count

        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        out.write(
            "<testsuites name=\"gatehouse\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(report.errors.count)\">\n")
        for group in groups {
            let title = RuleCatalogue.description(id: group.id)?.title ?? group.id
            out.write("  <testsuite name=\"")
            out.writeXMLEscaped(group.id)
            out.write(
                "\" tests=\"\(max(group.objects.count, 1))\" failures=\"\(group.failures)\" errors=\"0\">\n")
            if group.objects.isEmpty {
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
                    out.writeXMLEscaped(
                        (f.position == .unknown ? f.object.source.file : "\(f.object.source.file):\(f.position.line):\(f.position.column)") + " \(f.path): \(f.message) [\(f.severity.rawValue), \(f.action.rawValue)]\n"
                    )
                }
                out.write(failing == nil ? "</system-out>\n    </testcase>\n" : "</failure>\n    </testcase>\n")
            }
            out.write("  </testsuite>\n")
        }
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

    /// The first of one object's findings that meets the threshold: the one its `<failure>` is named after.
    func failure(among findings: [Finding]) -> Finding? {
        findings.first { failOn.isMet(by: $0.severity) }
    }
}
