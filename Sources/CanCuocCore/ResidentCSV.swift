import Foundation

/// The documented CSV form of resident records (docs/import-format.md), used by `cancuoc import`
/// and `cancuoc export`: a header row, one column per field, unit codes within `unit_edition`,
/// dates as YYYY-MM-DD, YYYY-MM or YYYY, lists and documents as JSON.
public enum ResidentCSV {
    public static let columns = [
        "pin", "full_name", "other_names", "birth_date", "sex",
        "place_of_birth_unit", "place_of_birth_detail", "birth_registration_unit", "birth_registration_detail", "born_abroad",
        "hometown_unit", "hometown_detail", "ethnicity_code", "religion", "nationality", "blood_type", "old_id_number", "documents",
        "father_pin", "father_name", "father_old_id", "father_nationality",
        "mother_pin", "mother_name", "mother_old_id", "mother_nationality",
        "spouse_pin", "spouse_name", "spouse_old_id", "spouse_nationality",
        "legal_rep_pin", "legal_rep_name", "legal_rep_old_id", "legal_rep_nationality",
        "children", "marital_status", "permanent_unit", "permanent_street", "temporary_unit", "temporary_street",
        "temporary_absence", "current_unit", "current_street", "household_code", "relation_to_head",
        "death_date", "missing_since", "phone", "email", "province_code", "unit_edition",
    ]

    public static let required: Set<String> = ["full_name", "birth_date", "sex", "ethnicity_code", "permanent_unit", "province_code"]

    public static var header: String { CSVWriter.row(columns) }

    /// One decoder for every row (its options never change and decoding does not modify it).
    static let jsonDecoder = JSONDecoder()

    /// One parsed row: the record and the household it belongs to in the file.
    public struct Row: Sendable {
        public var resident: Resident
        public var householdCode: String?
    }

