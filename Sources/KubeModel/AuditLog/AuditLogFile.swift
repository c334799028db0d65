import CZlib
import Glibc

/// Reads one audit log (a file, or `-` for standard input) chunk by chunk into an ``AuditEventReader``,
/// inflating gzip-compressed input (rotated logs, `audit-….log.gz`) on the way. Compression is recognised by
/// the gzip magic bytes, not the name, so a renamed file or a compressed stdin is read too.
public enum AuditLogFile {
    static let chunkSize = 1 << 20

    /// Reads `path` to its end. Returns the reason when it cannot be opened or read; problems inside the
    /// input go to `onProblem`.
    public static func read(
        _ path: String, onEvent: (AuditEvent) -> Void, onProblem: (AuditReadProblem) -> Void
    ) -> String? {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var reader = AuditEventReader(file: path)
        var inflater: GzipInflater?
        var first = true
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, chunkSize)
            if count < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            if first {
                first = false
                if count >= 2, chunk[0] == 0x1F, chunk[1] == 0x8B { inflater = GzipInflater() }
            }
            if let inflater {
                if let problem = inflater.inflate(chunk, into: { reader.feed($0, onEvent: onEvent, onProblem: onProblem) }) {
                    onProblem(AuditReadProblem(origin: .init(file: path, line: 0), kind: .malformed, message: problem))
                    return nil
                }
            } else {
                reader.feed(chunk, onEvent: onEvent, onProblem: onProblem)
            }
        }
        if let inflater, !inflater.atEnd {
            onProblem(
                AuditReadProblem(
                    origin: .init(file: path, line: 0), kind: .truncated,
                    message: "the gzip data ends early (a file still being compressed?); the events before the cut are read"))
        }
        reader.finish(onEvent: onEvent, onProblem: onProblem)
        return nil
    }
}

/// Streaming gzip decompression with zlib. Concatenated gzip members (as `cat a.gz b.gz` makes) are read
/// one after another, as `gunzip` does.
final class GzipInflater {
    private var stream = z_stream()
    private var output: UnsafeMutablePointer<UInt8>
    private static let outputSize = 1 << 20
    /// Whether the last member read so far is complete.
    private(set) var atEnd = false

    init() {
        output = .allocate(capacity: Self.outputSize)
        // 15 window bits + 16: gzip wrapper only.
        _ = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    }

    deinit {
        inflateEnd(&stream)
        output.deallocate()
    }

    /// Inflates `input`, passing each block of output to `body`. Returns a message when the data is corrupt.
    func inflate(_ input: UnsafeRawBufferPointer, into body: (UnsafeRawBufferPointer) -> Void) -> String? {
        guard let base = input.baseAddress, input.count > 0 else { return nil }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        while stream.avail_in > 0 {
            if atEnd {
                // Another member follows the one that ended.
                guard inflateReset(&stream) == Z_OK else { return "the gzip data is corrupt" }
                atEnd = false
            }
            stream.next_out = output
            stream.avail_out = uInt(Self.outputSize)
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            let produced = Self.outputSize - Int(stream.avail_out)
            if produced > 0 { body(UnsafeRawBufferPointer(start: output, count: produced)) }
            switch status {
            case Z_STREAM_END: atEnd = true
            case Z_OK: continue
            case Z_BUF_ERROR where produced > 0: continue
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                return "the gzip data is corrupt (\(reason)); the events before it are read"
            }
        }
        return nil
    }
}
