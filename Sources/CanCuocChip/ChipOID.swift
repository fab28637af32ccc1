import SwiftASN1

/// Object identifiers of ICAO 9303 Parts 10-12 and the CMS structures EF.SOD uses.
enum ChipOID {
    static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
    static let sha384: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 2]
    static let sha512: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 3]
    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
    static let ecdsaWithSHA384: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 3]
    static let ecdsaWithSHA512: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 4]
    static let signedData: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 2]
    static let contentTypeAttribute: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 3]
    static let messageDigestAttribute: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 4]
    static let signingTimeAttribute: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 5]
    /// id-icao-mrtd-security-ldsSecurityObject.
    static let ldsSecurityObject: ASN1ObjectIdentifier = [2, 23, 136, 1, 1, 1]
    /// id-icao-mrtd-security-extensions-documentTypeList (ICAO 9303 Part 12, DS certificates).
    static let documentTypeList: ASN1ObjectIdentifier = [2, 23, 136, 1, 1, 6, 2]
    /// id-ce-privateKeyUsagePeriod (RFC 3280), required by ICAO 9303 Part 12 for CSCA and DS.
    static let privateKeyUsagePeriod: ASN1ObjectIdentifier = [2, 5, 29, 16]
    // Encrypted PKCS#8 (RFC 8018).
    static let pbes2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 5, 13]
    static let pbkdf2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 5, 12]
    static let hmacWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 113549, 2, 9]
    static let aes256CBC: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 1, 42]
}
