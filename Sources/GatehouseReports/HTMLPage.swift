/// What every HTML report of Gatehouse shares: one self-contained page (inline style, no network; a report
/// may add a small inline script), text escaped once here, and severity badges in one palette (Trivy's five
/// words and Gatehouse's five).
public enum HTMLPage {
    /// `text` as HTML character data or attribute text.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// The page's head and opening body, titled `title`.
    public static func start(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1b1f24; background: #fff; }
        h1 { font-size: 20px; margin: 0 0 4px; }
        .lead { color: #57606a; margin: 0 0 16px; }
        details { margin: 2px 0 2px 18px; }
        details > summary { cursor: pointer; padding: 3px 0; }
        details.level1 { margin-left: 0; border-top: 1px solid #d0d7de; padding-top: 6px; }
        summary .name { font-weight: 600; }
        .fix { color: #0a3069; background: #ddf4ff; border-radius: 4px; padding: 2px 6px; margin: 4px 0 4px 18px; display: inline-block; }
        .meta { color: #57606a; margin-left: 18px; }
        .badge { display: inline-block; min-width: 18px; padding: 0 6px; margin-left: 4px; border-radius: 9px; font-size: 12px; font-weight: 600; color: #fff; text-align: center; }
        .CRITICAL, .critical { background: #8b0000; }
        .HIGH, .high { background: #d1242f; }
        .MEDIUM, .medium { background: #bc4c00; }
        .LOW, .low { background: #9a6700; }
        .UNKNOWN, .info { background: #6e7781; }
        table { border-collapse: collapse; margin: 4px 0 8px 18px; }
        th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid #eaeef2; vertical-align: top; }
        th { color: #57606a; font-weight: 600; }
        code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
        .suppressed td { color: #6e7781; }
        </style>
        </head>
        <body>

        """
    }

    public static let end = "</body>\n</html>\n"

    /// A severity badge: `<span class="badge HIGH">3 HIGH</span>`, the words in the badge so the page reads
    /// without colour.
    public static func badge(_ severity: String, count: Int? = nil) -> String {
        "<span class=\"badge \(escape(severity))\">\(count.map { "\($0) " } ?? "")\(escape(severity))</span>"
    }
}
