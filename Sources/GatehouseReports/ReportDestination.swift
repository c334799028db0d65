#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One more report of the same run (`--output FORMAT=FILE`), written beside the main `--format` output.
public struct ReportDestination: Sendable, Hashable, CustomStringConvertible {
    public var format: ReportFormat
    public var path: String

    public init(format: ReportFormat, path: String) {
        self.format = format
        self.path = path
    }

    /// Reads `FORMAT=FILE` (`sarif=results.sarif`); the error says what was expected.
    public init(argument: String) throws(ReportDestinationError) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex,
            argument.index(after: equals) != argument.endIndex
        else {
            throw ReportDestinationError("--output takes FORMAT=FILE (for example sarif=results.sarif), not \"\(argument)\"")
        }
        let name = String(argument[..<equals])
        guard let format = ReportFormat(rawValue: name) else {
            let known = ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw ReportDestinationError("--output \(argument): \"\(name)\" is not a report format (\(known))")
        }
        self.init(format: format, path: String(argument[argument.index(after: equals)...]))
    }

    public var description: String { "\(format.rawValue)=\(path)" }

    /// Creates (or truncates) the file and returns an output flushed to it; the caller closes it with
    /// ``close(_:)``. Opened before the audit runs, so a path that cannot be written fails at once.
    public func open() throws(ReportDestinationError) -> OpenReportFile {
        try OpenReportFile(path: path, what: "the \(format.rawValue) report")
    }
}

/// A report file opened for one run, flushed and closed when released.
public final class OpenReportFile {
    public let path: String
    public let output: ReportOutput
    private let descriptor: Int32

    /// Creates (or truncates) `path`; `what` names the report in the error (`the sarif report`).
    public init(path: String, what: String) throws(ReportDestinationError) {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ReportDestinationError("cannot write \(what) to \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
        descriptor = fd
        output = ReportOutput(descriptor: fd)
    }

    deinit {
        output.flush()
        Glibc.close(descriptor)
    }
}

public struct ReportDestinationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
