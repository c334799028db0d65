#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import KubeModel
import Logging

/// A swift-log handler writing one JSON object per line to standard error:
/// `{"time":"2026-01-02T03:04:05.678Z","level":"info","msg":"...","label":"...",<metadata>}`.
///
/// The executable bootstraps it (`LoggingSystem.bootstrap { JSONLogHandler(label: $0) }`); libraries only
/// take a `Logger`. Each line is written with a single `write(2)`, so concurrent lines never interleave.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let label: String
    let fd: Int32

    public init(label: String, level: Logger.Level = .info, fileDescriptor: Int32 = 2) {
        self.label = label
        self.logLevel = level
        self.fd = fileDescriptor
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var w = JSONEmitter(style: .compact, capacity: 256)
        w.beginObject()
        w.field("time", Self.timestamp())
        w.field("level", event.level.rawValue)
        w.field("msg", event.message.description)
        w.field("logger", label)
        // The handler's own metadata is usually empty: skip the merge and its copy then.
        let merged: Logger.Metadata
        if metadata.isEmpty {
            merged = event.metadata ?? [:]
        } else {
            var combined = metadata
            if let extra = event.metadata { combined.merge(extra) { _, new in new } }
            merged = combined
        }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            w.key(key)
            Self.encode(value, into: &w)
        }
        w.endObject()
        var line = w.bytes
        line.append(UInt8(ascii: "\n"))
        line.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }

    static func encode(_ value: Logger.Metadata.Value, into w: inout JSONEmitter) {
        switch value {
        case .string(let s): w.string(s)
        case .stringConvertible(let c):
            if let b = c as? Bool {
                w.bool(b)
            } else if let i = c as? Int {
                w.int(i)
            } else if let d = c as? Double {
                w.double(d)
            } else {
                w.string(c.description)
            }
        case .array(let items):
            w.beginArray()
            for item in items { encode(item, into: &w) }
            w.endArray()
        case .dictionary(let dict):
            w.beginObject()
            for key in dict.keys.sorted() {
                w.key(key)
                encode(dict[key]!, into: &w)
            }
            w.endObject()
        }
    }

    /// RFC 3339 UTC with milliseconds, without Foundation's formatters.
    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var seconds = time_t(ts.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var out = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, _ width: Int, at offset: Int) {
            var v = value
            for i in stride(from: offset + width - 1, through: offset, by: -1) {
                out[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, 4, at: 0)
        out[4] = UInt8(ascii: "-")
        put(Int(parts.tm_mon) + 1, 2, at: 5)
        out[7] = UInt8(ascii: "-")
        put(Int(parts.tm_mday), 2, at: 8)
        out[10] = UInt8(ascii: "T")
        put(Int(parts.tm_hour), 2, at: 11)
        out[13] = UInt8(ascii: ":")
        put(Int(parts.tm_min), 2, at: 14)
        out[16] = UInt8(ascii: ":")
        put(Int(parts.tm_sec), 2, at: 17)
        out[19] = UInt8(ascii: ".")
        put(Int(ts.tv_nsec) / 1_000_000, 3, at: 20)
        out[23] = UInt8(ascii: "Z")
        return String(decoding: out, as: UTF8.self)
    }
}

/// `write(2)`, named apart from the handler's methods.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
