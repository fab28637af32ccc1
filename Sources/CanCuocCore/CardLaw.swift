/// The identification law in force on a date (REFERENCE.md, "Laws in force").
public enum CardLaw: String, Codable, Sendable {
    /// Law on Citizen Identification 2014, in force 2016-01-01 .. 2024-06-30.
    case citizenIdentification2014 = "2014"
    /// Law on Identification 2023, in force from 2024-07-01.
    case identification2023 = "2023"

    public static let law2023Start = try! LocalDate(year: 2024, month: 7, day: 1)

    public static func inForce(on date: LocalDate) -> CardLaw {
        date < law2023Start ? .citizenIdentification2014 : .identification2023
    }

    /// Ages at which the card must be renewed.
    public var thresholdAges: [Int] {
        switch self {
        case .citizenIdentification2014: [25, 40, 60]
        case .identification2023: [14, 25, 40, 60]
        }
    }
}

/// When a card expires: on the holder's birthday at the next threshold age, skipping a threshold that is
/// at most 2 years away at issue; no expiry for cards issued from age 58.
/// A 29 February birthday falls on 28 February in non-leap years (our documented choice).
public enum CardValidity {
    /// nil means the card does not expire ("Không thời hạn").
    public static func expiry(birthDate: LocalDate, issuedOn: LocalDate, law: CardLaw? = nil) -> LocalDate? {
        let law = law ?? .inForce(on: issuedOn)
        let age = issuedOn.years(since: birthDate)
        if age >= 58 { return nil }
        for threshold in law.thresholdAges {
            let birthday = birthdayAt(age: threshold, birthDate: birthDate)
            guard birthday > issuedOn else { continue }
            // Issued within the 2 years before this threshold: valid until the next one.
            let twoYearsBefore = birthdayAt(age: threshold - 2, birthDate: birthDate)
            if issuedOn >= twoYearsBefore { continue }
            return birthday
        }
        return nil
    }

    public static func birthdayAt(age: Int, birthDate: LocalDate) -> LocalDate {
        let year = birthDate.year + age
        let day = (birthDate.month == 2 && birthDate.day == 29 && !LocalDate.isLeap(year)) ? 28 : birthDate.day
        return try! LocalDate(year: year, month: birthDate.month, day: day)
    }
}
