import Foundation

/// Writes a record in exactly the JSON that `JSONEncoder` with sorted keys and ISO-8601 instants produces
/// from its `Codable` form (a test holds the two to byte equality on thousands of records).
///
/// Hand-written on purpose: on the PIN-lookup path Foundation's generic encoder took a fifth of the
/// server's time per request (measured with perf), and the issue asks for a 2 ms p99.
public enum ResidentJSON {
    public static func versioned(_ record: VersionedResident, into out: inout String) {
        out += "{\"resident\":"
        resident(record.resident, into: &out)
        out += ",\"version\":{\"number\":\(record.version.number),\"reason\":"
        CompactJSON.string(record.version.reason, into: &out)
        out += ",\"recorded_at\":\""
        out += iso8601(record.version.recordedAt)
        out += "\",\"recorded_by\":"
        CompactJSON.string(record.version.recordedBy, into: &out)
        out += "}}"
    }

    public static func resident(_ r: Resident, into out: inout String) {
        var first = true
        func key(_ name: String) {
            out += first ? "{\"" : ",\""
            first = false
            out += name
            out += "\":"
        }
        func text(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            CompactJSON.string(value, into: &out)
        }
        func raw(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            out += value
        }
        text("birth_date", r.birthDate.description)
        raw("birth_registered_abroad", r.birthRegisteredAbroad ? "true" : "false")
        raw("birth_registration_place", r.birthRegistrationPlace.map(place))
        text("blood_type", r.bloodType?.rawValue)
        raw("children", CompactJSON.links(r.children) ?? "[]")
        raw("current_residence", r.currentResidence.map(address))
        text("death_date", r.deathDate?.description)
        raw("documents", CompactJSON.documents(r.documents) ?? "[]")
        text("email", r.email)
        text("ethnicity_code", r.ethnicityCode)
        raw("father", CompactJSON.link(r.father))
        text("full_name", r.fullName)
        raw("hometown", r.hometown.map(place))
        raw("household_id", r.householdId.map { String($0) })
        raw("id", String(r.id))
        raw("legal_representative", CompactJSON.link(r.legalRepresentative))
        text("marital_status", r.maritalStatus?.rawValue)
        text("missing_since", r.missingSince?.description)
        raw("mother", CompactJSON.link(r.mother))
        text("nationality", r.nationality)
        text("old_id_number", r.oldIdNumber)
        raw("other_names", CompactJSON.strings(r.otherNames) ?? "[]")
        raw("permanent_residence", r.permanentResidence.map(address))
        text("phone", r.phone)
        text("pin", r.pin?.digits)
        raw("place_of_birth", r.placeOfBirth.map(place))
        text("province_code", r.provinceCode)
        text("relation_to_head", r.relationToHead?.rawValue)
        text("religion", r.religion)
        text("sex", r.sex.rawValue)
        raw("spouse", CompactJSON.link(r.spouse))
        raw("temporary_absence", r.temporaryAbsence.map(absence))
        raw("temporary_residence", r.temporaryResidence.map(address))
        out += "}"
    }

    static func unit(_ ref: UnitRef) -> String {
        "{\"code\":\"\(ref.code)\",\"edition\":\"\(ref.edition.rawValue)\"}"
    }

    static func place(_ place: Place) -> String {
        var out = "{\"detail\":"
        CompactJSON.string(place.detail, into: &out)
        if let ref = place.unit { out += ",\"unit\":" + unit(ref) }
        return out + "}"
    }

    static func address(_ address: Address) -> String {
        var out = "{\"street\":"
        CompactJSON.string(address.street, into: &out)
        return out + ",\"unit\":" + unit(address.unit) + "}"
    }

    static func absence(_ absence: TemporaryAbsence) -> String {
        var out = "{\"destination\":"
        CompactJSON.string(absence.destination, into: &out)
        out += ",\"from\":\"\(absence.from)\""
        if let until = absence.until { out += ",\"until\":\"\(until)\"" }
        return out + "}"
    }

    /// As `JSONEncoder.DateEncodingStrategy.iso8601`: UTC, whole seconds.
    static func iso8601(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = LocalDate(dayNumber: Int((Double(seconds) / 86_400).rounded(.down)))
        let rest = seconds - day.dayNumber * 86_400
        return "\(day)T\(Digits.padded(rest / 3600, 2)):\(Digits.padded(rest / 60 % 60, 2)):\(Digits.padded(rest % 60, 2))Z"
    }
}
