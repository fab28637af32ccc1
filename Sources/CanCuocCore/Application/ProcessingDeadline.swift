/// Working days from a complete application to the card (REFERENCE.md, "Deadlines"): under the 2014 law 7 for
/// first issue and renewal (15 for a re-grant) in cities and towns, 20 in mountainous, border and island
/// districts, 15 elsewhere; under the 2023 law 7 for everything.
public enum ProcessingDeadline {
    public enum Area: String, Sendable, Codable {
        /// A city or town (thành phố, thị xã, quận).
        case urban
        /// A mountainous, border or island district.
        case remote
        case other
    }

    public static func workingDays(law: CardLaw, kind: ApplicationKind, area: Area) -> Int {
        switch law {
        case .identification2023:
            return 7
        case .citizenIdentification2014:
            switch area {
            case .urban: return kind == .regrant ? 15 : 7
            case .remote: return 20
            case .other: return 15
            }
        }
    }
}
