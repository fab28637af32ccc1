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

/// An AlgorithmIdentifier. Digest algorithms are written without parameters (ICAO 9303 Part 10: "digest
/// algorithm identifiers carry no NULL parameters"); a NULL or other parameters are accepted when read.
struct AlgorithmIdentifier: DERImplicitlyTaggable, Hashable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    var algorithm: ASN1ObjectIdentifier
    var parameters: ASN1Any?

    init(_ algorithm: ASN1ObjectIdentifier, parameters: ASN1Any? = nil) {
        self.algorithm = algorithm
        self.parameters = parameters
    }

    init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        (algorithm, parameters) = try DER.sequence(node, identifier: identifier) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            let parameters = nodes.next().map { ASN1Any(derEncoded: $0) }
            return (oid, parameters)
        }
    }

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(algorithm)
            if let parameters { try coder.serialize(parameters) }
        }
    }
}

enum DERBytes {
    static func of(_ value: some DERSerializable) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(value)
        return serializer.serializedBytes
    }

    /// The constructed node `identifier` around whatever `body` writes.
    static func wrapped(_ identifier: ASN1Identifier, _ body: (inout DER.Serializer) throws -> Void) rethrows -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: identifier, body)
        return serializer.serializedBytes
    }

    /// ICAO's application tags: 0x60 EF.COM, 0x61 DG1, 0x75 DG2, 0x6D DG13, 0x77 EF.SOD, 0x5F1F MRZ, ...
    static func application(_ number: UInt) -> ASN1Identifier { ASN1Identifier(tagWithNumber: number, tagClass: .application) }
    static func context(_ number: UInt) -> ASN1Identifier { ASN1Identifier(tagWithNumber: number, tagClass: .contextSpecific) }

    static func primitive(_ identifier: ASN1Identifier, _ bytes: [UInt8], into coder: inout DER.Serializer) {
        coder.appendPrimitiveNode(identifier: identifier) { $0.append(contentsOf: bytes) }
    }

    /// Tag bytes, the DER length of `content`, then `content`.
    static func tlv(_ tag: [UInt8], _ content: [UInt8]) -> [UInt8] {
        var out = tag
        let n = content.count
        switch n {
        case ..<0x80: out.append(UInt8(n))
        case ..<0x100: out += [0x81, UInt8(n)]
        case ..<0x10000: out += [0x82, UInt8(n >> 8), UInt8(n & 0xFF)]
        default: out += [0x83, UInt8(n >> 16), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
        }
        out.reserveCapacity(out.count + n)
        return out + content
    }

    static func primitiveContent(_ node: ASN1Node) throws -> ArraySlice<UInt8> {
        guard case .primitive(let bytes) = node.content else { throw ASN1Error.unexpectedFieldType(node.identifier) }
        return bytes
    }
}
