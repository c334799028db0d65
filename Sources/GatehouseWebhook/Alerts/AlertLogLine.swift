import GatehouseReports
import GatehouseRules
import KubeModel
import Logging

/// The one log line per alert: `"msg":"alert"` with the fields of `gatehouse alerts --format json`, which
/// its writer renders, at the top level. The alert's own `time` (the event's stage timestamp) is written as
/// `eventTime`, since `time` is the log line's.
enum AlertLogLine {
    static func log(_ alert: Alert, logger: Logger) {
        // Notice, not warning: a warning says the server itself has a problem (a full queue, a bad certificate).
        guard logger.logLevel <= .notice else { return }
        logger.notice("alert", metadata: metadata(alert))
    }

    static func metadata(_ alert: Alert) -> Logger.Metadata {
        var writer = AlertJSONWriter()
        let out = ReportOutput()
        writer.write(alert, to: out)
        var metadata: Logger.Metadata = [:]
        guard case .success(let tree) = out.bytes.withUnsafeBytes({ JSONLoader.parse($0) }) else { return metadata }
        for (key, value) in tree.root.pairs {
            guard let key = key.string else { continue }
            metadata[key == "time" ? "eventTime" : key] = Self.value(value)
        }
        return metadata
    }

    private static func value(_ value: Value) -> Logger.Metadata.Value {
        switch value.kind {
        case .mapping:
            var dictionary: Logger.Metadata = [:]
            for (key, item) in value.pairs { dictionary[key.string ?? ""] = Self.value(item) }
            return .dictionary(dictionary)
        case .sequence:
            return .array(value.items.map { Self.value($0) })
        case .number:
            if let number = value.int { return .stringConvertible(number) }
            return .string(value.string ?? "")
        case .bool:
            return .stringConvertible(value.isTrue)
        case .null, .string:
            return .string(value.string ?? "")
        }
    }
}
