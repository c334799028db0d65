/// Reads OpenVEX documents (0.2.0; openvex/spec `openvex_json_schema.json`).
///
/// Each statement names a vulnerability (`vulnerability.name`, with `@id` and `aliases`), a `status`
/// (`not_affected`, `affected`, `fixed`, `under_investigation`), the products it is about (`products[].@id`
/// and `identifiers.purl`) and optionally the packages inside them (`subcomponents[].@id`). A statement
/// without products is about every product. `not_affected` needs a `justification` or an
/// `impact_statement`, as the schema requires; a statement missing what the schema requires is an error with
/// its position, not a statement quietly ignored.
public enum OpenVEXReader {
    public static func read(_ root: Value, file: String) throws(ScanReportError) -> [VEXStatement] {
        guard let statements = root["statements"], statements.isSequence else {
            throw ScanReportError("OpenVEX document has no statements list", at: root["statements"]?.position ?? root.position)
        }
        let documentID = ScanFields.text(root["@id"])
        var read: [VEXStatement] = []
        for item in statements.items {
            let vulnerability = item["vulnerability"]
            // 0.2.0 writes a mapping; earlier drafts a bare string.
            guard let name = vulnerability?["name"]?.string ?? vulnerability?.stringOnly, !name.isEmpty else {
                throw ScanReportError("OpenVEX statement has no vulnerability name", at: vulnerability?.position ?? item.position)
            }
            let text = item["status"]?.string ?? ""
            guard let status = VEXStatus(rawValue: text) else {
                throw ScanReportError(
                    "OpenVEX statement has status \"\(text)\"; expected not_affected, affected, fixed or under_investigation",
                    at: item["status"]?.position ?? item.position)
            }
            let justification = ScanFields.text(item["justification"]) ?? ScanFields.text(item["impact_statement"])
            if status == .notAffected, justification == nil {
                throw ScanReportError(
                    "OpenVEX not_affected statement for \(name) has neither justification nor impact_statement",
                    at: item.position)
            }
            var statement = VEXStatement(vulnerability: name, status: status, file: file, line: item.position.line)
            statement.aliases = ScanFields.strings(vulnerability?["aliases"]) + [ScanFields.text(vulnerability?["@id"])].compactMap { $0 }
            statement.justification = justification
            statement.documentID = documentID
            for product in item["products"]?.items ?? ValueItems.empty {
                if let id = product.stringOnly ?? ScanFields.text(product["@id"]) { statement.products.append(id) }
                if let purl = ScanFields.text(product["identifiers"]?["purl"]), !statement.products.contains(purl) {
                    statement.products.append(purl)
                }
                for sub in product["subcomponents"]?.items ?? ValueItems.empty {
                    if let id = sub.stringOnly ?? ScanFields.text(sub["@id"]) ?? ScanFields.text(sub["identifiers"]?["purl"]) {
                        statement.subcomponents.append(id)
                    }
                }
            }
            read.append(statement)
        }
        return read
    }
}
