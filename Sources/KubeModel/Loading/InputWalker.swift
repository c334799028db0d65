#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One input of an audit: a file, or standard input.
public enum AuditInput: Sendable, Hashable, CustomStringConvertible {
    case file(String)
    case standardInput

    /// The name reports use: the path as found, `-` for standard input.
    public var description: String {
        switch self {
        case .file(let path): path
        case .standardInput: "-"
        }
    }
}

/// Expands the paths given on the command line into the files to audit.
///
/// A file argument is read whatever its extension (the user named it): `gatehouse audit audit.log` reads an API
/// server audit log (JSON Lines, recognised by the loader from the `.log`, `.jsonl` or `.ndjson` name). A
/// directory is walked recursively and yields files ending in `.yaml`, `.yml`, `.json` or `.jsonl`, each
/// directory's entries sorted by name so the order is
/// the same on every machine. Symbolic links are followed, but a directory already entered (same device and
/// inode) is not entered again, which stops link loops and duplicate visits. Hidden entries (`.git`) are
/// skipped inside walked directories. `-` stands for standard input (once).
///
/// A walk never picks up `*.log` files: directories hold logs of every kind, most of them not JSON, and a
/// log of megabytes read by accident would bury the report in errors. Name an audit log on the command line,
/// or keep audit-log exports as `*.jsonl`.
public struct InputWalker {
    public static let extensions = [".yaml", ".yml", ".json", ".jsonl"]
    /// The name endings a walked directory's files must have to be read.
    let extensions: [String]

    public init(extensions: [String] = InputWalker.extensions) {
        self.extensions = extensions
    }

    /// The inputs in argument order, and the arguments that could not be used.
    public func expand(_ arguments: [String]) -> (inputs: [AuditInput], errors: [LoadError]) {
        var inputs: [AuditInput] = []
        var errors: [LoadError] = []
        var visited = Set<FileIdentity>()
        var seenFiles = Set<FileIdentity>()
        var stdinSeen = false
        for argument in arguments {
            if argument == "-" {
                if !stdinSeen { inputs.append(.standardInput) }
                stdinSeen = true
                continue
            }
            var info = stat()
            guard stat(argument, &info) == 0 else {
                errors.append(LoadError(file: argument, position: .unknown, message: Self.errnoMessage(errno)))
                continue
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                walk(argument, identity: FileIdentity(info), visited: &visited, seen: &seenFiles,
                     inputs: &inputs, errors: &errors)
            } else if seenFiles.insert(FileIdentity(info)).inserted {
                inputs.append(.file(argument))
            }
        }
        return (inputs, errors)
    }

    private func walk(
        _ directory: String, identity: FileIdentity, visited: inout Set<FileIdentity>, seen: inout Set<FileIdentity>,
        inputs: inout [AuditInput], errors: inout [LoadError]
    ) {
        guard visited.insert(identity).inserted else { return }
        guard let handle = opendir(directory) else {
            errors.append(LoadError(file: directory, position: .unknown, message: Self.errnoMessage(errno)))
            return
        }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasPrefix(".") { continue }
            names.append(name)
        }
        closedir(handle)
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        for name in names {
            let path = prefix + name
            var info = stat()
            guard stat(path, &info) == 0 else {
                // A dangling symlink is not an input the user asked for by name; skip it silently only
                // when it would not have been audited anyway.
                if hasAuditedExtension(name) {
                    errors.append(LoadError(file: path, position: .unknown, message: Self.errnoMessage(errno)))
                }
                continue
            }
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR {
                walk(path, identity: FileIdentity(info), visited: &visited, seen: &seen, inputs: &inputs, errors: &errors)
            } else if kind == S_IFREG && hasAuditedExtension(name) {
                if seen.insert(FileIdentity(info)).inserted { inputs.append(.file(path)) }
            }
        }
    }

    func hasAuditedExtension(_ name: String) -> Bool {
        let lower = name.lowercased()
        return extensions.contains { lower.hasSuffix($0) }
    }

    public static func errnoMessage(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file or directory"
        case EACCES: "permission denied"
        case ELOOP: "too many levels of symbolic links"
        case ENOTDIR: "a path component is not a directory"
        default: String(cString: strerror(code))
        }
    }
}

/// A file's identity on disk, to recognise a directory or file reached twice through links.
struct FileIdentity: Hashable {
    let device: UInt64
    let inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
