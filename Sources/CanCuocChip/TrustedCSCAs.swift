import Foundation
import SwiftASN1
import X509

/// The CSCA certificates a verifier trusts (a master list), read from PEM.
public struct TrustedCSCAs: Sendable {
    public let certificates: [Certificate]

    public init(_ certificates: [Certificate]) {
        self.certificates = certificates
    }

    /// Every CERTIFICATE block of a PEM text (one certificate or a bundle such as `cancuoc pki masterlist`).
    public init(pem: String) throws {
        certificates = try PEMDocument.parseMultiple(pemString: pem).filter { $0.discriminator == "CERTIFICATE" }.map { try Certificate(pemDocument: $0) }
    }

    /// The CSCAs of a PKI folder (public certificates only: no passphrase needed). None when the folder is missing.
    public init(pkiDirectory url: URL) throws {
        certificates = try PKIDirectory(url: url).cscaCertificates()
    }

    public var isEmpty: Bool { certificates.isEmpty }
}
