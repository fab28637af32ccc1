import SwiftASN1

/// Small helpers over swift-asn1's serializer for the LDS files and CMS structures.
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
