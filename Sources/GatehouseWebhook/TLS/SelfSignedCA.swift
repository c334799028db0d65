import Crypto
import Foundation
import SwiftASN1
import X509

/// An in-memory CA and a serving certificate it signs, for trying the webhook locally (`--self-signed`).
///
/// ECDSA P-256 keys. The serving certificate names `localhost`, `127.0.0.1`, `::1` and any extra DNS names
/// (e.g. the Service's `gatehouse.gatehouse.svc`). Nothing is written to disk unless asked.
public struct SelfSignedCA: Sendable {
    public let caCertificatePEM: String
    public let servingCertificatePEM: String
    public let servingKeyPEM: String

    public init(dnsNames: [String] = [], validity: Duration = .seconds(365 * 24 * 3600), now: Date = Date()) throws {
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("Gatehouse")
            CommonName("Gatehouse local CA")
        }
        let seconds = TimeInterval(validity.components.seconds)
        let notBefore = now.addingTimeInterval(-300)
        let notAfter = now.addingTimeInterval(seconds)
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(caKey.publicKey))
            },
            issuerPrivateKey: .init(caKey))

        let key = P256.Signing.PrivateKey()
        var names: [GeneralName] = [.dnsName("localhost")]
        names += dnsNames.map { .dnsName($0) }
        names.append(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])))
        names.append(.ipAddress(ASN1OctetString(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])))
        let subject = try DistinguishedName {
            OrganizationName("Gatehouse")
            CommonName(dnsNames.first ?? "localhost")
        }
        let serving = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: caName, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: .init(caKey.publicKey)).keyIdentifier)
            },
            issuerPrivateKey: .init(caKey))

        caCertificatePEM = try ca.serializeAsPEM().pemString + "\n"
        servingCertificatePEM = try serving.serializeAsPEM().pemString + "\n"
        servingKeyPEM = key.pemRepresentation + "\n"
        self.caKeyPEM = caKey.pemRepresentation + "\n"
    }

    /// The CA's private key, for tests that sign more certificates (client certificates, rotated ones).
    public let caKeyPEM: String

    /// The serving certificate for the listener.
    public func servingCertificate() throws(CertificateError) -> ServingCertificate {
        try ServingCertificate(certificatePEM: servingCertificatePEM, keyPEM: servingKeyPEM, source: "self-signed")
    }
}
