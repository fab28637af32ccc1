import Crypto
import Foundation
import X509

/// A Document Signer: the key that signs EF.SOD and its certificate, issued by the CSCA.
public struct DocumentSigner: Sendable {
    public let certificate: Certificate
    let privateKey: P256.Signing.PrivateKey
    /// Written into every EF.SOD: serialised once.
    let certificateDER: [UInt8]
    /// The SignerInfo's IssuerAndSerialNumber, serialised once.
    let issuerAndSerialDER: [UInt8]

    public init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) throws(PKIError) {
        guard certificate.publicKey == Certificate.PublicKey(privateKey.publicKey) else { throw .keyDoesNotMatchCertificate }
        self.certificate = certificate
        self.privateKey = privateKey
        do {
            certificateDER = try DERBytes.of(certificate)
            issuerAndSerialDER = try DERBytes.wrapped(.sequence) { coder in
                try coder.serialize(certificate.issuer)
                try coder.serialize(certificate.serialNumber.bytes)
            }
        } catch {
            throw .unreadable(file: "Document Signer certificate", reason: "\(error)")
        }
    }

    /// ECDSA over SHA-256, DER-encoded (ecdsa-with-SHA256).
    func sign(_ bytes: [UInt8]) throws -> [UInt8] {
        Array(try privateKey.signature(for: SHA256.hash(data: bytes)).derRepresentation)
    }
}
