#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KubeModel

/// All of standard input, read before the workers start: it can be read only once, and an audit that collects
/// namespaces first reads every input twice. (Files are read by KubeModel's loader, memory-mapped.)
final class InputBytes {
    private let base: UnsafeMutableRawPointer?
    private let count: Int

    private init(base: UnsafeMutableRawPointer?, count: Int) {
        self.base = base
        self.count = count
    }

    deinit {
        guard let base else { return }
        free(base)
    }

    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        body(UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : count))
    }

    /// Reads all of standard input (or the descriptor standing for it).
    static func readStandardInput(_ descriptor: Int32) -> Result<InputBytes, LoadError> {
        readAll(descriptor: descriptor, name: "-")
    }

    private static func readAll(descriptor: Int32, name: String) -> Result<InputBytes, LoadError> {
        var capacity = 1 << 16
        var count = 0
        guard var buffer = malloc(capacity) else {
            return .failure(LoadError(file: name, position: .unknown, message: "out of memory"))
        }
        while true {
            if count == capacity {
                capacity *= 2
                guard let grown = realloc(buffer, capacity) else {
                    free(buffer)
                    return .failure(LoadError(file: name, position: .unknown, message: "out of memory"))
                }
                buffer = grown
            }
            let n = Glibc.read(descriptor, buffer + count, capacity - count)
            if n < 0 {
                if errno == EINTR { continue }
                let message = InputWalker.errnoMessage(errno)
                free(buffer)
                return .failure(LoadError(file: name, position: .unknown, message: message))
            }
            if n == 0 { break }
            count += n
        }
        return .success(InputBytes(base: buffer, count: count))
    }
}

/// A byte search over an input without parsing it, to skip inputs that cannot hold what a pass looks for.
enum InputScan {
    /// Whether `word` occurs in the input's bytes. `true` when the input cannot be searched (the parse that
    /// follows reports the problem).
    static func mayMention(_ word: String, in input: AuditInput, standardInput: SendableResult?) -> Bool {
        let needle = Array(word.utf8)
        switch input {
        case .standardInput:
            guard case .success(let data)? = standardInput?.value else { return true }
            return data.withBytes { contains(needle, in: $0) }
        case .file(let path):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return true }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return true }
            let size = Int(info.st_size)
            if size == 0 { return false }
            guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else { return true }
            defer {
                _ = madvise(mapped, size, MADV_DONTNEED)
                munmap(mapped, size)
            }
            // Searched a window at a time, each window's pages released once searched: a search over the whole
            // mapping kept every page of the file resident, so a 1.2 GB export raised the audit's peak memory by
            // its size before the parse began.
            let window = 8 << 20
            var start = 0
            while start < size {
                let end = min(size, start + window + needle.count - 1)
                if contains(needle, in: UnsafeRawBufferPointer(start: mapped + start, count: end - start)) { return true }
                _ = madvise(mapped + start, min(window, size - start), MADV_DONTNEED)
                start += window
            }
            return false
        }
    }

    static func contains(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Bool {
        guard let base = haystack.baseAddress, !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = Int32(needle[0])
        var offset = 0
        let last = haystack.count - needle.count
        while offset <= last {
            // memchr finds candidates at memory speed; most bytes are never compared.
            guard let hit = memchr(base + offset, first, last - offset + 1) else { return false }
            let start = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(hit, needle, needle.count) == 0 { return true }
            offset = start + 1
        }
        return false
    }
}