    /// Maps a header row to column positions; unknown or missing columns are errors.
    public static func columnIndex(header: [String]) throws(ResidentCSVError) -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, name) in header.enumerated() {
            let name = name.trimmed
            guard columns.contains(name) else { throw .unknownColumn(name) }
            guard index[name] == nil else { throw .duplicateColumn(name) }
            index[name] = position
        }
        for name in required where index[name] == nil { throw .missingColumn(name) }
        return index
    }

    /// Parses one data row; returns every problem found in it.
    public static func parse(_ fields: [String], index: [String: Int], columnCount: Int) -> Result<Row, RowProblems> {
        var problems: [FieldProblem] = []
        guard fields.count == columnCount else {
            return .failure(RowProblems([FieldProblem(field: "row", code: "column_count", message: "\(fields.count) fields, the header has \(columnCount)")]))
        }
        func value(_ name: String) -> String? {
            guard let position = index[name] else { return nil }
            let text = fields[position].trimmed
            return text.isEmpty ? nil : text
        }
        func fail(_ field: String, _ code: String, _ message: String) {
            problems.append(FieldProblem(field: field, code: code, message: message))
        }
        for name in required where value(name) == nil { fail(name, "required", "\(name) is required") }

        var edition = AdminEdition.threeLevel
        if let text = value("unit_edition") {
            if let parsed = AdminEdition(rawValue: text) { edition = parsed } else { fail("unit_edition", "invalid", "unit_edition is 2025-01 or 2025-07") }
        }
        func date(_ name: String) -> PartialDate? {
            guard let text = value(name) else { return nil }
            do { return try PartialDate(iso: text) } catch {
                fail(name, "bad_date", error.message)
                return nil
            }
        }
        func unit(_ name: String) -> UnitRef? { value(name).map { UnitRef(edition: edition, code: $0) } }
        func json<T: Decodable>(_ name: String, _ type: T.Type, shortcut: (String) -> T? = { _ in nil }) -> T? {
            guard let text = value(name) else { return nil }
            if let read = shortcut(text) { return read }
            do { return try jsonDecoder.decode(type, from: Data(text.utf8)) } catch {
                fail(name, "bad_json", "\(name) is not valid JSON of the documented form")
                return nil
            }
        }
        func link(_ prefix: String) -> PersonLink? {
            let pinText = value(prefix + "_pin")
            let name = value(prefix + "_name")
            guard pinText != nil || name != nil else { return nil }
            var pin: PIN?
            if let pinText {
                do { pin = try PIN(pinText, bornAbroad: true) } catch { fail(prefix + "_pin", error.code, error.message) }
            }
            return PersonLink(pin: pin, name: name ?? "", oldIdNumber: value(prefix + "_old_id"), nationality: value(prefix + "_nationality") ?? "Việt Nam")
        }
        func parsed<T: RawRepresentable>(_ name: String, _ type: T.Type) -> T? where T.RawValue == String {
            guard let text = value(name) else { return nil }
            guard let result = T(rawValue: text) else {
                fail(name, "invalid", "'\(text)' is not a valid \(name)")
                return nil
            }
            return result
        }

        let bornAbroad = value("born_abroad").map { ["1", "true", "yes"].contains($0.lowercased()) } ?? false
        var pin: PIN?
        if let text = value("pin") {
            do { pin = try PIN(text, bornAbroad: bornAbroad) } catch { fail("pin", error.code, error.message) }
        }
        let sexText = value("sex")
        let sex = sexText.flatMap(Sex.init(vietnameseOrCode:))
        if sexText != nil && sex == nil { fail("sex", "invalid", "sex is male or female (Nam/Nữ)") }
        let birth = date("birth_date")
        func address(_ prefix: String) -> Address? {
            unit(prefix + "_unit").map { Address(unit: $0, street: value(prefix + "_street") ?? "") }
        }
        func place(_ prefix: String) -> Place? {
            let ref = unit(prefix + "_unit")
            let detail = value(prefix + "_detail")
            return ref == nil && detail == nil ? nil : Place(unit: ref, detail: detail ?? "")
        }
        let resident = Resident(
            provinceCode: value("province_code") ?? "",
            pin: pin,
            fullName: value("full_name") ?? "",
            otherNames: value("other_names")?.split(separator: ";").map { String($0).trimmed } ?? [],
            birthDate: birth ?? (try! PartialDate(year: 1900)),
            sex: sex ?? .male,
            placeOfBirth: place("place_of_birth"),
            birthRegistrationPlace: place("birth_registration"),
            birthRegisteredAbroad: bornAbroad,
            hometown: place("hometown"),
            ethnicityCode: value("ethnicity_code") ?? "",
            religion: value("religion") ?? "Không",
            nationality: value("nationality") ?? "Việt Nam",
            bloodType: parsed("blood_type", BloodType.self),
            oldIdNumber: value("old_id_number"),
            documents: json("documents", [IdentityDocument].self, shortcut: CompactJSONReader.documents) ?? [],
            father: link("father"), mother: link("mother"), spouse: link("spouse"),
            children: json("children", [PersonLink].self, shortcut: CompactJSONReader.links) ?? [],
            legalRepresentative: link("legal_rep"),
            maritalStatus: parsed("marital_status", MaritalStatus.self),
            permanentResidence: address("permanent"),
            temporaryResidence: address("temporary"),
            temporaryAbsence: json("temporary_absence", TemporaryAbsence.self),
            currentResidence: address("current"),
            relationToHead: parsed("relation_to_head", HouseholdRelation.self),
            deathDate: date("death_date"),
            missingSince: date("missing_since"),
            phone: value("phone"),
            email: value("email"))
        if !problems.isEmpty { return .failure(RowProblems(problems)) }
        let householdCode = value("household_code")
        if (householdCode == nil) != (resident.relationToHead == nil) {
            return .failure(RowProblems([FieldProblem(field: "relation_to_head", code: "inconsistent", message: "household_code and relation_to_head go together")]))
        }
        return .success(Row(resident: resident, householdCode: householdCode))
    }

    /// The CSV row of a record (household code = the register's household id). Units are written in the
    /// edition of the permanent residence.
    public static func row(_ r: Resident) -> String {
        let edition = r.permanentResidence?.unit.edition ?? .threeLevel
        func code(_ ref: UnitRef?) -> String {
            // A unit of another edition cannot be written in this row's edition: write nothing rather than a wrong code.
            guard let ref, ref.edition == edition else { return "" }
            return ref.code
        }
        func json<T: Encodable>(_ value: T?) -> String {
            guard let value else { return "" }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? ""
        }
        func link(_ l: PersonLink?) -> [String] {
            guard let l else { return ["", "", "", ""] }
            return [l.pin?.digits ?? "", l.name, l.oldIdNumber ?? "", l.nationality]
        }
        var fields: [String] = [
            r.pin?.digits ?? "", r.fullName, r.otherNames.joined(separator: "; "), r.birthDate.description, r.sex.rawValue,
            code(r.placeOfBirth?.unit), r.placeOfBirth?.detail ?? "", code(r.birthRegistrationPlace?.unit), r.birthRegistrationPlace?.detail ?? "",
            r.birthRegisteredAbroad ? "1" : "", code(r.hometown?.unit), r.hometown?.detail ?? "", r.ethnicityCode, r.religion, r.nationality,
            r.bloodType?.rawValue ?? "", r.oldIdNumber ?? "", CompactJSON.documents(r.documents) ?? "",
        ]
        fields += link(r.father) + link(r.mother) + link(r.spouse) + link(r.legalRepresentative)
        fields += [
            CompactJSON.links(r.children) ?? "", r.maritalStatus?.rawValue ?? "",
            code(r.permanentResidence?.unit), r.permanentResidence?.street ?? "",
            code(r.temporaryResidence?.unit), r.temporaryResidence?.street ?? "", json(r.temporaryAbsence),
            code(r.currentResidence?.unit), r.currentResidence?.street ?? "",
            r.householdId.map(String.init) ?? "", r.relationToHead?.rawValue ?? "",
            r.deathDate?.description ?? "", r.missingSince?.description ?? "", r.phone ?? "", r.email ?? "",
            r.provinceCode, edition.rawValue,
        ]
        return CSVWriter.row(fields)
    }
}

public struct RowProblems: Error, Sendable {
    public let problems: [FieldProblem]
    public init(_ problems: [FieldProblem]) { self.problems = problems }
    public var message: String { problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ") }
}

public enum ResidentCSVError: Error, Equatable, Sendable {
    case unknownColumn(String)
    case duplicateColumn(String)
    case missingColumn(String)
    case empty

    public var message: String {
        switch self {
        case .unknownColumn(let name): "unknown column '\(name)' in the header"
        case .duplicateColumn(let name): "column '\(name)' appears twice in the header"
        case .missingColumn(let name): "required column '\(name)' is missing from the header"
        case .empty: "the file has no header row"
        }
    }
}
