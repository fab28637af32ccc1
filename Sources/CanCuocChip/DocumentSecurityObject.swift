import Crypto
import Foundation
import SwiftASN1
import X509

/// EF.SOD (ICAO 9303 Part 10, 4.6.2): tag 0x77 around a CMS ContentInfo whose SignedData (version 3) carries
/// the LDSSecurityObject (content type 2.23.136.1.1.1) as encapsulated content, the Document Signer's
/// certificate, and one SignerInfo (version 1, issuer and serial number) whose signed attributes are
/// contentType and messageDigest (plus signingTime), signed with ECDSA.
///
/// Written with swift-asn1, not swift-certificates' CMS types: those are internal and would write the
/// id-data content type and SignedData version 1, which ICAO readers reject.
public struct DocumentSecurityObject: Sendable {
    public static let tag = DERBytes.application(23)  // 0x77

    public let signedDataVersion: Int
    public let digestAlgorithms: [String]
    public let contentType: String
    /// The DER of the LDSSecurityObject exactly as signed.
    public let encapsulatedContent: [UInt8]
    public let securityObject: LDSSecurityObject
    public let certificates: [Certificate]
    public let signer: SignerInfo

    public struct SignerInfo: Sendable {
        public let version: Int
        public let issuer: DistinguishedName
        public let serialNumber: Certificate.SerialNumber
        public let digestAlgorithm: String
        /// The signed attributes re-tagged as SET (0x31): the bytes the signature covers.
        public let signedAttributesDER: [UInt8]
        public let contentTypeAttribute: String?
        public let messageDigestAttribute: [UInt8]?
        public let signingTime: Date?
        public let signatureAlgorithm: String
        public let signature: [UInt8]
    }

    /// The Document Signer's certificate, found by the SignerInfo's issuer and serial number.
    public var signerCertificate: Certificate? {
        certificates.first { $0.issuer == signer.issuer && $0.serialNumber == signer.serialNumber }
    }

    // MARK: Writing

    /// Signs the SHA-256 hashes of `dataGroups` (number -> file bytes) with `signer`.
    public static func sign(dataGroups: [Int: [UInt8]], signer: DocumentSigner, signingTime: Date) throws -> [UInt8] {
        let sha256 = AlgorithmIdentifier(ChipOID.sha256)
        let lds = LDSSecurityObject(hashAlgorithm: sha256, hashes: dataGroups.map { .init(number: $0.key, hash: Array(SHA256.hash(data: $0.value))) })
        let content = try DERBytes.of(lds)
        let attributes = try signedAttributes(contentDigest: Array(SHA256.hash(data: content)), signingTime: signingTime)
        let signature = try signer.sign(attributes)

        let signedData = try DERBytes.wrapped(.sequence) { coder in
            try coder.serialize(3)
            try coder.serializeSetOf([sha256])
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(ChipOID.ldsSecurityObject)
                try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                    try coder.serialize(ASN1OctetString(contentBytes: content[...]))
                }
            }
            coder.appendConstructedNode(identifier: DERBytes.context(0)) { coder in
                coder.serializeRawBytes(signer.certificateDER)
            }
            try coder.appendConstructedNode(identifier: .set) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(1)
                    coder.serializeRawBytes(signer.issuerAndSerialDER)
                    try coder.serialize(sha256)
                    // [0] IMPLICIT: the same content as the SET that was signed.
                    coder.serializeRawBytes([0xA0] + attributes.dropFirst())
                    try coder.serialize(AlgorithmIdentifier(ChipOID.ecdsaWithSHA256))
                    try coder.serialize(ASN1OctetString(contentBytes: signature[...]))
                }
            }
        }
        return try DERBytes.wrapped(tag) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(ChipOID.signedData)
                try coder.appendConstructedNode(identifier: DERBytes.context(0)) { coder in
                    coder.serializeRawBytes(signedData)
                }
            }
        }
    }

    /// SET OF Attribute { contentType, signingTime, messageDigest }, DER-sorted.
    private static func signedAttributes(contentDigest: [UInt8], signingTime: Date) throws -> [UInt8] {
        let attributes: [[UInt8]] = [
            try attribute(ChipOID.contentTypeAttribute) { try $0.serialize(ChipOID.ldsSecurityObject) },
            try attribute(ChipOID.signingTimeAttribute) { try $0.serialize(try UTCTime(signingTime)) },
            try attribute(ChipOID.messageDigestAttribute) { try $0.serialize(ASN1OctetString(contentBytes: contentDigest[...])) },
        ]
        // DER orders the members of a SET OF by their encodings.
        let sorted = attributes.sorted { $0.lexicographicallyPrecedes($1) }
        return DERBytes.wrappedRaw(.set, sorted.flatMap { $0 })
    }

    private static func attribute(_ type: ASN1ObjectIdentifier, _ value: (inout DER.Serializer) throws -> Void) throws -> [UInt8] {
        try DERBytes.wrapped(.sequence) { coder in
            try coder.serialize(type)
            try coder.appendConstructedNode(identifier: .set, value)
        }
    }
}

extension DERBytes {
    static func wrappedRaw(_ identifier: ASN1Identifier, _ content: [UInt8]) -> [UInt8] {
        var serializer = DER.Serializer()
        serializer.appendConstructedNode(identifier: identifier) { $0.serializeRawBytes(content) }
        return serializer.serializedBytes
    }
}
