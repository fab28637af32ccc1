import SwiftASN1

/// EF.COM, DG1 and DG13 as bytes (ICAO 9303 Part 10, 4.6 and 4.7; DG13 in this project's documented layout).
public enum LDSEncoding {
    /// EF.COM: 60 { 5F01 LDS version "0107", 5F36 Unicode version "040000", 5C tag list }.
    public static func efCOM(dataGroups: [LDSFile]) throws -> [UInt8] {
        try DERBytes.wrapped(DERBytes.application(0)) { coder in
            DERBytes.primitive(DERBytes.application(1), Array("0107".utf8), into: &coder)
            DERBytes.primitive(DERBytes.application(54), Array("040000".utf8), into: &coder)
            DERBytes.primitive(DERBytes.application(28), dataGroups.sorted().map(\.tag), into: &coder)
        }
    }

    /// DG1: 61 { 5F1F the 90 MRZ characters, no line breaks }.
    public static func dg1(mrzLines: [String]) throws -> [UInt8] {
        try DERBytes.wrapped(DERBytes.application(1)) { coder in
            DERBytes.primitive(DERBytes.application(31), Array(mrzLines.joined().utf8), into: &coder)
        }
    }

    /// The MRZ text from DG1.
    public static func mrz(fromDG1 bytes: [UInt8]) throws -> String {
        let root = try DER.parse(bytes)
        guard root.identifier == DERBytes.application(1), case .constructed(let nodes) = root.content,
              let mrz = nodes.first(where: { $0.identifier == DERBytes.application(31) }) else {
            throw ASN1Error.invalidASN1Object(reason: "DG1 has no MRZ (tag 5F1F)")
        }
        return String(decoding: try DERBytes.primitiveContent(mrz), as: UTF8.self)
    }

    /// The data-group tags listed in EF.COM.
    public static func tagList(fromCOM bytes: [UInt8]) throws -> [UInt8] {
        let root = try DER.parse(bytes)
        guard root.identifier == DERBytes.application(0), case .constructed(let nodes) = root.content,
              let list = nodes.first(where: { $0.identifier == DERBytes.application(28) }) else {
            throw ASN1Error.invalidASN1Object(reason: "EF.COM has no tag list (tag 5C)")
        }
        return Array(try DERBytes.primitiveContent(list))
    }
}
