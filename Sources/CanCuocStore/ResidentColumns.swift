import CanCuocCore
import Foundation

/// A column value as the backends store it, before a driver's own types.
public enum ColumnValue: Sendable, Equatable {
    case null
    case text(String)
    case integer(Int64)
    case bool(Bool)
    case time(Date)

    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    public var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }
}

/// How a current resident record maps to the columns of `residents`, shared by every backend so
/// that both keep the same columns with the same meaning.
public enum ResidentColumns {
    /// What a column holds; a backend picks its own type for each.
    public enum Kind: Sendable {
        case text, integer, bool, time
        /// A JSON document (links, documents, other names).
        case json
        /// `SearchTerms`: the words the record is found by, separated by spaces.
        case terms
    }

    public static let columns: [(name: String, kind: Kind)] = [
        ("id", .integer), ("province_code", .text), ("pin", .text), ("full_name", .text), ("search_terms", .terms),
        ("other_names", .json), ("birth_date", .text), ("birth_year", .integer), ("birth_month", .integer),
        ("birth_day", .integer), ("sex", .text), ("birth_place_unit", .text), ("birth_place_detail", .text),
        ("birth_reg_unit", .text), ("birth_reg_detail", .text), ("born_abroad", .bool), ("hometown_unit", .text),
        ("hometown_detail", .text), ("ethnicity_code", .text), ("religion", .text), ("nationality", .text),
        ("blood_type", .text), ("old_id", .text), ("documents", .json), ("father", .json), ("mother", .json),
        ("spouse", .json), ("children", .json), ("legal_representative", .json), ("marital_status", .text),
        ("perm_unit", .text), ("perm_street", .text), ("temp_unit", .text), ("temp_street", .text),
        ("temp_absence", .json), ("current_unit", .text), ("current_street", .text), ("household_id", .integer),
        ("relation_to_head", .text), ("death_date", .text), ("missing_since", .text), ("phone", .text),
        ("email", .text), ("version", .integer), ("recorded_at", .time), ("recorded_by", .text), ("reason", .text),
    ]

    public static let names = columns.map(\.name)
    public static let kinds = columns.map(\.kind)
    public static let idColumn = 0
    public static let pinColumn = names.firstIndex(of: "pin")!
    public static let householdColumn = names.firstIndex(of: "household_id")!
    /// The last four columns are the version's number, time, author and reason.
    public static let versionColumns = (names.count - 4)...

