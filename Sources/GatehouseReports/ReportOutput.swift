#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GatehouseRules
import KubeModel

/// A byte buffer reports are written into, flushed to a file descriptor in large chunks.
///
/// Writers append small pieces (a key, a value) millions of times for big audits; buffering keeps the
/// write(2) calls few so the report never dominates the audit's time.
public final class ReportOutput {
    /// Bytes not yet flushed (all bytes, for an in-memory output).
    public private(set) var bytes: [UInt8] = []
    private let descriptor: Int32?
    private let chunk = 1 << 20

    /// An output that keeps everything in memory (tests, or callers that post-process).
    public init() {
        self.descriptor = nil
        bytes.reserveCapacity(4096)
    }

    /// An output flushed to `descriptor` (e.g. 1 for standard output).
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        bytes.reserveCapacity(chunk + 4096)
    }

    deinit { flush() }

    public func write(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    public func write(_ text: Substring) {
        write(String(text))
    }

    public func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
        if descriptor != nil && bytes.count >= chunk { flush() }
    }

    public func append(byte: UInt8) {
        bytes.append(byte)
    }

    /// Moves what `json` has written so far into the output; `json` keeps its place in the document.
    public func write(_ json: inout JSONEmitter) {
        json.drain { append($0) }
    }

    /// Appends bytes rendered elsewhere (e.g. by another thread).
    func append(_ rendered: [UInt8]) {
        bytes.append(contentsOf: rendered)
        if descriptor != nil && bytes.count >= chunk { flush() }
    }

    /// Lets `body` append straight to the buffer (renderers of many small pieces avoid a copy), then flushes
    /// when a chunk is full. `body` must only append.
    func render(_ body: (inout [UInt8]) -> Void) {
        body(&bytes)
        if descriptor != nil && bytes.count >= chunk { flush() }
    }

    /// Writes `value` as XML character data or attribute text, escaped.
    public func writeXMLEscaped(_ value: String) {
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "&"): bytes.append(contentsOf: Array("&amp;".utf8))
            case UInt8(ascii: "<"): bytes.append(contentsOf: Array("&lt;".utf8))
            case UInt8(ascii: ">"): bytes.append(contentsOf: Array("&gt;".utf8))
            case UInt8(ascii: "\""): bytes.append(contentsOf: Array("&quot;".utf8))
            case UInt8(ascii: "'"): bytes.append(contentsOf: Array("&apos;".utf8))
            case 0x09, 0x0A, 0x0D: bytes.append(b)
            case 0..<0x20: bytes.append(UInt8(ascii: "?"))  // not representable in XML 1.0
            default: bytes.append(b)
            }
        }
        if descriptor != nil && bytes.count >= chunk { flush() }
    }

    /// Writes buffered bytes to the descriptor (no-op for in-memory outputs).
    public func flush() {
        guard let descriptor, !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = systemWrite(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // closed pipe (e.g. `| head`): drop the rest rather than crash
                }
                offset += n
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }

    /// Everything written, as text (in-memory outputs).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, buffer, count)
    #else
    Darwin.write(fd, buffer, count)
    #endif
}


/// One report format.
public protocol ReportWriter {
    func write(_ report: AuditReport, to output: ReportOutput)
}

/// The formats `gatehouse audit --format` accepts.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, sarif, junit, policyreport, html

    /// The writer for this format. `color` matters to `text` only.
    public func writer(color: Bool) -> any ReportWriter {
        writer(color: color, jobs: 1)
    }

    /// The writer for this format, allowed `jobs` threads to format a large report (`json` uses two at most;
    /// the output is the same whatever the number). `failOn` decides which findings fail a `junit` test case.
    public func writer(color: Bool, jobs: Int, failOn: FailThreshold = .severity(.high)) -> any ReportWriter {
        switch self {
        case .text: TextReportWriter(color: color)
        case .json: JSONReportWriter(jobs: jobs)
        case .sarif: SARIFReportWriter()
        case .junit: JUnitReportWriter(failOn: failOn)
        case .policyreport: PolicyReportWriter()
        case .html: HTMLReportWriter()
        }
    }
}
