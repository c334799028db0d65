import Foundation
import NIOSSL
import X509

/// A serving certificate chain and its private key, parsed and checked to belong together.
public struct ServingCertificate: Sendable {
    public let chain: [NIOSSLCertificate]
    public let key: NIOSSLPrivateKey
    public let notValidBefore: Date
    public let notValidAfter: Date

    /// Parses PEM text. `source` names where it came from in error messages.
    public init(certificatePEM: String, keyPEM: String, source: String) throws(CertificateError) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8))
        } catch {
            throw CertificateError("\(source): the certificate file holds no readable PEM certificate (\(error))")
        }
        guard !chain.isEmpty else { throw CertificateError("\(source): the certificate file holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        } catch {
            throw CertificateError("\(source): the key file holds no readable PEM private key (\(error))")
        }
        // The leaf must match the key: a Secret updated one file at a time must not be served half-new.
        let leaf: Certificate
        let privateKey: Certificate.PrivateKey
        do {
            leaf = try Certificate(pemEncoded: Self.firstPEMBlock(certificatePEM))
            privateKey = try Certificate.PrivateKey(pemEncoded: keyPEM)
        } catch {
            throw CertificateError("\(source): cannot read the certificate or key for checking (\(error))")
        }
        guard privateKey.publicKey == leaf.publicKey else {
            throw CertificateError("\(source): the private key does not belong to the certificate")
        }
        self.chain = chain
        self.key = key
        self.notValidBefore = leaf.notValidBefore
        self.notValidAfter = leaf.notValidAfter
    }

    /// Reads both files. Symlinks are followed, as the kubelet's `..data` layout needs.
    public init(certificateFile: String, keyFile: String) throws(CertificateError) {
        let cert: String
        let key: String
        do {
            cert = try String(contentsOfFile: certificateFile, encoding: .utf8)
        } catch {
            throw CertificateError("\(certificateFile): cannot read the certificate file (\(error.localizedDescription))")
        }
        do {
            key = try String(contentsOfFile: keyFile, encoding: .utf8)
        } catch {
            throw CertificateError("\(keyFile): cannot read the key file (\(error.localizedDescription))")
        }
        try self.init(certificatePEM: cert, keyPEM: key, source: "\(certificateFile) + \(keyFile)")
    }

    /// Whether `date` is inside the leaf's validity period.
    public func isValid(at date: Date = Date()) -> Bool {
        date >= notValidBefore && date <= notValidAfter
    }

    static func firstPEMBlock(_ pem: String) -> String {
        guard let end = pem.range(of: "-----END CERTIFICATE-----") else { return pem }
        return String(pem[..<end.upperBound])
    }
}

/// A certificate or key problem, naming the file.
public struct CertificateError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
