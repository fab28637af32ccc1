import SwiftASN1

/// ICAO 9303 Part 10: LDSSecurityObject ::= SEQUENCE { version (0), hashAlgorithm, dataGroupHashValues
/// SEQUENCE OF SEQUENCE { dataGroupNumber INTEGER, dataGroupHashValue OCTET STRING } } — the signed content
/// of EF.SOD (content type 2.23.136.1.1.1).
public struct LDSSecurityObject: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    public struct DataGroupHash: Hashable, Sendable {
        public let number: Int
        public let hash: [UInt8]
    }

    public var version: Int
    var hashAlgorithm: AlgorithmIdentifier
    /// In data-group order.
    public var hashes: [DataGroupHash]

    init(hashAlgorithm: AlgorithmIdentifier, hashes: [DataGroupHash]) {
        version = 0
        self.hashAlgorithm = hashAlgorithm
        self.hashes = hashes.sorted { $0.number < $1.number }
    }

    public var hashAlgorithmOID: String { hashAlgorithm.algorithm.description }

    public init(derEncoded node: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        (version, hashAlgorithm, hashes) = try DER.sequence(node, identifier: identifier) { nodes in
            let version = try Int(derEncoded: &nodes)
            let algorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            guard let list = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no data group hashes") }
            let hashes: [DataGroupHash] = try DER.sequence(list, identifier: .sequence) { items in
                var out: [DataGroupHash] = []
                while let item = items.next() {
                    out.append(try DER.sequence(item, identifier: .sequence) { fields in
                        DataGroupHash(number: try Int(derEncoded: &fields), hash: Array(try ASN1OctetString(derEncoded: &fields).bytes))
                    })
                }
                return out
            }
            // LDS 1.8 objects carry a trailing ldsVersionInfo; this card writes version 0 and accepts it.
            _ = nodes.next()
            return (version, algorithm, hashes)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(version)
            try coder.serialize(hashAlgorithm)
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                for entry in hashes {
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(entry.number)
                        try coder.serialize(ASN1OctetString(contentBytes: entry.hash[...]))
                    }
                }
            }
        }
    }
}
