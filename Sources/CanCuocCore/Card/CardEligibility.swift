/// Whether a resident may be issued a card on a date, and which biometrics are captured, by the law in force
/// on that date (REFERENCE.md, "The card": 2014 law from 14; 2023 law every citizen, mandatory from 14,
/// on the legal representative's request under 14, no biometrics under 6, iris from 6).
public struct CardEligibility: Hashable, Sendable {
    public enum Decision: Hashable, Sendable {
        /// The holder must have a card (14 and over).
        case mandatory
        /// Under 14 under the 2023 law: issued when the legal representative asks for it.
        case onRepresentativeRequest
        case refused(Refusal)
    }

    public enum Refusal: Hashable, Sendable {
        case tooYoung(age: Int, minimumAge: Int)
        case notCitizen(nationality: String)
        case deceased
        case missing
        case noPIN

        /// The reason printed on the refusal notice (CC03).
        public var message: String {
            switch self {
            case let .tooYoung(age, minimum):
                "Chưa đủ \(minimum) tuổi (hiện \(age) tuổi) theo luật áp dụng"
            case let .notCitizen(nationality):
                "Không phải công dân Việt Nam (quốc tịch: \(nationality))"
            case .deceased: "Người đã chết"
            case .missing: "Người đã bị tuyên bố mất tích"
            case .noPIN: "Chưa có số định danh cá nhân"
            }
        }
    }

    public enum Biometric: String, Hashable, Sendable, CaseIterable, Codable {
        case face, fingerprints, iris
    }

    public let law: CardLaw
    public let age: Int
    public let decision: Decision
    /// What is captured at intake; empty under 6 (2023 law).
    public let biometrics: [Biometric]

    public var isEligible: Bool {
        if case .refused = decision { return false }
        return true
    }

    public static let mandatoryAge = 14
    public static let biometricsAge = 6

    public init(resident: Resident, on date: LocalDate) {
        law = .inForce(on: date)
        age = CardValidity.age(birthDate: resident.birthDate, on: date)
        decision = Self.decide(resident: resident, age: age, law: law)
        biometrics = Self.biometrics(law: law, age: age)
    }

    /// What is captured from a holder of `age` under `law`.
    public static func biometrics(law: CardLaw, age: Int) -> [Biometric] {
        switch law {
        case .citizenIdentification2014: [.face, .fingerprints]
        case .identification2023: age < biometricsAge ? [] : [.face, .fingerprints, .iris]
        }
    }

    private static func decide(resident: Resident, age: Int, law: CardLaw) -> Decision {
        if resident.deathDate != nil { return .refused(.deceased) }
        if resident.missingSince != nil { return .refused(.missing) }
        if VietnameseText.fold(resident.nationality) != "viet nam" { return .refused(.notCitizen(nationality: resident.nationality)) }
        if resident.pin == nil { return .refused(.noPIN) }
        if age >= mandatoryAge { return .mandatory }
        switch law {
        case .citizenIdentification2014: return .refused(.tooYoung(age: age, minimumAge: mandatoryAge))
        case .identification2023: return .onRepresentativeRequest
        }
    }
}
