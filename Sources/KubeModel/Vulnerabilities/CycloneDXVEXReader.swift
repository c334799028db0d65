// PLACEHOLDER (replaced before landing)
public enum CycloneDXVEXReader {
    public static func read(_ root: Value, file: String) throws(ScanReportError) -> [VEXStatement] {
        throw ScanReportError("not read yet", at: root.position)
    }
}
