#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KubeModel

/// The bytes of one input, memory-mapped for regular files and read fully for pipes and standard input.
///
/// Mapping avoids copying large files and lets the kernel drop their pages under memory pressure.
final class InputBytes {
    private let base: UnsafeMutableRawPointer?
    private let count: Int
    private let mapped: Bool

    private init(base: UnsafeMutableRawPointer?, count: Int, mapped: Bool) {
        self.base = base
        self.count = count
        self.mapped = mapped
    }

    deinit {
        guard let base else { return }
        if mapped { munmap(base, count) } else { free(base) }
    }

    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        body(UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : count))
    }

    /// Reads all of standard input (or the descriptor standing for it).
    static func readStandardInput(_ descriptor: Int32) -> Result<InputBytes, LoadError> {
        readAll(descriptor: descriptor, name: "-")
    }

    /// Reads `input`, or describes why it cannot be read.
    static func read(_ input: AuditInput) -> Result<InputBytes, LoadError> {
        switch input {
        case .standardInput:
            return readAll(descriptor: 0, name: "-")
        case .file(let path):
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else {
                return .failure(LoadError(file: path, position: .unknown, message: InputWalker.errnoMessage(errno)))
            }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                return .failure(LoadError(file: path, position: .unknown, message: InputWalker.errnoMessage(errno)))
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                return .failure(LoadError(file: path, position: .unknown, message: "is a directory"))
            }
            let size = Int(info.st_size)
            if (info.st_mode & S_IFMT) == S_IFREG && size > 0 {
                let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
                if let address, address != MAP_FAILED {
                    return .success(InputBytes(base: address, count: size, mapped: true))
                }
            }
            return readAll(descriptor: fd, name: path)
        }
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
        return .success(InputBytes(base: buffer, count: count, mapped: false))
    }
}
