/// The part of the country an account acts in: the subtree of its unit, in the administrative tree in
/// force. Records are placed by their permanent residence's commune (or, lacking one, by the province
/// that keeps them), and a commune of either edition counts when the 2025 reform maps it into the
/// subtree, so an account made for the new two-level tree still sees records written against the old one
/// and the other way round.
public struct Jurisdiction: Sendable, Hashable {
    public enum Scope: Sendable, Hashable {
        /// A whole province: every record the province keeps.
        case provinces(Set<String>)
        /// A district or a commune: records whose permanent residence is in one of these communes.
        case communes(Set<UnitRef>)
    }

    public let unit: UnitRef
    public let scope: Scope

    public init(unit: UnitRef, catalog: AdminUnitCatalog) throws {
        guard let top = catalog.unit(unit) else { throw JurisdictionError.unknownUnit(unit) }
        self.unit = unit
        if top.level == .province {
            var codes: Set<String> = [unit.code]
            // A province of the two-level tree also keeps the records of the old provinces merged into it.
            if unit.edition == .twoLevel {
                for commune in catalog.communes(under: unit) {
                    for step in catalog.reformSources[commune.code] ?? [] {
                        if let old = catalog.province(of: UnitRef(edition: .threeLevel, code: step.oldCode)) { codes.insert(old.code) }
                    }
                }
            }
            scope = .provinces(codes)
        } else {
            var communes = Set(catalog.communes(under: unit).map(\.reference))
            for commune in communes {
                switch commune.edition {
                case .threeLevel:
                    for step in catalog.reformTargets[commune.code] ?? [] where step.kind != .splitPart {
                        communes.insert(UnitRef(edition: .twoLevel, code: step.newCode))
                    }
                case .twoLevel:
                    for step in catalog.reformSources[commune.code] ?? [] {
                        communes.insert(UnitRef(edition: .threeLevel, code: step.oldCode))
                    }
                }
            }
            scope = .communes(communes)
        }
    }

    public var isProvinceWide: Bool {
        if case .provinces = scope { return true }
        return false
    }

    public func contains(_ resident: Resident) -> Bool {
        switch scope {
        case .provinces(let codes): codes.contains(resident.provinceCode)
        case .communes(let communes): resident.permanentResidence.map { communes.contains($0.unit) } ?? false
        }
    }

    /// Whether a place (a household's address) lies inside, for a record kept by `provinceCode`.
    public func contains(unit place: UnitRef, provinceCode: String) -> Bool {
        switch scope {
        case .provinces(let codes): codes.contains(provinceCode)
        case .communes(let communes): communes.contains(place)
        }
    }
}

public enum JurisdictionError: Error, CustomStringConvertible, Equatable {
    case unknownUnit(UnitRef)

    public var description: String {
        switch self {
        case .unknownUnit(let unit): "unit \(unit.code) does not exist in the \(unit.edition.rawValue) list"
        }
    }
}
