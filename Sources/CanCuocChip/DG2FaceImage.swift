import CanCuocCore
import SwiftASN1

/// DG2: the face image as an ISO/IEC 19794-5:2005 facial record inside the CBEFF biometric information
/// template of ICAO 9303 Part 10 (4.7.2):
/// 75 { 7F61 { 02 count=1, 7F60 { A1 { 80 header version 0101, 81 type face 02, 87 format owner 0101,
/// 88 format type 0008 }, 5F2E facial record } } }.
public enum DG2FaceImage {
    public static func encode(jpeg: [UInt8], sex: Sex) throws -> [UInt8] {
        let info = try JPEGInfo(jpeg)
        let record = facialRecord(jpeg: jpeg, info: info, sex: sex)
        let header = try DERBytes.wrapped(DERBytes.context(1)) { coder in
            DERBytes.primitive(DERBytes.context(0), [0x01, 0x01], into: &coder)
            DERBytes.primitive(DERBytes.context(1), [0x02], into: &coder)
            DERBytes.primitive(DERBytes.context(7), [0x01, 0x01], into: &coder)
            DERBytes.primitive(DERBytes.context(8), [0x00, 0x08], into: &coder)
        }
        let count = try DERBytes.of(1)
        // The image is most of the bytes: each wrapper is written around it once with its length known, rather
        // than by swift-asn1's serializer, which moves the content up at every nesting level to fit the length.
        let template = DERBytes.tlv([0x7F, 0x60], header + DERBytes.tlv([0x5F, 0x2E], record))
        return DERBytes.tlv([0x75], DERBytes.tlv([0x7F, 0x61], count + template))
    }

    /// The JPEG inside a DG2 (the image data after the 19794-5 headers).
    public static func jpeg(fromDG2 bytes: [UInt8]) throws -> [UInt8] {
        guard let start = bytes.indices.dropLast().first(where: { bytes[$0] == 0x5F && bytes[$0 + 1] == 0x2E }) else {
            throw ASN1Error.invalidASN1Object(reason: "DG2 has no biometric data block (5F2E)")
        }
        // Parse from the data block tag: its content is the 19794-5 record.
        let node = try DER.parse(Array(bytes[start...]))
        let record = Array(try DERBytes.primitiveContent(node))
        let headerLength = 14 + 20 + 12
        guard record.count > headerLength, record.starts(with: Array("FAC\0".utf8)) else {
            throw ASN1Error.invalidASN1Object(reason: "DG2's record is not an ISO/IEC 19794-5 facial record")
        }
        return Array(record[headerLength...])
    }

    /// General header (14 bytes), facial record header (20), image information (12), image data.
    static func facialRecord(jpeg: [UInt8], info: JPEGInfo, sex: Sex) -> [UInt8] {
        let facialLength = 20 + 12 + jpeg.count
        var out: [UInt8] = Array("FAC\0".utf8) + Array("010\0".utf8)
        out += be32(14 + facialLength) + be16(1)
        out += be32(facialLength) + be16(0)             // no feature points
        out += [sex == .male ? 1 : 2, 0, 0]              // gender, eye colour, hair colour unspecified
        out += [0, 0, 0] + be16(0) + [0, 0, 0] + [0, 0, 0]  // property mask, expression, pose, uncertainty
        out += [1, 0]                                    // full frontal, JPEG
        out += be16(info.width) + be16(info.height)
        out += [info.components == 1 ? 3 : 1, 2]          // 8-bit greyscale or 24-bit RGB; digital still camera
        out += be16(0) + be16(0)                         // device type, quality unspecified
        return out + jpeg
    }

    private static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    private static func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
}
