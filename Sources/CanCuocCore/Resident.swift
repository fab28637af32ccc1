import Foundation

/// Register-assigned identifier of a resident record (stable across PIN re-establishment).
public typealias ResidentID = Int64
public typealias HouseholdID = Int64

/// One resident's record in the population register: every item REFERENCE.md lists
/// ("What the register holds"). Biometrics live in the identity database, not here.
public struct Resident: Codable, Sendable, Hashable {
    public var id: ResidentID
    /// The province whose police keep the record (sharding key; the permanent residence's province).
    public var provinceCode: String
    public var pin: PIN?
    public var fullName: String
    public var otherNames: [String]
    public var birthDate: PartialDate
    public var sex: Sex
    public var placeOfBirth: Place?
    public var birthRegistrationPlace: Place?
    /// True when the birth was registered abroad: the PIN then carries a country code.
    public var birthRegisteredAbroad: Bool
    public var hometown: Place?
    public var ethnicityCode: String
    public var religion: String
    public var nationality: String
    /// Recorded only when the citizen asks and shows a test result.
    public var bloodType: BloodType?
    /// The old 9-digit identity card number (CMND).
    public var oldIdNumber: String?
    /// Identity documents issued to the person (12-digit CMND, barcode CCCD, chip CCCD, ...).
    public var documents: [IdentityDocument]
    public var father: PersonLink?
    public var mother: PersonLink?
    public var spouse: PersonLink?
    public var children: [PersonLink]
    public var legalRepresentative: PersonLink?
    public var maritalStatus: MaritalStatus?
    public var permanentResidence: Address?
    public var temporaryResidence: Address?
    public var temporaryAbsence: TemporaryAbsence?
    public var currentResidence: Address?
    public var householdId: HouseholdID?
    public var relationToHead: HouseholdRelation?
    public var deathDate: PartialDate?
    public var missingSince: PartialDate?
    public var phone: String?
    public var email: String?

    public init(
        id: ResidentID = 0, provinceCode: String, pin: PIN? = nil, fullName: String, otherNames: [String] = [],
        birthDate: PartialDate, sex: Sex, placeOfBirth: Place? = nil, birthRegistrationPlace: Place? = nil,
        birthRegisteredAbroad: Bool = false, hometown: Place? = nil, ethnicityCode: String = "01",
        religion: String = "Không", nationality: String = "Việt Nam", bloodType: BloodType? = nil,
        oldIdNumber: String? = nil, documents: [IdentityDocument] = [], father: PersonLink? = nil,
        mother: PersonLink? = nil, spouse: PersonLink? = nil, children: [PersonLink] = [],
        legalRepresentative: PersonLink? = nil, maritalStatus: MaritalStatus? = nil,
        permanentResidence: Address? = nil, temporaryResidence: Address? = nil,
        temporaryAbsence: TemporaryAbsence? = nil, currentResidence: Address? = nil,
        householdId: HouseholdID? = nil, relationToHead: HouseholdRelation? = nil,
        deathDate: PartialDate? = nil, missingSince: PartialDate? = nil, phone: String? = nil, email: String? = nil
    ) {
        self.id = id
        self.provinceCode = provinceCode
        self.pin = pin
        self.fullName = fullName
        self.otherNames = otherNames
        self.birthDate = birthDate
        self.sex = sex
        self.placeOfBirth = placeOfBirth
        self.birthRegistrationPlace = birthRegistrationPlace
        self.birthRegisteredAbroad = birthRegisteredAbroad
        self.hometown = hometown
        self.ethnicityCode = ethnicityCode
        self.religion = religion
        self.nationality = nationality
        self.bloodType = bloodType
        self.oldIdNumber = oldIdNumber
        self.documents = documents
        self.father = father
        self.mother = mother
        self.spouse = spouse
        self.children = children
        self.legalRepresentative = legalRepresentative
        self.maritalStatus = maritalStatus
        self.permanentResidence = permanentResidence
        self.temporaryResidence = temporaryResidence
        self.temporaryAbsence = temporaryAbsence
        self.currentResidence = currentResidence
        self.householdId = householdId
        self.relationToHead = relationToHead
        self.deathDate = deathDate
        self.missingSince = missingSince
        self.phone = phone
        self.email = email
    }
}

