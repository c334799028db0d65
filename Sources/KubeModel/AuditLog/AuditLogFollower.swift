import Glibc

/// Follows one growing audit log as `tail -F` does: reads what is appended, and keeps following the name
/// across rotation.
///
/// Rotation is seen by polling `stat` of the name when the open file has no more to read:
/// - the name now points at another file (the log backend renamed the old one to `NAME-TIMESTAMP.log` and
///   created a new one): the old file is read to its end first, then the new one from its start;
/// - the file is shorter than what was read (truncated in place, as `copytruncate` does): it is read again from
///   its start;
/// - the name is gone (renamed, not yet recreated): the open file is still read, and the name is tried again on
///   every poll.
/// The old file is read through the descriptor already open, so a rotated file that is compressed and removed
/// meanwhile still yields its last lines. A gzip-compressed file given to follow is inflated from its start.
///
/// Known limit, shared with `tail -F`: a file truncated in place and written past the point already read
/// before the next poll looks like a file that grew; the lines written before that point are missed.
///
/// Standard input (`-`) is read until it ends; there is nothing to rotate.
///
/// Memory: one read buffer and the reader's current line, whatever the file's size.
public final class AuditLogFollower {
    /// Where following starts in the file present at the first poll. Files that replace it are always read
    /// from their start: every line of a rotated-in file is new.
    public enum Start: Sendable {
        /// Only what is appended from now on (as `tail -F -n 0`).
        case end
        /// The whole file first, then what is appended.
        case beginning
    }

    /// What happened to the followed name, for the user: not an error.
    public struct Notice: Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    public let path: String
    private var start: Start
    private var fd: Int32 = -1
    private var identity: (device: dev_t, inode: ino_t)?
    /// Bytes of the open file read so far (of the compressed data for a gzip file).
    private var offset: off_t = 0
    private var reader: AuditEventReader
    private var inflater: GzipInflater?
    /// Discard bytes up to the next newline: following began in the middle of a line being written.
    private var skippingPartialLine = false
    private var saidMissing = false
    /// Standard input has ended.
    public private(set) var ended = false