    static let positions: [String: Int] = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })

    /// Values in `columns` order.
    public static func values(_ r: Resident, id: ResidentID?, version: RecordVersion) -> [ColumnValue] {
        func t(_ value: String?) -> ColumnValue { value.map(ColumnValue.text) ?? .null }
        func i(_ value: (some BinaryInteger)?) -> ColumnValue { value.map { .integer(Int64($0)) } ?? .null }
        return [
            i(id), t(r.provinceCode), t(r.pin?.digits), t(r.fullName), t(SearchTerms.terms(for: r)),
            t(CompactJSON.strings(r.otherNames)), t(r.birthDate.description), i(r.birthDate.year),
            i(r.birthDate.month), i(r.birthDate.day), t(r.sex.rawValue),
            t(r.placeOfBirth?.unit?.description), t(r.placeOfBirth?.detail),
            t(r.birthRegistrationPlace?.unit?.description), t(r.birthRegistrationPlace?.detail),
            .bool(r.birthRegisteredAbroad), t(r.hometown?.unit?.description), t(r.hometown?.detail),
            t(r.ethnicityCode), t(r.religion), t(r.nationality), t(r.bloodType?.rawValue), t(r.oldIdNumber),
            t(CompactJSON.documents(r.documents)), t(CompactJSON.link(r.father)),
            t(CompactJSON.link(r.mother)), t(CompactJSON.link(r.spouse)),
            t(CompactJSON.links(r.children)), t(CompactJSON.link(r.legalRepresentative)),
            t(r.maritalStatus?.rawValue),
            t(r.permanentResidence?.unit.description), t(r.permanentResidence?.street),
            t(r.temporaryResidence?.unit.description), t(r.temporaryResidence?.street),
            t(r.temporaryAbsence.flatMap { try? RecordJSON.encode($0) }),
            t(r.currentResidence?.unit.description), t(r.currentResidence?.street),
            i(r.householdId), t(r.relationToHead?.rawValue), t(r.deathDate?.description), t(r.missingSince?.description),
            t(r.phone), t(r.email),
            i(version.number), .time(version.recordedAt), t(version.recordedBy), t(version.reason),
        ]
    }

    /// The version columns' values for a context (bulk loads fill these in at write time).
    public static func versionValues(_ version: RecordVersion) -> [ColumnValue] {
        [.integer(Int64(version.number)), .time(version.recordedAt), .text(version.recordedBy), .text(version.reason)]
    }

    /// Reads a record back from the values of a row in `columns` order; `value(i)` gives column `i`.
    public static func decode(_ value: (Int) throws -> ColumnValue) throws -> VersionedResident {
        func text(_ column: String) throws -> String? { try value(positions[column]!).text }
        func integer(_ column: String) throws -> Int64? { try value(positions[column]!).integer }
        func place(_ unit: String, _ detail: String) throws -> Place? {
            let ref = try text(unit).flatMap(UnitRef.init(text:))
            let description = try text(detail)
            if ref == nil && (description ?? "").isEmpty { return nil }
            return Place(unit: ref, detail: description ?? "")
        }
        func address(_ unit: String, _ street: String) throws -> Address? {
            guard let ref = try text(unit).flatMap(UnitRef.init(text:)) else { return nil }
            return Address(unit: ref, street: try text(street) ?? "")
        }
        func partial(_ column: String) throws -> PartialDate? { try text(column).map(PartialDate.init(iso:)) }
        func json<T: Decodable>(_ type: T.Type, _ column: String) throws -> T? { try RecordJSON.decodeOptional(type, from: text(column)) }
        func list<T: Decodable>(_ type: [T].Type, _ column: String) throws -> [T] { try RecordJSON.decodeList(type, from: text(column)) }
        func link(_ column: String) throws -> PersonLink? {
            try RecordJSON.decodeOptional(PersonLink.self, from: text(column), shortcut: CompactJSONReader.link)
        }
        func required<T>(_ found: T?, _ column: String) throws -> T {
            guard let found else { throw ColumnError.missing(column) }
            return found
        }
        var bornAbroad = false
        if case .bool(let flag) = try value(positions["born_abroad"]!) { bornAbroad = flag }
        guard case .time(let recordedAt) = try value(positions["recorded_at"]!) else { throw ColumnError.missing("recorded_at") }
        let resident = Resident(
            id: try required(integer("id"), "id"),
            provinceCode: try required(text("province_code"), "province_code"),
            pin: try PIN(required(text("pin"), "pin"), bornAbroad: true),
            fullName: try required(text("full_name"), "full_name"),
            otherNames: try list([String].self, "other_names"),
            birthDate: try PartialDate(iso: required(text("birth_date"), "birth_date")),
            sex: try text("sex").flatMap(Sex.init(rawValue:)) ?? .male,
            placeOfBirth: try place("birth_place_unit", "birth_place_detail"),
            birthRegistrationPlace: try place("birth_reg_unit", "birth_reg_detail"),
            birthRegisteredAbroad: bornAbroad,
            hometown: try place("hometown_unit", "hometown_detail"),
            ethnicityCode: try text("ethnicity_code") ?? "",
            religion: try text("religion") ?? "",
            nationality: try text("nationality") ?? "",
            bloodType: try text("blood_type").flatMap(BloodType.init(rawValue:)),
            oldIdNumber: try text("old_id"),
            documents: try RecordJSON.decodeList([IdentityDocument].self, from: text("documents"), shortcut: CompactJSONReader.documents),
            father: try link("father"),
            mother: try link("mother"),
            spouse: try link("spouse"),
            children: try RecordJSON.decodeList([PersonLink].self, from: text("children"), shortcut: CompactJSONReader.links),
            legalRepresentative: try link("legal_representative"),
            maritalStatus: try text("marital_status").flatMap(MaritalStatus.init(rawValue:)),
            permanentResidence: try address("perm_unit", "perm_street"),
            temporaryResidence: try address("temp_unit", "temp_street"),
            temporaryAbsence: try json(TemporaryAbsence.self, "temp_absence"),
            currentResidence: try address("current_unit", "current_street"),
            householdId: try integer("household_id"),
            relationToHead: try text("relation_to_head").flatMap(HouseholdRelation.init(rawValue:)),
            deathDate: try partial("death_date"),
            missingSince: try partial("missing_since"),
            phone: try text("phone"),
            email: try text("email"))
        let version = RecordVersion(
            number: Int(try required(integer("version"), "version")),
            recordedAt: recordedAt,
            recordedBy: try text("recorded_by") ?? "",
            reason: try text("reason") ?? "")
        return VersionedResident(resident: resident, version: version)
    }

    public enum ColumnError: Error, CustomStringConvertible {
        case missing(String)
        public var description: String {
            switch self {
            case .missing(let column): "the stored record has no \(column)"
            }
        }
    }
}
