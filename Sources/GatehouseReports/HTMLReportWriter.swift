import GatehouseEngine
import GatehouseRules
import KubeModel

/// `gatehouse audit --format html`: one self-contained page (inline style and a small inline script, no
/// network) a person can read at a glance and drill into, as Defender for Cloud shows recommendations →
/// affected resources → finding → remediation:
///
/// - totals by severity and by action, and bar charts of the findings per namespace and per rule (the 15
///   largest of each);
/// - filters by severity (at or above), namespace and rule, which hide the findings and groups they exclude;
/// - then each rule (recommendation), most severe first, folding to namespace → object → findings, each with
///   line:column, field path and message, its chain of objects for cross-object findings, the rule's
///   remediation and its explanation (what it checks, why it matters);
/// - with `--show-exempted`, the exempted findings with the exemption and its reason; the inputs that could
///   not be read, and the notes.
///
/// Meant for reports a person reads (thousands of findings, not millions); the JSON report is for machines.
public struct HTMLReportWriter: ReportWriter {
    let describe: @Sendable (String) -> RuleDescription?

    public init(describe: @escaping @Sendable (String) -> RuleDescription? = { RuleCatalogue.description(id: $0) }) {
        self.describe = describe
    }

    /// The findings of one rule, by namespace then object.
    struct RuleGroup {
        let id: String
        var severity: Severity
        var count = 0
        var byNamespace: [String: [ObjectRef: [Finding]]] = [:]
    }

