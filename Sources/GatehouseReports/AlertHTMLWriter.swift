import GatehouseEngine
import GatehouseRules
import KubeModel

/// `gatehouse alerts --format html`: the alerts as one self-contained page, written at the end (like SARIF):
/// counts by severity and MITRE tactic, then each alert rule, most severe first, folding to its alerts with
/// time, actor (user, source addresses, user agent), verb, object, how many requests it stands for, the
/// evidence, and the rule's remediation. Pages are shared with `audit` and `vulns` (``HTMLPage``).
public struct AlertHTMLWriter: AlertWriter {
    private var alerts: [Alert] = []

    public init() {}

    public mutating func write(_ alert: Alert, to out: ReportOutput) { alerts.append(alert) }

    public mutating func finish(unjudged: [(rule: String, reason: String, count: Int)], to out: ReportOutput) {
        let e = HTMLPage.escape
        var byRule: [String: [Alert]] = [:]
        var bySeverity: [Severity: Int] = [:]
        var byTactic: [String: Int] = [:]
        for alert in alerts {
            byRule[alert.ruleID, default: []].append(alert)
            bySeverity[alert.severity, default: 0] += 1
            byTactic[AlertFields.tactic(alert.ruleID), default: 0] += 1
        }
        let rules = byRule.keys.sorted { a, b in
            let x = byRule[a]!.map(\.severity).max()!, y = byRule[b]!.map(\.severity).max()!
            return x != y ? x > y : a < b
        }
        var html = HTMLPage.start(title: "Gatehouse alerts")
        html += "<h1>Gatehouse alerts</h1>\n"
        html += "<p class=\"lead\">\(alerts.count) alert\(alerts.count == 1 ? "" : "s") from \(rules.count) rule\(rules.count == 1 ? "" : "s"), "
            + "standing for \(alerts.reduce(0) { $0 + $1.count }) requests</p>\n<p>"
        for severity in Severity.allCases.reversed() where bySeverity[severity] != nil {
            html += HTMLPage.badge(severity.rawValue, count: bySeverity[severity])
        }
        html += " <span class=\"meta\">"
            + byTactic.keys.sorted().map { "\(e($0)) \(byTactic[$0]!)" }.joined(separator: " · ") + "</span></p>\n"
        for id in rules {
            let group = byRule[id]!
            let d = AlertFields.description(id)
            let worst = group.map(\.severity).max()!
            html += "<details class=\"level1\"\(worst >= .high ? " open" : "")><summary>\(HTMLPage.badge(worst.rawValue)) "
                + "<span class=\"name\">\(e(id))</span> \(e(d?.title ?? "")) <span class=\"meta\">\(e(AlertFields.tactic(id))) · \(group.count)</span></summary>\n"
            if let d { html += "<div class=\"fix\">\(e(d.remediation))</div>\n" }
            html += "<table>\n<tr><th>time</th><th>actor</th><th>request</th><th>what</th></tr>\n"
            for alert in group {
                let event = alert.event
                var actor = e(event.user.username)
                if !event.sourceIPs.isEmpty { actor += "<br><small>from \(e(event.sourceIPs.joined(separator: ", ")))</small>" }
                if !event.userAgent.isEmpty { actor += "<br><small>\(e(event.userAgent))</small>" }
                let object = [event.target.namespace, alert.objectName].filter { !$0.isEmpty }.joined(separator: "/")
                var what = e(alert.message)
                if alert.count > 1 { what += " <span class=\"meta\">(\(alert.count) requests until \(e(alert.lastTime)))</span>" }
                if !alert.evidence.isEmpty {
                    what += "<br><small>" + alert.evidence.map { "<code>\(e($0.path))</code>: \(e($0.value))" }.joined(separator: "<br>") + "</small>"
                }
                html += "<tr><td><code>\(e(event.stageTimestamp))</code></td><td>\(actor)</td>"
                    + "<td><code>\(e(event.verb)) \(e(event.target.resource))\(event.target.subresource.isEmpty ? "" : "/" + e(event.target.subresource)) \(e(object))</code>"
                    + "<br><small>audit ID \(e(event.auditID)); \(e(event.origin.description))</small></td><td>\(what)</td></tr>\n"
            }
            html += "</table>\n</details>\n"
        }
        if !unjudged.isEmpty {
            html += "<details class=\"level1\"><summary><span class=\"name\">Not judged</span></summary>\n<table>\n"
            for item in unjudged {
                html += "<tr><td><code>\(e(item.rule))</code></td><td>\(item.count) event\(item.count == 1 ? "" : "s"): \(e(item.reason))</td></tr>\n"
            }
            html += "</table>\n</details>\n"
        }
        html += HTMLPage.end
        out.write(html)
    }
}
