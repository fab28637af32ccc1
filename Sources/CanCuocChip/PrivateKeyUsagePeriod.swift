import Foundation
import SwiftASN1
import X509

/// PrivateKeyUsagePeriod ::= SEQUENCE { notBefore [0] IMPLICIT GeneralizedTime, notAfter [1] IMPLICIT
/// GeneralizedTime } (OID 2.5.29.16). swift-certificates has no type for it; ICAO 9303 Part 12 requires it in
/// CSCA and Document Signer certificates: the key signs only in this window, the certificate lives longer so
/// that the documents it signed can be checked until they expire.
public struct PrivateKeyUsagePeriod: Hashable, Sendable {
    public var notBefore: Date
    public var notAfter: Date

    public init(notBefore: Date, notAfter: Date) {
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    public init(_ certificate: Certificate) throws {
        guard let ext = certificate.extensions.first(where: { $0.oid == ChipOID.privateKeyUsagePeriod }) else {
            throw ASN1Error.invalidASN1Object(reason: "no private key usage period")
        }
        let node = try DER.parse(ext.value)
        (notBefore, notAfter) = try DER.sequence(node, identifier: .sequence) { nodes in
            let start = try GeneralizedTime(derEncoded: &nodes, withIdentifier: DERBytes.context(0))
            let end = try GeneralizedTime(derEncoded: &nodes, withIdentifier: DERBytes.context(1))
            return (Date(generalized: start), Date(generalized: end))
        }
    }

    /// The newest of `certificates` whose private key may sign at `date` (its usage period covers it).
    static func newest(of certificates: [Certificate], keyUsableAt date: Date) -> Certificate? {
        certificates.filter { cert in
            (try? PrivateKeyUsagePeriod(cert)).map { $0.notBefore <= date && date <= $0.notAfter } ?? false
        }.max { $0.notValidBefore < $1.notValidBefore }
    }

    public func makeExtension() throws -> Certificate.Extension {
        let value = try DERBytes.wrapped(.sequence) { coder in
            try GeneralizedTime(notBefore).serialize(into: &coder, withIdentifier: DERBytes.context(0))
            try GeneralizedTime(notAfter).serialize(into: &coder, withIdentifier: DERBytes.context(1))
        }
        return Certificate.Extension(oid: ChipOID.privateKeyUsagePeriod, critical: false, value: value[...])
    }
}
