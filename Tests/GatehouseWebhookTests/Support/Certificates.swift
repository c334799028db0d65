import Crypto
import Foundation
import GatehouseWebhook
import NIOSSL
import X509

/// Certificates tests need beyond the self-signed CA: client certificates and files laid out as the kubelet
/// mounts a Secret.
enum TestCertificates {
    /// A client certificate (for the API server's side of mutual TLS) signed by `ca`.
    static func clientIdentity(signedBy ca: SelfSignedCA) throws -> (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey) {
        let caKey = try P256.Signing.PrivateKey(pemRepresentation: ca.caKeyPEM)
        let caCert = try Certificate(pemEncoded: ca.caCertificatePEM)
        let key = P256.Signing.PrivateKey()
        let now = Date()
        let cert = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(3600),
            issuer: caCert.subject, subject: try DistinguishedName { CommonName("kube-apiserver") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                try ExtendedKeyUsage([.clientAuth])
            },
            issuerPrivateKey: .init(caKey))
        let pem = try cert.serializeAsPEM().pemString
        return (
            try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)),
            try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem)
        )
    }
}

/// A directory laid out as the kubelet mounts a Secret: `tls.crt -> ..data/tls.crt`, `..data -> ..<version>`;
/// an update writes a new version directory and renames a new `..data` link over the old one.
struct SecretVolume {
    let directory: URL
    var certificateFile: String { directory.appendingPathComponent("tls.crt").path }
    var keyFile: String { directory.appendingPathComponent("tls.key").path }
    private var version = 0

    init(_ ca: SelfSignedCA) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try update(ca)
        try FileManager.default.createSymbolicLink(atPath: certificateFile, withDestinationPath: "..data/tls.crt")
        try FileManager.default.createSymbolicLink(atPath: keyFile, withDestinationPath: "..data/tls.key")
    }

    /// Writes `ca`'s serving certificate as a new version and swaps `..data` atomically.
    mutating func update(_ ca: SelfSignedCA) throws {
        version += 1
        let name = "..2026_11_29_v\(version)"
        let versionDir = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: versionDir, withIntermediateDirectories: true)
        try ca.servingCertificatePEM.write(to: versionDir.appendingPathComponent("tls.crt"), atomically: true, encoding: .utf8)
        try ca.servingKeyPEM.write(to: versionDir.appendingPathComponent("tls.key"), atomically: true, encoding: .utf8)
        let tmp = directory.appendingPathComponent("..data_tmp").path
        try? FileManager.default.removeItem(atPath: tmp)
        try FileManager.default.createSymbolicLink(atPath: tmp, withDestinationPath: name)
        guard rename(tmp, directory.appendingPathComponent("..data").path) == 0 else {
            throw CertificateError("rename ..data failed: errno \(errno)")
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
