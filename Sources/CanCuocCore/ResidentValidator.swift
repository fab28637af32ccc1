import Foundation

/// A problem with one field of a record, reported to officers and API clients.
public struct FieldProblem: Error, Hashable, Sendable, Codable {
    public let field: String
    public let code: String
    public let message: String

    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }
}

/// The register's rules for a complete and consistent record. Returns every problem, not just the first,
/// so an officer can correct a record in one go.
public struct ResidentValidator: Sendable {
    public let catalog: AdminUnitCatalog
    public let today: LocalDate

    public init(catalog: AdminUnitCatalog = .shared, today: LocalDate) {
        self.catalog = catalog
        self.today = today
    }

    public func problems(in resident: Resident) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        func add(_ field: String, _ code: String, _ message: String) {
            problems.append(FieldProblem(field: field, code: code, message: message))
        }

        let name = resident.fullName.trimmed
        if name.isEmpty {
            add("full_name", "required", "the full name is required")
        } else if name.count > 100 || !name.allSatisfy({ $0.isLetter || $0 == " " || $0 == "-" || $0 == "'" }) {
            add("full_name", "invalid", "a name has letters, spaces, hyphens and apostrophes only (at most 100)")
        }
        if resident.birthDate.earliest > today { add("birth_date", "future", "the date of birth is in the future") }
        if resident.birthDate.year < 1880 { add("birth_date", "too_old", "the year of birth is before 1880") }
        if Ethnicity.named(code: resident.ethnicityCode) == nil {
            add("ethnicity_code", "unknown", "'\(resident.ethnicityCode)' is not one of the 54 ethnic group codes (01-54)")
        }
        if catalog.pinProvince(prefix: "0" + resident.provinceCode) == nil && catalog.provinces(.twoLevel).allSatisfy({ $0.code != resident.provinceCode }) {
            add("province_code", "unknown", "'\(resident.provinceCode)' is not a province code")
        }
        if let pin = resident.pin {
            do throws(PINError) {
                try pin.checkConsistency(sex: resident.sex, birthYear: resident.birthDate.year, currentYear: today.year)
                let isProvince = catalog.pinProvince(prefix: pin.provinceCode) != nil
                if !isProvince && !resident.birthRegisteredAbroad {
                    throw PINError.unknownProvinceCode(pin.provinceCode)
                }
            } catch {
                add("pin", error.code, error.message)
            }
        }
        if let old = resident.oldIdNumber, !(old.count == 9 && old.allSatisfy(\.isASCIIDigit)) {
            add("old_id_number", "invalid", "the old identity card number has 9 digits")
        }
        checkAddress(resident.permanentResidence, field: "permanent_residence", into: &problems)
        checkAddress(resident.temporaryResidence, field: "temporary_residence", into: &problems)
        checkAddress(resident.currentResidence, field: "current_residence", into: &problems)
        for (field, place) in [("place_of_birth", resident.placeOfBirth), ("birth_registration_place", resident.birthRegistrationPlace), ("hometown", resident.hometown)] {
            if let unit = place?.unit, catalog.unit(unit) == nil {
                add(field, "unknown_unit", "unit \(unit.code) does not exist in the \(unit.edition.rawValue) list")
            }
        }
        for (field, date) in [("death_date", resident.deathDate), ("missing_since", resident.missingSince)] {
            guard let date else { continue }
            if date < resident.birthDate { add(field, "before_birth", "the date is before the date of birth") }
            if date.earliest > today { add(field, "future", "the date is in the future") }
        }
        if (resident.householdId == nil) != (resident.relationToHead == nil) {
            add("relation_to_head", "inconsistent", "a household member needs both the household and the relation to its head")
        }
        if let phone = resident.phone, !(9...15).contains(phone.count) || !phone.allSatisfy({ $0.isASCIIDigit || $0 == "+" }) {
            add("phone", "invalid", "a phone number has 9 to 15 digits")
        }
        if let email = resident.email, !email.contains("@") || email.contains(" ") {
            add("email", "invalid", "the e-mail address is not valid")
        }
        for (index, document) in resident.documents.enumerated() where document.issuedOn > today {
            add("documents[\(index)].issued_on", "future", "the issue date is in the future")
        }
        for (field, link) in [("father", resident.father), ("mother", resident.mother), ("spouse", resident.spouse), ("legal_representative", resident.legalRepresentative)] {
            if let link, link.name.trimmed.isEmpty && link.pin == nil {
                add(field, "required", "a linked person needs a PIN or a name")
            }
        }
        return problems
    }

    private func checkAddress(_ address: Address?, field: String, into problems: inout [FieldProblem]) {
        guard let address else { return }
        guard let unit = catalog.unit(address.unit) else {
            problems.append(FieldProblem(field: field, code: "unknown_unit", message: "unit \(address.unit.code) does not exist in the \(address.unit.edition.rawValue) list"))
            return
        }
        if unit.level != .commune {
            problems.append(FieldProblem(field: field, code: "not_commune", message: "an address names a commune, ward or town; \(unit.name) is a \(unit.level.rawValue)"))
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
