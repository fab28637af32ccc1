import CanCuocCore
import SwiftASN1

/// DG13, the Vietnamese data (ICAO leaves DG13 to the issuing state). Our encoding (docs/card.md), in the
/// field order seen on 2021 cards (REFERENCE.md): 6D { SEQUENCE { INTEGER n, UTF8String value } ... } for
/// n = 1..15; field 13 holds two UTF8Strings, the father's then the mother's name. Dates are dd/MM/yyyy as
/// printed (a partial date of birth as MM/yyyy or yyyy); the expiry of a card without one is "Không thời hạn".
public struct DG13: Hashable, Sendable {
    public enum Field: Int, CaseIterable, Sendable {
        case pin = 1, fullName, birthDate, sex, nationality, ethnicity, religion, hometown, residence,
             identifyingMarks, issueDate, expiryDate, parents, spouse, oldIdNumber
    }

    /// Field -> values (one value for every field but `parents`, which has two).
    public var fields: [Field: [String]]

    public init(card: CardData) {
        fields = [
            .pin: [card.pin.digits], .fullName: [card.fullName], .birthDate: [card.birthDate.vietnamese],
            .sex: [card.sex.vietnamese], .nationality: [card.nationality], .ethnicity: [card.ethnicity],
            .religion: [card.religion], .hometown: [card.hometown], .residence: [card.residence],
            .identifyingMarks: [card.identifyingMarks], .issueDate: [PartialDate(card.issuedOn).vietnamese],
            .expiryDate: [card.expiryText], .parents: [card.fatherName, card.motherName], .spouse: [card.spouseName],
            .oldIdNumber: [card.oldIdNumber],
        ]
    }

    public subscript(_ field: Field) -> String? { fields[field]?.first }

    public func encoded() throws -> [UInt8] {
        try DERBytes.wrapped(DERBytes.application(13)) { coder in
            for field in Field.allCases {
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(field.rawValue)
                    for value in fields[field] ?? [""] {
                        try coder.serialize(ASN1UTF8String(value))
                    }
                }
            }
        }
    }

    public init(encoded bytes: [UInt8]) throws {
        let root = try DER.parse(bytes)
        guard root.identifier == DERBytes.application(13), case .constructed(let nodes) = root.content else {
            throw ASN1Error.invalidASN1Object(reason: "DG13 does not start with tag 0x6D")
        }
        var fields: [Field: [String]] = [:]
        for node in nodes {
            try DER.sequence(node, identifier: .sequence) { items in
                let number = try Int(derEncoded: &items)
                var values: [String] = []
                while let value = items.next() { values.append(String(try ASN1UTF8String(derEncoded: value))) }
                if let field = Field(rawValue: number) { fields[field] = values }
            }
        }
        self.fields = fields
    }
}