    public func write(_ report: AuditReport, to out: ReportOutput) {
        let e = HTMLPage.escape
        var rules: [String: RuleGroup] = [:]
        var perNamespace: [String: Int] = [:]
        var bySeverity: [Severity: Int] = [:]
        var byAction: [Action: Int] = [:]
        for f in report.findings {
            let namespace = Self.namespace(f.object)
            rules[f.ruleID, default: RuleGroup(id: f.ruleID, severity: f.severity)].count += 1
            rules[f.ruleID]!.severity = max(rules[f.ruleID]!.severity, f.severity)
            rules[f.ruleID]!.byNamespace[namespace, default: [:]][f.object, default: []].append(f)
            perNamespace[namespace, default: 0] += 1
            bySeverity[f.severity, default: 0] += 1
            byAction[f.action, default: 0] += 1
        }
        let ordered = rules.values.sorted { ($0.severity, $0.count, $1.id) > ($1.severity, $1.count, $0.id) }

        var html = HTMLPage.start(title: "Gatehouse audit")
        html += "<h1>Gatehouse audit</h1>\n"
        html += "<p class=\"lead\">\(report.findings.count) finding\(report.findings.count == 1 ? "" : "s") in "
            + "\(report.objectCount) object\(report.objectCount == 1 ? "" : "s") from \(report.files.count) input\(report.files.count == 1 ? "" : "s"); "
            + "profile \(e(report.profile.rawValue)), \(report.activeRules.count) rules"
            + (report.errors.isEmpty ? "" : "; <strong>\(report.errors.count) input error\(report.errors.count == 1 ? "" : "s")</strong>")
            + (report.exempted.isEmpty ? "" : "; \(report.exempted.count) exempted") + "</p>\n"
        html += "<div class=\"totals\">"
        for severity in Severity.allCases.reversed() {
            html += HTMLPage.badge(severity.rawValue, count: bySeverity[severity] ?? 0)
        }
        html += "<span class=\"meta\">"
        html += [Action.deny, .warn, .audit].map { "\(byAction[$0] ?? 0) \($0.rawValue)" }.joined(separator: " · ")
        html += "</span></div>\n"
        html += "<div class=\"charts\">\n"
        html += Self.chart("Findings per namespace", perNamespace.map { ($0.key, $0.value) })
        html += Self.chart("Findings per rule", ordered.map { ($0.id, $0.count) })
        html += "</div>\n"
        html += filters(ordered: ordered, namespaces: perNamespace.keys.sorted())

        for group in ordered {
            let d = describe(group.id)
            html += "<details class=\"level1 rule\" data-rule=\"\(e(group.id))\"\(group.severity >= .high ? " open" : "")>"
            html += "<summary>\(HTMLPage.badge(group.severity.rawValue)) <span class=\"name\">\(e(group.id))</span> "
                + "\(e(d?.title ?? "")) <span class=\"meta count\">\(group.count)</span></summary>\n"
            if let d {
                html += "<div class=\"fix\">\(e(d.remediation))"
                if let fix = d.fix { html += "<br><span class=\"meta\">Automatic: <code>gatehouse fix</code> \(e(fix.summary)).</span>" }
                html += "</div>\n"
                html += "<details><summary>What it checks and why</summary><p class=\"meta\">\(e(d.spec))</p>"
                    + "<p class=\"meta\">\(e(d.rationale))</p></details>\n"
            }
            for namespace in group.byNamespace.keys.sorted() {
                let objects = group.byNamespace[namespace]!
                html += "<details class=\"ns\" data-ns=\"\(e(namespace))\" open><summary>\(e(namespace))"
                    + " <span class=\"meta count\">\(objects.values.reduce(0) { $0 + $1.count })</span></summary>\n"
                for object in objects.keys.sorted() {
                    html += "<div class=\"object\"><span class=\"name\">\(e(object.displayName))</span> "
                        + "<span class=\"meta\">\(e(object.source.file))</span>\n<table>\n"
                    for f in objects[object]! { html += row(f) }
                    html += "</table></div>\n"
                }
                html += "</details>\n"
            }
            html += "</details>\n"
        }
        if report.listsExempted, !report.exempted.isEmpty {
            html += "<details class=\"level1\"><summary><span class=\"name\">Exempted findings</span> "
                + "<span class=\"meta\">\(report.exempted.count), never enforced nor counted</span></summary>\n<table>\n"
            for item in report.exempted {
                let f = item.finding
                let reason = item.exemption.reason.map { ": \(e($0))" } ?? ""
                html += "<tr><td><code>\(e(f.ruleID))</code></td><td>\(e(f.object.displayName))</td><td><code>\(e(f.path))</code></td>"
                    + "<td>\(e(f.message))<br><small>exempted by \(e(item.exemption.label))\(reason)</small></td></tr>\n"
            }
            html += "</table>\n</details>\n"
        }
        if !report.errors.isEmpty {
            html += "<details class=\"level1\" open><summary><span class=\"name\">Inputs that could not be read</span></summary>\n<table>\n"
            for error in report.errors { html += "<tr><td><code>\(e(error.description))</code></td></tr>\n" }
            html += "</table>\n</details>\n"
        }
        if !report.notes.isEmpty {
            html += "<details class=\"level1\"><summary><span class=\"name\">Notes</span> <span class=\"meta\">\(report.notes.count)</span></summary>\n<table>\n"
            for note in report.notes {
                html += "<tr><td><code>\(e(note.source.file)):\(note.position.line)</code></td><td>\(e(note.message))</td></tr>\n"
            }
            html += "</table>\n</details>\n"
        }
        html += Self.script + HTMLPage.end
        out.write(html)
        out.flush()
    }

    /// One finding: where, what, and the chain that proves it.
    private func row(_ f: Finding) -> String {
        let e = HTMLPage.escape
        var html = "<tr class=\"finding\" data-severity=\"\(Self.rank(f.severity))\" data-ns=\"\(e(Self.namespace(f.object)))\" data-rule=\"\(e(f.ruleID))\">"
        html += "<td>\(HTMLPage.badge(f.severity.rawValue))</td><td><code>\(f.position.line):\(f.position.column)</code></td>"
        html += "<td><code>\(e(f.path))</code></td><td>\(e(f.message)) <span class=\"meta\">(\(f.action.rawValue))</span>"
        if !f.chain.isEmpty {
            html += "<ol class=\"chain\">"
            for link in f.chain { html += "<li><code>\(e(link.object.displayName))</code> \(e(link.detail))</li>" }
            html += "</ol>"
        }
        return html + "</td></tr>\n"
    }

