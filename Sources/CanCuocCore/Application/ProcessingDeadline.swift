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

    /// The mountainous, border and island districts known so far (Thanh Hóa's); compute once and pass to `area`.
    public static func remoteDistricts(_ catalog: AdminUnitCatalog = .shared) -> Set<String> {
        PopulationGenerator.thanhHoaMountainDistricts(catalog)
    }

    /// The area of a residence: its district's type (city, town or urban district: urban) or one of
    /// `remoteDistricts`; a two-level unit (from 2025-07-01, when only the 2023 law's 7 days apply) is `other`.
    /// Other provinces' remote districts are not listed yet: `other`.
    public static func area(of unit: UnitRef, catalog: AdminUnitCatalog = .shared, remoteDistricts: Set<String>? = nil) -> Area {
        guard let district = catalog.ancestry(of: unit).first(where: { $0.level == .district }) else { return .other }
        switch district.type {
        case .thanhPho, .thiXa, .quan: return .urban
        default:
            return (remoteDistricts ?? Self.remoteDistricts(catalog)).contains(district.code) ? .remote : .other
        }
    }
}
