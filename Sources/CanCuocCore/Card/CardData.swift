/// Everything a card carries about its holder, fixed at personalisation: the printed fields, and from them the
/// MRZ, the QR text and the chip's DG13. Built from the register's record on the issue date.
public struct CardData: Hashable, Sendable, Codable {
    public var law: CardLaw
    public var pin: PIN
    public var fullName: String
    public var birthDate: PartialDate
    public var sex: Sex
    public var nationality: String
    public var ethnicity: String
    public var religion: String
    /// Quê quán (printed on the 2021 card).
    public var hometown: String
    /// Nơi đăng ký khai sinh (printed on the 2024 card).
    public var birthRegistrationPlace: String
    /// Nơi thường trú (2021) / nơi cư trú (2024).
    public var residence: String
    public var identifyingMarks: String
    public var issuedOn: LocalDate
    /// nil: no expiry ("Không thời hạn").
    public var expiresOn: LocalDate?
    public var fatherName: String
    public var motherName: String
    public var spouseName: String
    public var oldIdNumber: String
    /// The PIN this one replaced, when it was re-established.
    public var cancelledPIN: String
    public var issuingAuthority: String

    public static let noExpiryText = "Không thời hạn"

    enum CodingKeys: String, CodingKey {
        case law, pin, fullName = "full_name", birthDate = "birth_date", sex, nationality, ethnicity, religion, hometown
        case birthRegistrationPlace = "birth_registration_place", residence, identifyingMarks = "identifying_marks"
        case issuedOn = "issued_on", expiresOn = "expires_on", fatherName = "father_name", motherName = "mother_name"
        case spouseName = "spouse_name", oldIdNumber = "old_id_number", cancelledPIN = "cancelled_pin"
        case issuingAuthority = "issuing_authority", isMinorAtIssue = "minor_at_issue"
    }

    /// The card for `resident` issued on `issuedOn`, under the law in force that day.
    /// Throws when the resident may not have a card then (CardEligibility) or the record lacks a printed field.
    public init(resident: Resident, issuedOn: LocalDate, cancelledPIN: PIN? = nil, catalog: AdminUnitCatalog = .shared) throws(CardDataError) {
        let eligibility = CardEligibility(resident: resident, on: issuedOn)
        if case .refused(let refusal) = eligibility.decision { throw .ineligible(refusal) }
        guard let pin = resident.pin else { throw .ineligible(.noPIN) }
        guard let residence = resident.permanentResidence ?? resident.currentResidence else { throw .missingField("permanent_residence") }
        guard let residenceText = Self.text(residence, catalog: catalog) else { throw .missingField("permanent_residence") }
        law = eligibility.law
        self.pin = pin
        fullName = resident.fullName
        birthDate = resident.birthDate
        sex = resident.sex
        nationality = resident.nationality
        ethnicity = Ethnicity.named(code: resident.ethnicityCode)?.name ?? resident.ethnicityCode
        religion = resident.religion
        hometown = resident.hometown.flatMap { Self.text($0, catalog: catalog) } ?? ""
        birthRegistrationPlace = resident.birthRegistrationPlace.flatMap { Self.text($0, catalog: catalog) } ?? ""
        self.residence = residenceText
        identifyingMarks = ""
        self.issuedOn = issuedOn
        expiresOn = CardValidity.expiry(birthDate: resident.birthDate, issuedOn: issuedOn, law: law)
        fatherName = resident.father?.name ?? ""
        motherName = resident.mother?.name ?? ""
        spouseName = resident.spouse?.name ?? ""
        oldIdNumber = resident.oldIdNumber ?? ""
        self.cancelledPIN = cancelledPIN?.digits ?? ""
        issuingAuthority = switch law {
        case .citizenIdentification2014: "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
        case .identification2023: "Bộ Công an"
        }
        isMinorAtIssue = eligibility.age < CardEligibility.mandatoryAge
    }

    /// Under 14 on the issue date: the 2024 card's QR carries the parents' names.
    public var isMinorAtIssue: Bool

    public var expiryText: String { expiresOn.map { PartialDate($0).vietnamese } ?? Self.noExpiryText }

    public var mrz: TD1MRZ {
        TD1MRZ(pin: pin, fullName: fullName, birthDate: birthDate, sex: sex, expiry: expiresOn)
    }

    public var qrEdition: CardQRPayload.Edition { law == .citizenIdentification2014 ? .chip2021 : .card2024 }

    public var qr: CardQRPayload {
        CardQRPayload(pin: pin.digits, oldIdNumber: oldIdNumber.count == 9 ? oldIdNumber : "", fullName: fullName,
                      birthDate: birthDate, sex: sex, residence: residence, issuedOn: issuedOn, cancelledPIN: cancelledPIN,
                      fatherName: isMinorAtIssue ? fatherName : "", motherName: isMinorAtIssue ? motherName : "")
    }

    public var qrText: String { qr.text(edition: qrEdition) }

    private static func text(_ address: Address, catalog: AdminUnitCatalog) -> String? {
        guard let path = catalog.fullPath(of: address.unit) else { return nil }
        return address.street.isEmpty ? path : address.street + ", " + path
    }

    private static func text(_ place: Place, catalog: AdminUnitCatalog) -> String? {
        let path = place.unit.flatMap { catalog.fullPath(of: $0) }
        let parts = [place.detail, path ?? ""].filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}

public enum CardDataError: Error, Equatable, Sendable, CustomStringConvertible {
    case ineligible(CardEligibility.Refusal)
    case missingField(String)

    public var description: String {
        switch self {
        case .ineligible(let refusal): "not eligible for a card: \(refusal.message)"
        case .missingField(let field): "the register record has no \(field), which the card prints"
        }
    }
}