    static let chunkSize = 1 << 20
    /// Chunks read per poll before returning, so that a large backlog does not delay a stop request.
    static let chunksPerPoll = 16
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)

    public init(path: String, start: Start) {
        self.path = path
        self.start = start
        reader = AuditEventReader(file: path)
        if path == "-" { fd = STDIN_FILENO }
    }

    deinit {
        if fd > STDIN_FILENO { close(fd) }
        buffer.deallocate()
    }

    /// The descriptor to wait on for more input, when reading it could block (standard input).
    public var blockingDescriptor: Int32? { path == "-" && !ended ? STDIN_FILENO : nil }

    /// Reads what is available now, handling rotation. Returns whether any bytes were read (poll again at once)
    /// or not (wait a moment before the next poll).
    public func poll(
        onEvent: (AuditEvent) -> Void, onProblem: (AuditReadProblem) -> Void, onNotice: (Notice) -> Void
    ) -> Bool {
        if ended { return false }
        if fd < 0, !open(onProblem: onProblem, onNotice: onNotice) { return false }
        var progressed = false
        for _ in 0..<Self.chunksPerPoll {
            if path == "-", !Self.isReadable(fd) { return progressed }
            let count = Glibc.read(fd, buffer.baseAddress, Self.chunkSize)
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { return progressed }
                onProblem(AuditReadProblem(origin: .init(file: path, line: 0), kind: .malformed, message: String(cString: strerror(errno))))
                ended = path == "-"
                return progressed
            }
            if count == 0 {
                if path == "-" {
                    ended = true
                    finish(onEvent: onEvent, onProblem: onProblem)
                    return progressed
                }
                return checkRotation(onEvent: onEvent, onProblem: onProblem, onNotice: onNotice) || progressed
            }
            consume(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), onEvent: onEvent, onProblem: onProblem)
            offset += off_t(count)
            progressed = true
        }
        return progressed
    }

    /// Ends following: a last line without its newline is read (or reported as cut).
    public func finish(onEvent: (AuditEvent) -> Void, onProblem: (AuditReadProblem) -> Void) {
        reader.finish(onEvent: onEvent, onProblem: onProblem)
    }

    // MARK: - Opening and rotation

    private func open(onProblem: (AuditReadProblem) -> Void, onNotice: (Notice) -> Void) -> Bool {
        let opened = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else {
            if !saidMissing {
                saidMissing = true
                onNotice(Notice(path: path, message: "\(String(cString: strerror(errno))); waiting for it to appear"))
            }
            // Every line of a file that appears later is new.
            start = .beginning
            return false
        }
        var info = stat()
        fstat(opened, &info)
        let isFirst = identity == nil
        fd = opened
        identity = (info.st_dev, info.st_ino)
        offset = 0
        inflater = nil
        skippingPartialLine = false
        reader = AuditEventReader(file: path)
        if saidMissing {
            onNotice(Notice(path: path, message: "appeared; reading it from its start"))
        } else if start == .end, !isCompressed() {
            // Lines are counted up to the end so that problems name the file's own lines.
            let (lines, endsInsideLine) = Self.countLines(fd, buffer: buffer)
            offset = lseek(fd, 0, SEEK_END)
            skippingPartialLine = endsInsideLine
            reader = AuditEventReader(file: path, firstLine: lines + 1 + (endsInsideLine ? 1 : 0))
            onNotice(Notice(path: path, message: "following from its end (line \(lines + 1))"))
        } else if isFirst {
            onNotice(Notice(path: path, message: "following from its start"))
        }
        saidMissing = false
        // Whatever replaces this file later is read whole.
        start = .beginning
        return true
    }

    /// At the end of the open file: switches to a file that replaced it, or rereads a truncated one. Returns
    /// whether it did (poll again at once).
    private func checkRotation(
        onEvent: (AuditEvent) -> Void, onProblem: (AuditReadProblem) -> Void, onNotice: (Notice) -> Void
    ) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if !saidMissing {
                saidMissing = true
                onNotice(Notice(path: path, message: "renamed or removed; waiting for a new file of that name"))
            }
            return false
        }
        if let identity, info.st_dev != identity.device || info.st_ino != identity.inode {
            // Rotated: the old file has been read to its end (this poll's read returned 0).
            reader.finish(onEvent: onEvent, onProblem: onProblem)
            close(fd)
            fd = -1
            saidMissing = false
            onNotice(Notice(path: path, message: "replaced (rotated); reading the new file from its start"))
            return open(onProblem: onProblem, onNotice: onNotice)
        }
        if info.st_size < offset, inflater == nil {
            reader.finish(onEvent: onEvent, onProblem: onProblem)
            lseek(fd, 0, SEEK_SET)
            offset = 0
            skippingPartialLine = false
            reader = AuditEventReader(file: path)
            onNotice(Notice(path: path, message: "truncated; reading it again from its start"))
            return true
        }
        return false
    }

    // MARK: - Bytes

    private func consume(
        _ chunk: UnsafeRawBufferPointer, onEvent: (AuditEvent) -> Void, onProblem: (AuditReadProblem) -> Void
    ) {
        var chunk = chunk
        if offset == 0, chunk.count >= 2, chunk[0] == 0x1F, chunk[1] == 0x8B { inflater = GzipInflater() }
        if let inflater {
            if let problem = inflater.inflate(chunk, into: { reader.feed($0, onEvent: onEvent, onProblem: onProblem) }) {
                onProblem(AuditReadProblem(origin: .init(file: path, line: 0), kind: .malformed, message: problem))
            }
            return
        }
        if skippingPartialLine {
            guard let newline = chunk.firstIndex(of: 0x0A) else { return }
            skippingPartialLine = false
            chunk = UnsafeRawBufferPointer(rebasing: chunk[(newline + 1)...])
        }
        reader.feed(chunk, onEvent: onEvent, onProblem: onProblem)
    }

    private func isCompressed() -> Bool {
        var magic: (UInt8, UInt8) = (0, 0)
        return pread(fd, &magic, 2, 0) == 2 && magic == (0x1F, 0x8B)
    }

    /// The newlines in the file from its start, and whether its last byte is not one (a line being written).
    private static func countLines(_ fd: Int32, buffer: UnsafeMutableRawBufferPointer) -> (Int, Bool) {
        var lines = 0
        var last: UInt8 = 0x0A
        var position: off_t = 0
        while true {
            let count = pread(fd, buffer.baseAddress, buffer.count, position)
            if count <= 0 { break }
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            var rest = bytes.baseAddress!
            var left = count
            while left > 0, let found = memchr(rest, 0x0A, left) {
                lines += 1
                let next = UnsafeRawPointer(found) + 1
                left -= next - rest
                rest = next
            }
            last = bytes[count - 1]
            position += off_t(count)
        }
        return (lines, last != 0x0A)
    }

    private static func isReadable(_ fd: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return Glibc.poll(&entry, 1, 0) > 0
    }
}
