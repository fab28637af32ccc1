import CanCuocCore
import CanCuocStore
import Foundation
import GRDB

/// How a current resident record maps to the columns of `residents`.
enum ResidentRow {
    static let columns = [
        "id", "province_code", "pin", "full_name", "search_terms", "other_names", "birth_date", "birth_year",
        "birth_month", "birth_day", "sex", "birth_place_unit", "birth_place_detail", "birth_reg_unit",
        "birth_reg_detail", "born_abroad", "hometown_unit", "hometown_detail", "ethnicity_code", "religion",
        "nationality", "blood_type", "old_id", "documents", "father", "mother", "spouse", "children",
        "legal_representative", "marital_status", "perm_unit", "perm_street", "temp_unit", "temp_street",
        "temp_absence", "current_unit", "current_street", "household_id", "relation_to_head", "death_date",
        "missing_since", "phone", "email", "version", "recorded_at", "recorded_by", "reason",
    ]

    static let insertSQL = "INSERT INTO residents (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
    static let updateSQL = "UPDATE residents SET \(columns.dropFirst().map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"
    static let selectList = columns.joined(separator: ", ")

    /// Column positions in `selectList`: rows are read by index (GRDB's lookup by name folds case on every call).
    static let positions: [String: Int] = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })

    static func at(_ column: String) -> Int { positions[column]! }

    /// Values in `columns` order. `id` nil lets SQLite assign it.
    static func values(_ r: Resident, id: ResidentID?, version: RecordVersion) -> [DatabaseValue] {
        func v(_ value: (some DatabaseValueConvertible)?) -> DatabaseValue { value?.databaseValue ?? .null }
        return [
            v(id), v(r.provinceCode), v(r.pin?.digits), v(r.fullName), v(SearchTerms.terms(for: r)),
            v(CompactJSON.strings(r.otherNames)), v(r.birthDate.description), v(r.birthDate.year),
            v(r.birthDate.month), v(r.birthDate.day), v(r.sex.rawValue),
            v(r.placeOfBirth?.unit?.description), v(r.placeOfBirth?.detail),
            v(r.birthRegistrationPlace?.unit?.description), v(r.birthRegistrationPlace?.detail),
            v(r.birthRegisteredAbroad), v(r.hometown?.unit?.description), v(r.hometown?.detail),
            v(r.ethnicityCode), v(r.religion), v(r.nationality), v(r.bloodType?.rawValue), v(r.oldIdNumber),
            v(CompactJSON.documents(r.documents)), v(CompactJSON.link(r.father)),
            v(CompactJSON.link(r.mother)), v(CompactJSON.link(r.spouse)),
            v(CompactJSON.links(r.children)), v(CompactJSON.link(r.legalRepresentative)),
            v(r.maritalStatus?.rawValue),
            v(r.permanentResidence?.unit.description), v(r.permanentResidence?.street),
            v(r.temporaryResidence?.unit.description), v(r.temporaryResidence?.street),
            v(r.temporaryAbsence.flatMap { try? RecordJSON.encode($0) }),
            v(r.currentResidence?.unit.description), v(r.currentResidence?.street),
            v(r.householdId), v(r.relationToHead?.rawValue), v(r.deathDate?.description), v(r.missingSince?.description),
            v(r.phone), v(r.email),
            v(version.number), v(version.recordedAt.timeIntervalSince1970), v(version.recordedBy), v(version.reason),
        ]
    }

    static let householdColumn = columns.firstIndex(of: "household_id")!

    static func arguments(_ r: Resident, id: ResidentID?, version: RecordVersion) -> StatementArguments {
        StatementArguments(values(r, id: id, version: version))
    }

    static func decode(_ row: Row) throws -> VersionedResident {
        func place(_ unit: String, _ detail: String) -> Place? {
            let ref = (row[at(unit)] as String?).flatMap(UnitRef.init(text:))
            let text: String? = row[at(detail)]
            if ref == nil && (text ?? "").isEmpty { return nil }
            return Place(unit: ref, detail: text ?? "")
        }
        func address(_ unit: String, _ street: String) -> Address? {
            guard let ref = (row[at(unit)] as String?).flatMap(UnitRef.init(text:)) else { return nil }
            return Address(unit: ref, street: row[at(street)] ?? "")
        }
        func partial(_ column: String) throws -> PartialDate? {
            guard let text: String = row[at(column)] else { return nil }
            return try PartialDate(iso: text)
        }
        let pinText: String = row[at("pin")]
        let resident = Resident(
            id: row[at("id")],
            provinceCode: row[at("province_code")],
            pin: try PIN(pinText, bornAbroad: true),
            fullName: row[at("full_name")],
            otherNames: try RecordJSON.decodeOptional([String].self, from: row[at("other_names")]) ?? [],
            birthDate: try PartialDate(iso: row[at("birth_date")]),
            sex: Sex(rawValue: row[at("sex")]) ?? .male,
            placeOfBirth: place("birth_place_unit", "birth_place_detail"),
            birthRegistrationPlace: place("birth_reg_unit", "birth_reg_detail"),
            birthRegisteredAbroad: row[at("born_abroad")],
            hometown: place("hometown_unit", "hometown_detail"),
            ethnicityCode: row[at("ethnicity_code")],
            religion: row[at("religion")],
            nationality: row[at("nationality")],
            bloodType: (row[at("blood_type")] as String?).flatMap(BloodType.init(rawValue:)),
            oldIdNumber: row[at("old_id")],
            documents: try RecordJSON.decodeOptional([IdentityDocument].self, from: row[at("documents")]) ?? [],
            father: try RecordJSON.decodeOptional(PersonLink.self, from: row[at("father")]),
            mother: try RecordJSON.decodeOptional(PersonLink.self, from: row[at("mother")]),
            spouse: try RecordJSON.decodeOptional(PersonLink.self, from: row[at("spouse")]),
            children: try RecordJSON.decodeOptional([PersonLink].self, from: row[at("children")]) ?? [],
            legalRepresentative: try RecordJSON.decodeOptional(PersonLink.self, from: row[at("legal_representative")]),
            maritalStatus: (row[at("marital_status")] as String?).flatMap(MaritalStatus.init(rawValue:)),
            permanentResidence: address("perm_unit", "perm_street"),
            temporaryResidence: address("temp_unit", "temp_street"),
            temporaryAbsence: try RecordJSON.decodeOptional(TemporaryAbsence.self, from: row[at("temp_absence")]),
            currentResidence: address("current_unit", "current_street"),
            householdId: row[at("household_id")],
            relationToHead: (row[at("relation_to_head")] as String?).flatMap(HouseholdRelation.init(rawValue:)),
            deathDate: try partial("death_date"),
            missingSince: try partial("missing_since"),
            phone: row[at("phone")],
            email: row[at("email")])
        let version = RecordVersion(
            number: row[at("version")],
            recordedAt: Date(timeIntervalSince1970: row[at("recorded_at")]),
            recordedBy: row[at("recorded_by")],
            reason: row[at("reason")])
        return VersionedResident(resident: resident, version: version)
    }
}
