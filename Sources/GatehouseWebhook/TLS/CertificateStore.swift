import Foundation
import NIOCore
import NIOSSL
import Synchronization

/// The serving certificate currently in use, swapped atomically on reload.
///
/// Every TLS handshake reads it once through ``contextCallback`` (NIOSSL's per-handshake override), so a
/// reload affects new handshakes only: handshakes in progress and established connections keep the
/// certificate they started with, and nothing is restarted.
public final class CertificateStore: Sendable {
    private let state: Mutex<ServingCertificate>

    public init(_ initial: ServingCertificate) {
        state = Mutex(initial)
    }

    public var current: ServingCertificate { state.withLock { $0 } }

    public func replace(_ certificate: ServingCertificate) {
        state.withLock { $0 = certificate }
    }

    /// The `sslContextCallback` for the server's `TLSConfiguration`.
    public var contextCallback: NIOSSLContextCallback {
        { [self] _, promise in
            let cert = current
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = cert.chain.map { .certificate($0) }
            override.privateKey = .privateKey(cert.key)
            promise.succeed(override)
        }
    }
}

/// TLS settings of the webhook's HTTPS listener.
public enum WebhookTLS {
    /// TLS 1.2 cipher suites: ECDHE with AEAD only (TLS 1.3's suites are fixed and all modern).
    public static let cipherSuites: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]

    /// A server configuration: TLS 1.2 minimum, modern suites, the store's certificate on every handshake,
    /// and, with `clientCA`, a required client certificate signed by one of those CAs.
    public static func serverConfiguration(store: CertificateStore, clientCA: [NIOSSLCertificate]?) -> TLSConfiguration {
        let initial = store.current
        var config = TLSConfiguration.makeServerConfiguration(
            certificateChain: initial.chain.map { .certificate($0) }, privateKey: .privateKey(initial.key))
        config.minimumTLSVersion = .tlsv12
        config.cipherSuiteValues = cipherSuites
        config.sslContextCallback = store.contextCallback
        // How long a close waits for the peer's close_notify. NIOSSL's default of 5 s would let a client that
        // keeps sending after an idle close hold its place in the listener 5 s longer.
        config.shutdownTimeout = .seconds(1)
        if let clientCA {
            config.certificateVerification = .noHostnameVerification
            config.trustRoots = .certificates(clientCA)
            config.sendCANameList = true
        }
        return config
    }

    /// Reads a PEM bundle of CA certificates for client verification.
    public static func loadClientCA(file: String) throws(CertificateError) -> [NIOSSLCertificate] {
        let certs: [NIOSSLCertificate]
        do {
            certs = try NIOSSLCertificate.fromPEMFile(file)
        } catch {
            throw CertificateError("\(file): cannot read the client CA bundle (\(error))")
        }
        guard !certs.isEmpty else { throw CertificateError("\(file): the client CA bundle holds no certificate") }
        return certs
    }
}
