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