    private func filters(ordered: [RuleGroup], namespaces: [String]) -> String {
        let e = HTMLPage.escape
        var html = "<form class=\"filters\" onsubmit=\"return false\">Show "
        html += "<select id=\"f-severity\"><option value=\"0\">every severity</option>"
        for severity in Severity.allCases.reversed() where severity != .info {
            html += "<option value=\"\(Self.rank(severity))\">\(severity.rawValue) and above</option>"
        }
        html += "</select> in <select id=\"f-ns\"><option value=\"\">every namespace</option>"
        for namespace in namespaces { html += "<option>\(e(namespace))</option>" }
        html += "</select> for <select id=\"f-rule\"><option value=\"\">every rule</option>"
        for group in ordered.sorted(by: { $0.id < $1.id }) { html += "<option>\(e(group.id))</option>" }
        html += "</select> <span id=\"f-shown\" class=\"meta\"></span></form>\n"
        return html
    }

    /// A horizontal bar chart of the largest `values` (CSS only).
    static func chart(_ title: String, _ values: [(String, Int)]) -> String {
        let e = HTMLPage.escape
        let top = values.sorted { ($0.1, $1.0) > ($1.1, $0.0) }.prefix(15)
        let largest = max(1, top.first?.1 ?? 1)
        var html = "<div class=\"chart\"><h2>\(e(title))</h2>\n"
        for (label, count) in top {
            html += "<div class=\"bar\"><span class=\"label\">\(e(label))</span>"
                + "<span class=\"fill\" style=\"width: \(max(1, count * 100 / largest))%\"></span><span class=\"value\">\(count)</span></div>\n"
        }
        if values.count > top.count { html += "<div class=\"meta\">and \(values.count - top.count) more</div>\n" }
        return html + "</div>\n"
    }

    /// The namespace a finding is grouped under: its object's, `(cluster)` for cluster-scoped objects.
    static func namespace(_ object: ObjectRef) -> String { object.namespace ?? "(cluster)" }

    static func rank(_ severity: Severity) -> Int { Severity.allCases.firstIndex(of: severity) ?? 0 }

    /// The filters: hides findings below the chosen severity or outside the chosen namespace or rule, and the
    /// groups left empty.
    static let script = """
        <style>
        .totals .badge { font-size: 13px; padding: 2px 8px; }
        .charts { display: flex; gap: 32px; flex-wrap: wrap; margin: 12px 0; }
        .chart { flex: 1 1 420px; } .chart h2 { font-size: 14px; margin: 4px 0; }
        .bar { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
        .bar .label { width: 220px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: 12px; }
        .bar .fill { height: 12px; background: #0969da; border-radius: 2px; }
        .bar .value { font-size: 12px; color: #57606a; }
        .filters { margin: 12px 0; padding: 8px; background: #f6f8fa; border-radius: 6px; }
        .object { margin: 6px 0 6px 18px; } .chain { margin: 4px 0; padding-left: 20px; color: #57606a; }
        .hidden { display: none; }
        </style>
        <script>
        (function () {
          var sev = document.getElementById('f-severity'), ns = document.getElementById('f-ns'), rule = document.getElementById('f-rule');
          function apply() {
            var shown = 0;
            document.querySelectorAll('tr.finding').forEach(function (row) {
              var ok = Number(row.dataset.severity) >= Number(sev.value) && (!ns.value || row.dataset.ns === ns.value) && (!rule.value || row.dataset.rule === rule.value);
              row.classList.toggle('hidden', !ok);
              if (ok) shown++;
            });
            document.querySelectorAll('.object').forEach(function (o) { o.classList.toggle('hidden', !o.querySelector('tr.finding:not(.hidden)')); });
            document.querySelectorAll('details.ns, details.rule').forEach(function (d) { d.classList.toggle('hidden', !d.querySelector('tr.finding:not(.hidden)')); });
            document.getElementById('f-shown').textContent = shown + ' finding' + (shown === 1 ? '' : 's') + ' shown';
          }
          [sev, ns, rule].forEach(function (s) { s.addEventListener('change', apply); });
          apply();
        })();
        </script>

        """
}
