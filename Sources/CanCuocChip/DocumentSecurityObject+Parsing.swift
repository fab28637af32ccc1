import Foundation
import SwiftASN1
import X509

extension DocumentSecurityObject {
    /// Reads EF.SOD, checking its structure as ICAO 9303 Part 10 lays it out; the error names what is wrong.
    public init(efSOD bytes: [UInt8]) throws(SODError) {
        do {
            let root = try DER.parse(bytes)
            guard root.identifier == Self.tag, case .constructed(let inner) = root.content else { throw SODError.structure("EF.SOD does not start with tag 0x77") }
            var outer = inner.makeIterator()
            guard let contentInfo = outer.next() else { throw SODError.structure("EF.SOD is empty") }
            let signedData: ASN1Node = try DER.sequence(contentInfo, identifier: .sequence) { nodes in
                let type = try ASN1ObjectIdentifier(derEncoded: &nodes)
                guard type == ChipOID.signedData else { throw SODError.structure("ContentInfo type is \(type), not signedData") }
                return try DER.explicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { $0 }
            }
            self = try DER.sequence(signedData, identifier: .sequence) { nodes in try Self.signedData(&nodes) }
        } catch let error as SODError {
            throw error
        } catch {
            throw .structure("EF.SOD is not valid DER: \(error)")
        }
    }

    private static func signedData(_ nodes: inout ASN1NodeCollection.Iterator) throws -> DocumentSecurityObject {
        let version = try Int(derEncoded: &nodes)
        guard let digestSet = nodes.next() else { throw SODError.structure("SignedData has no digest algorithms") }
        let digests = try DER.set(of: AlgorithmIdentifier.self, identifier: .set, rootNode: digestSet)
        let (contentType, content): (ASN1ObjectIdentifier, [UInt8]) = try DER.sequence(nodes.next() ?? digestSet, identifier: .sequence) { fields in
            let type = try ASN1ObjectIdentifier(derEncoded: &fields)
            let octets = try DER.explicitlyTagged(&fields, tagNumber: 0, tagClass: .contextSpecific) { try ASN1OctetString(derEncoded: $0) }
            return (type, Array(octets.bytes))
        }
        var certificates: [Certificate] = []
        var next = nodes.next()
        if let node = next, node.identifier == DERBytes.context(0) {
            guard case .constructed(let certs) = node.content else { throw SODError.structure("certificates field is primitive") }
            certificates = try certs.map { try Certificate(derEncoded: $0) }
            next = nodes.next()
        }
        if let node = next, node.identifier == DERBytes.context(1) { next = nodes.next() }  // CRLs: none expected, skipped
        guard let signerSet = next else { throw SODError.structure("SignedData has no signer infos") }
        let signers: [SignerInfo] = try DER.set(signerSet, identifier: .set) { items in
            var out: [SignerInfo] = []
            while let item = items.next() { out.append(try signerInfo(item)) }
            return out
        }
        guard signers.count == 1, let signer = signers.first else { throw SODError.structure("EF.SOD has \(signers.count) signer infos, expected 1") }
        let lds: LDSSecurityObject
        do { lds = try LDSSecurityObject(derEncoded: content) } catch { throw SODError.structure("encapsulated content is not an LDSSecurityObject: \(error)") }
        return DocumentSecurityObject(
            signedDataVersion: version, digestAlgorithms: digests.map(\.algorithm.description), contentType: contentType.description,
            encapsulatedContent: content, securityObject: lds, certificates: certificates, signer: signer)
    }

    private static func signerInfo(_ node: ASN1Node) throws -> SignerInfo {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let version = try Int(derEncoded: &nodes)
            let (issuer, serial): (DistinguishedName, Certificate.SerialNumber) = try DER.sequence(nodes.next() ?? node, identifier: .sequence) { fields in
                (try DistinguishedName(derEncoded: &fields), Certificate.SerialNumber(bytes: try ArraySlice<UInt8>(derEncoded: &fields)))
            }
            let digest = try AlgorithmIdentifier(derEncoded: &nodes)
            guard let attributesNode = nodes.next(), attributesNode.identifier == DERBytes.context(0),
                  case .constructed(let attributeNodes) = attributesNode.content else {
                throw SODError.structure("SignerInfo has no signed attributes")
            }
            var contentType: String?
            var messageDigest: [UInt8]?
            var signingTime: Date?
            for attribute in attributeNodes {
                try DER.sequence(attribute, identifier: .sequence) { fields in
                    let type = try ASN1ObjectIdentifier(derEncoded: &fields)
                    guard let values = fields.next(), case .constructed(let valueNodes) = values.content,
                          let value = valueNodes.first(where: { _ in true }) else { return }
                    switch type {
                    case ChipOID.contentTypeAttribute: contentType = try ASN1ObjectIdentifier(derEncoded: value).description
                    case ChipOID.messageDigestAttribute: messageDigest = Array(try ASN1OctetString(derEncoded: value).bytes)
                    case ChipOID.signingTimeAttribute: signingTime = try? UTCTime(derEncoded: value).date
                    default: break
                    }
                }
            }
            // The signature covers the attributes with the SET tag, not the [0] they are stored under.
            let signedBytes = [UInt8(0x31)] + Array(attributesNode.encodedBytes.dropFirst())
            let algorithm = try AlgorithmIdentifier(derEncoded: &nodes)
            let signature = try ASN1OctetString(derEncoded: &nodes)
            _ = nodes.next()  // unsigned attributes, if any
            return SignerInfo(
                version: version, issuer: issuer, serialNumber: serial, digestAlgorithm: digest.algorithm.description,
                signedAttributesDER: signedBytes, contentTypeAttribute: contentType, messageDigestAttribute: messageDigest,
                signingTime: signingTime, signatureAlgorithm: algorithm.algorithm.description, signature: Array(signature.bytes))
        }
    }
}

public enum SODError: Error, Equatable, Sendable, CustomStringConvertible {
    case structure(String)

    public var description: String {
        switch self {
        case .structure(let message): message
        }
    }
}
