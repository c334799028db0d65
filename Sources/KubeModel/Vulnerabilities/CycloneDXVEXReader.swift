/// Reads CycloneDX VEX (`vulnerabilities[].analysis`, CycloneDX 1.4 to 1.6; the schema copy in anchore/grype
/// `grype/presenter/cyclonedx/testdata/bom-1.6.schema.json`).
///
/// Each vulnerability with an `analysis` becomes a statement: `state` `not_affected` and `false_positive`
/// read as not affected, `resolved` and `resolved_with_pedigree` as fixed, `exploitable` as affected,
/// `in_triage` as under investigation. `affects[].ref` names the products by BOM reference: a reference to a
/// component of the same document (`components[]`, `metadata.component`) is replaced by that component's
/// package URL or name; a BOM-Link or an outside reference is kept as written. Vulnerabilities without an
/// analysis (a plain SBOM scan result) state nothing and are skipped.
public enum CycloneDXVEXReader {
    public static func read(_ root: Value, file: String) throws(ScanReportError) -> [VEXStatement] {
        guard let vulnerabilities = root["vulnerabilities"], vulnerabilities.isSequence else {
            throw ScanReportError(
                "CycloneDX document has no vulnerabilities list, so no VEX statement",
                at: root["vulnerabilities"]?.position ?? root.position)
        }
        var components: [String: String] = [:]
        func index(_ component: Value?) {
            guard let component, let ref = ScanFields.text(component["bom-ref"]) else { return }
            components[ref] = ScanFields.text(component["purl"]) ?? ScanFields.text(component["name"]) ?? ref
            for child in component["components"]?.items ?? ValueItems.empty { index(child) }
        }
        index(root["metadata"]?["component"])
        for component in root["components"]?.items ?? ValueItems.empty { index(component) }
        let documentID = ScanFields.text(root["serialNumber"])
        var read: [VEXStatement] = []
        for item in vulnerabilities.items {
            guard let analysis = item["analysis"], analysis.isMapping else { continue }
            let id = try ScanFields.required("id", in: item, what: "a CycloneDX vulnerability")
            let state = analysis["state"]?.string ?? ""
            let status: VEXStatus
            switch state {
            case "not_affected", "false_positive": status = .notAffected
            case "resolved", "resolved_with_pedigree": status = .fixed
            case "exploitable": status = .affected
            case "in_triage": status = .underInvestigation
            default:
                throw ScanReportError(
                    "CycloneDX analysis has state \"\(state)\"; expected resolved, resolved_with_pedigree, exploitable, in_triage, false_positive or not_affected",
                    at: analysis["state"]?.position ?? analysis.position)
            }
            var statement = VEXStatement(vulnerability: id, status: status, file: file, line: item.position.line)
            statement.justification = ScanFields.text(analysis["justification"]) ?? ScanFields.text(analysis["detail"])
            statement.aliases = (item["references"]?.items).map { $0.compactMap { ScanFields.text($0["id"]) } } ?? []
            statement.documentID = documentID
            for affected in item["affects"]?.items ?? ValueItems.empty {
                guard let ref = ScanFields.text(affected["ref"]) else { continue }
                statement.products.append(components[ref] ?? ref)
            }
            read.append(statement)
        }
        return read
    }
}
