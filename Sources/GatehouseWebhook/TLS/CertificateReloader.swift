import Foundation
import Logging
import ServiceLifecycle

/// Watches the certificate and key files and swaps the served certificate when they change.
///
/// Polls `stat(2)` of both paths (following symlinks) every `interval`: device, inode, size and modification
/// time. The kubelet updates a mounted Secret by writing a new timestamped directory and renaming the `..data`
/// symlink, so the resolved inode changes atomically; an in-place rewrite changes size or mtime. A file that
/// disappears, a change whose files cannot be read, or whose key does not match the certificate (one file
/// written, the other not yet) is a failed reload: the old certificate stays, every failed poll is counted
/// (`gatehouse_certificate_reloads_total{result="failure"}`, so an alert sees the Secret stay broken), the
/// problem is logged at error once (again when it changes), and the next poll tries again.
public struct CertificateReloader: Service {
    public let certificateFile: String
    public let keyFile: String
    public let store: CertificateStore
    public let interval: Duration
    let metrics: WebhookMetrics?
    let logger: Logger

    public init(
        certificateFile: String, keyFile: String, store: CertificateStore, interval: Duration = .seconds(2),
        metrics: WebhookMetrics?, logger: Logger
    ) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.store = store
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
    }

    /// Identity of the files as last loaded.
    struct Fingerprint: Equatable {
        var parts: [UInt64]

        /// Throws ``MissingFile`` when a path cannot be `stat`ed (a Secret that lost its key, a broken link).
        init(_ paths: [String]) throws(MissingFile) {
            var parts: [UInt64] = []
            for path in paths {
                var s = stat()
                guard stat(path, &s) == 0 else { throw MissingFile(path: path, reason: String(cString: strerror(errno))) }
                parts += [
                    UInt64(s.st_dev), UInt64(s.st_ino), UInt64(bitPattern: Int64(s.st_size)),
                    UInt64(bitPattern: Int64(s.st_mtim.tv_sec)), UInt64(bitPattern: Int64(s.st_mtim.tv_nsec)),
                ]
            }
            self.parts = parts
        }
    }

    /// A certificate or key path that cannot be `stat`ed.
    struct MissingFile: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "\(path): \(reason)" }
    }

    public func run() async throws {
        var loaded = try? Fingerprint([certificateFile, keyFile])
        // The problem of the last failed poll, logged once until it changes or a reload succeeds.
        var lastProblem: String?
        metrics?.setCertificateExpiry(unixTime: store.current.notValidAfter.timeIntervalSince1970)
        await everyInterval(interval) {
            let now: Fingerprint
            do {
                now = try Fingerprint([certificateFile, keyFile])
            } catch {
                lastProblem = reportFailure("\(error)", lastProblem: lastProblem)
                return
            }
            guard now != loaded else { return }
            switch attempt() {
            case nil:
                loaded = now
                lastProblem = nil
            case let problem?:
                lastProblem = reportFailure(problem, lastProblem: lastProblem)
            }
        }
    }

    /// Reads the files now; `true` when the new certificate is in use.
    @discardableResult
    public func reloadNow() -> Bool {
        guard let problem = attempt() else { return true }
        reportFailure(problem, lastProblem: nil)
        return false
    }

    /// Loads and swaps in the files' certificate; the problem when they cannot be used, else `nil`.
    private func attempt() -> String? {
        do {
            let cert = try ServingCertificate(certificateFile: certificateFile, keyFile: keyFile)
            store.replace(cert)
            metrics?.recordCertificateReload(success: true)
            metrics?.setCertificateExpiry(unixTime: cert.notValidAfter.timeIntervalSince1970)
            logger.info(
                "serving certificate reloaded",
                metadata: ["file": .string(certificateFile), "notAfter": .string("\(cert.notValidAfter)")])
            return nil
        } catch {
            return error.description
        }
    }

    /// Counts a failed reload and logs it at error unless it repeats `lastProblem`; returns the problem.
    @discardableResult
    private func reportFailure(_ problem: String, lastProblem: String?) -> String {
        metrics?.recordCertificateReload(success: false)
        if problem != lastProblem {
            logger.error(
                "serving certificate not reloaded; keeping the current one",
                metadata: ["error": .string(problem), "file": .string(certificateFile), "keyFile": .string(keyFile)])
        }
        return problem
    }
}
