import Foundation
import Logging
import ServiceLifecycle

/// Watches the certificate and key files and swaps the served certificate when they change.
///
/// Polls `stat(2)` of both paths (following symlinks) every `interval`: device, inode, size and modification
/// time. The kubelet updates a mounted Secret by writing a new timestamped directory and renaming the `..data`
/// symlink, so the resolved inode changes atomically; an in-place rewrite changes size or mtime. A change
/// whose files cannot be read, or whose key does not match the certificate (one file written, the other not
/// yet), is counted as a failed reload, the old certificate stays, and the next poll tries again.
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

        init?(_ paths: [String]) {
            var parts: [UInt64] = []
            for path in paths {
                var s = stat()
                guard stat(path, &s) == 0 else { return nil }
                parts += [
                    UInt64(s.st_dev), UInt64(s.st_ino), UInt64(bitPattern: Int64(s.st_size)),
                    UInt64(bitPattern: Int64(s.st_mtim.tv_sec)), UInt64(bitPattern: Int64(s.st_mtim.tv_nsec)),
                ]
            }
            self.parts = parts
        }
    }

    public func run() async throws {
        var loaded = Fingerprint([certificateFile, keyFile])
        metrics?.setCertificateExpiry(unixTime: store.current.notValidAfter.timeIntervalSince1970)
        while !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            if Task.isShuttingDownGracefully { return }
            let now = Fingerprint([certificateFile, keyFile])
            guard let now, now != loaded else { continue }
            if reloadNow() { loaded = now }
        }
    }

    /// Reads the files now; `true` when the new certificate is in use.
    @discardableResult
    public func reloadNow() -> Bool {
        do {
            let cert = try ServingCertificate(certificateFile: certificateFile, keyFile: keyFile)
            store.replace(cert)
            metrics?.recordCertificateReload(success: true)
            metrics?.setCertificateExpiry(unixTime: cert.notValidAfter.timeIntervalSince1970)
            logger.info(
                "serving certificate reloaded",
                metadata: ["file": .string(certificateFile), "notAfter": .string("\(cert.notValidAfter)")])
            return true
        } catch {
            metrics?.recordCertificateReload(success: false)
            logger.warning(
                "serving certificate not reloaded; keeping the current one",
                metadata: ["error": .string(error.description)])
            return false
        }
    }
}