/// A place given as a unit (commune, district or province) and free text ("Bệnh viện ...", a country).
public struct Place: Codable, Sendable, Hashable {
    public var unit: UnitRef?
    public var detail: String

    public init(unit: UnitRef?, detail: String = "") {
        self.unit = unit
        self.detail = detail
    }
}

/// An address: the commune (as a unit reference) plus the street part ("Thôn 3", "12 Lê Lợi").
public struct Address: Codable, Sendable, Hashable {
    public var unit: UnitRef
    public var street: String

    public init(unit: UnitRef, street: String = "") {
        self.unit = unit
        self.street = street
    }
}

/// A relative or representative: by PIN when known, else name + old ID + nationality.
public struct PersonLink: Codable, Sendable, Hashable {
    public var pin: PIN?
    public var name: String
    public var oldIdNumber: String?
    public var nationality: String

    enum CodingKeys: String, CodingKey {
        case pin, name, nationality, oldIdNumber = "old_id_number"
    }

    public init(pin: PIN? = nil, name: String, oldIdNumber: String? = nil, nationality: String = "Việt Nam") {
        self.pin = pin
        self.name = name
        self.oldIdNumber = oldIdNumber
        self.nationality = nationality
    }
}

public struct IdentityDocument: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// 12-digit CMND (2012-2016).
        case cmnd12 = "cmnd12"
        /// CCCD with a barcode (2016-2021).
        case cccdBarcode = "cccd_barcode"
        /// CCCD with a chip (from 2021).
        case cccdChip = "cccd_chip"
        /// Thẻ căn cước (from 2024-07-01).
        case theCanCuoc = "the_can_cuoc"
    }

    public var kind: Kind
    public var number: String
    public var issuedOn: LocalDate
    public var issuedBy: String
    public var expiresOn: LocalDate?

    enum CodingKeys: String, CodingKey {
        case kind, number, issuedOn = "issued_on", issuedBy = "issued_by", expiresOn = "expires_on"
    }

    public init(kind: Kind, number: String, issuedOn: LocalDate, issuedBy: String, expiresOn: LocalDate? = nil) {
        self.kind = kind
        self.number = number
        self.issuedOn = issuedOn
        self.issuedBy = issuedBy
        self.expiresOn = expiresOn
    }
}

public struct TemporaryAbsence: Codable, Sendable, Hashable {
    public var from: LocalDate
    public var until: LocalDate?
    public var destination: String

    public init(from: LocalDate, until: LocalDate? = nil, destination: String) {
        self.from = from
        self.until = until
        self.destination = destination
    }
}

public enum BloodType: String, Codable, Sendable, CaseIterable {
    case a = "A", b = "B", ab = "AB", o = "O"
    case aNeg = "A-", bNeg = "B-", abNeg = "AB-", oNeg = "O-"
}

public enum MaritalStatus: String, Codable, Sendable, CaseIterable {
    case single, married, divorced, widowed

    public var vietnamese: String {
        switch self {
        case .single: "Chưa kết hôn"
        case .married: "Đã kết hôn"
        case .divorced: "Đã ly hôn"
        case .widowed: "Góa"
        }
    }
}

public enum HouseholdRelation: String, Codable, Sendable, CaseIterable {
    case head, spouse, child, parent, grandchild, grandparent, sibling, childInLaw = "child_in_law", other

    public var vietnamese: String {
        switch self {
        case .head: "Chủ hộ"
        case .spouse: "Vợ/Chồng"
        case .child: "Con"
        case .parent: "Bố/Mẹ"
        case .grandchild: "Cháu"
        case .grandparent: "Ông/Bà"
        case .sibling: "Anh/Chị/Em"
        case .childInLaw: "Con dâu/Con rể"
        case .other: "Khác"
        }
    }
}
