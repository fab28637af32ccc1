import Crypto
import Foundation
import SwiftASN1
import X509

/// Certificates as ICAO 9303 Part 12 (section 7) profiles them.
///
/// CSCA: self-signed, P-384 with ecdsa-with-SHA384; basicConstraints critical CA with path length 0;
/// keyUsage critical keyCertSign and cRLSign; subject key identifier; private key usage period.
/// Document Signer: P-256; keyUsage critical digitalSignature; authority and subject key identifiers;
/// private key usage period; the document type list ("ID"). Its certificate stays valid for the private key
/// usage period plus the longest card it can sign, so a card can be checked until it expires.
public enum CertificateProfiles {
    public static let country = "VN"
    public static let organisation = "Ministry of Public Security"
    /// The longest finite card validity: a card issued just inside the window before 40 runs to 60 (22 years);
    /// one year more for margin. Cards without expiry are checked against the issue date (docs/card.md).
    public static let longestCardYears = 23
    public static let cscaKeyUsageYears = 5
    public static let dsKeyUsageMonths = 3

    public static func cscaName(serial: String) throws -> DistinguishedName {
        try DistinguishedName {
            CountryName(country)
            OrganizationName(organisation)
            CommonName("CSCA Viet Nam \(serial)")
        }
    }

    public static func csca(key: P384.Signing.PrivateKey, notBefore: Date) throws -> Certificate {
        let serial = Certificate.SerialNumber()
        let name = try cscaName(serial: shortSerial(serial))
        let keyEnd = add(years: cscaKeyUsageYears, to: notBefore)
        let publicKey = Certificate.PublicKey(key.publicKey)
        let ski = SubjectKeyIdentifier(hash: publicKey)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            ski
            AuthorityKeyIdentifier(keyIdentifier: ski.keyIdentifier)
            try PrivateKeyUsagePeriod(notBefore: notBefore, notAfter: keyEnd).makeExtension()
        }
        // The CSCA outlives its key by the longest Document Signer certificate it may issue.
        let notAfter = add(months: dsKeyUsageMonths, to: add(years: longestCardYears, to: keyEnd))
        return try Certificate(
            version: .v3, serialNumber: serial, publicKey: publicKey, notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA384, extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(key))
    }

    public static func documentSigner(key: P256.Signing.PrivateKey, csca: Certificate, cscaKey: P384.Signing.PrivateKey,
                                      notBefore: Date, keyUsageMonths: Int = dsKeyUsageMonths,
                                      validityYears: Int = longestCardYears) throws -> Certificate {
        let serial = Certificate.SerialNumber()
        let subject = try DistinguishedName {
            CountryName(country)
            OrganizationName(organisation)
            CommonName("Document Signer Viet Nam \(shortSerial(serial))")
        }
        let keyEnd = add(months: keyUsageMonths, to: notBefore)
        let publicKey = Certificate.PublicKey(key.publicKey)
        let cscaSKI = try csca.extensions.subjectKeyIdentifier?.keyIdentifier ?? SubjectKeyIdentifier(hash: csca.publicKey).keyIdentifier
        let extensions = try Certificate.Extensions {
            Critical(KeyUsage(digitalSignature: true))
            AuthorityKeyIdentifier(keyIdentifier: cscaSKI)
            SubjectKeyIdentifier(hash: publicKey)
            try PrivateKeyUsagePeriod(notBefore: notBefore, notAfter: keyEnd).makeExtension()
            try documentTypeList(["ID"])
        }
        return try Certificate(
            version: .v3, serialNumber: serial, publicKey: publicKey, notValidBefore: notBefore,
            notValidAfter: add(years: validityYears, to: keyEnd), issuer: csca.subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA384, extensions: extensions, issuerPrivateKey: Certificate.PrivateKey(cscaKey))
    }

    /// DocumentTypeListSyntax ::= SEQUENCE { version INTEGER (0), docTypeList SET OF PrintableString }.
    static func documentTypeList(_ types: [String]) throws -> Certificate.Extension {
        let value = try DERBytes.wrapped(.sequence) { coder in
            try coder.serialize(0)
            try coder.serializeSetOf(try types.map { try ASN1PrintableString($0) })
        }
        return Certificate.Extension(oid: ChipOID.documentTypeList, critical: false, value: value[...])
    }

    public static func shortSerial(_ serial: Certificate.SerialNumber) -> String {
        Hex.string(serial.bytes.prefix(4), uppercase: true)
    }

    static func add(years: Int = 0, months: Int = 0, to date: Date) -> Date {
        ASN1Time.utc.date(byAdding: DateComponents(year: years, month: months), to: date)!
    }
}
