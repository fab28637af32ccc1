import Foundation

/// Both editions of Viet Nam's administrative units and the 2025 reform mapping, loaded from the
/// CSV files the project ships (Resources/, see docs/data.md). Immutable facts, held in memory:
/// about 14,000 units.
public final class AdminUnitCatalog: Sendable {
    private let units: [UnitRef: AdminUnit]
    private let childCodes: [UnitRef: [String]]
    private let topLevel: [AdminEdition: [String]]
    private let searchKeys: [(ref: UnitRef, folded: String, bare: String)]
    /// Old commune code (2025-01) -> where it went on 2025-07-01.
    public let reformTargets: [String: [ReformStep]]
    /// New commune code (2025-07) -> the old communes it was made of.
    public let reformSources: [String: [ReformStep]]

    /// The catalog of the files shipped in the package, loaded once.
    public static let shared: AdminUnitCatalog = {
        do { return try AdminUnitCatalog(directory: CoreResources.directory) } catch {
            fatalError("The administrative-unit files shipped with CanCuoc are unreadable: \(error)")
        }
    }()

    public init(directory: URL) throws {
        var units: [UnitRef: AdminUnit] = [:]
        var children: [UnitRef: [String]] = [:]
        var top: [AdminEdition: [String]] = [:]
        for edition in AdminEdition.allCases {
            let url = directory.appendingPathComponent(edition.fileName + ".csv")
            try CSVReader(contentsOf: url).forEachRecord { line, fields in
                if line == 1 { return }
                guard fields.count == 5, let level = AdminLevel(rawValue: fields[1]) else {
                    throw AdminDataError.badRow(file: url.lastPathComponent, line: line)
                }
                let declared = AdminUnitType(rawValue: fields[2])
                let type: AdminUnitType?
                switch edition {
                case .threeLevel: type = AdminUnitType.fromName(fields[3], level: level)
                case .twoLevel: type = declared
                }
                guard let type else { throw AdminDataError.badRow(file: url.lastPathComponent, line: line) }
                // The 2025-07 list names some provinces without their type word ("Thanh Hóa").
                var name = fields[3]
                if AdminUnitType.fromName(name, level: level) == nil { name = type.nameWord + " " + name }
                let parent = fields[4].isEmpty ? nil : fields[4]
                let unit = AdminUnit(code: fields[0], level: level, type: type, name: name, parentCode: parent, edition: edition)
                units[unit.reference] = unit
                if let parent {
                    children[UnitRef(edition: edition, code: parent), default: []].append(unit.code)
                } else {
                    top[edition, default: []].append(unit.code)
                }
            }
        }
        var targets: [String: [ReformStep]] = [:]
        var sources: [String: [ReformStep]] = [:]
        let reformURL = directory.appendingPathComponent("admin-units-reform-2025.csv")
        try CSVReader(contentsOf: reformURL).forEachRecord { line, fields in
            if line == 1 { return }
            guard fields.count == 3, let kind = ReformStep.Kind(rawValue: fields[2]) else {
                throw AdminDataError.badRow(file: reformURL.lastPathComponent, line: line)
            }
            let step = ReformStep(oldCode: fields[0], newCode: fields[1], kind: kind)
            targets[step.oldCode, default: []].append(step)
            sources[step.newCode, default: []].append(step)
        }
        self.units = units
        self.childCodes = children
        self.topLevel = top
        self.reformTargets = targets
        self.reformSources = sources
        self.searchKeys = units.values
            .sorted { ($0.edition, $0.code) < ($1.edition, $1.code) }
            .map { unit in
                let folded = VietnameseText.fold(unit.name)
                let word = VietnameseText.fold(unit.type.nameWord)
                let bare = folded.hasPrefix(word + " ") ? String(folded.dropFirst(word.count + 1)) : folded
                return (unit.reference, folded, bare)
            }
    }

    // MARK: Queries

    public func unit(_ ref: UnitRef) -> AdminUnit? { units[ref] }

    public func unit(code: String, on date: LocalDate) -> AdminUnit? {
        units[UnitRef(edition: .inForce(on: date), code: code)]
    }

    public func provinces(_ edition: AdminEdition) -> [AdminUnit] {
        (topLevel[edition] ?? []).compactMap { units[UnitRef(edition: edition, code: $0)] }
    }

    public func children(of ref: UnitRef) -> [AdminUnit] {
        (childCodes[ref] ?? []).compactMap { units[UnitRef(edition: ref.edition, code: $0)] }
    }

    /// The unit and everything below it, parents before children.
    public func subtree(of ref: UnitRef) -> [AdminUnit] {
        guard let root = units[ref] else { return [] }
        var result = [root]
        var index = 0
        while index < result.count {
            result.append(contentsOf: children(of: result[index].reference))
            index += 1
        }
        return result
    }

    /// The communes below a unit (the unit itself when it is a commune).
    public func communes(under ref: UnitRef) -> [AdminUnit] {
        subtree(of: ref).filter { $0.level == .commune }
    }

    /// The unit and its ancestors, the unit first.
    public func ancestry(of ref: UnitRef) -> [AdminUnit] {
        var chain: [AdminUnit] = []
        var next: UnitRef? = ref
        while let current = next, let unit = units[current] {
            chain.append(unit)
            next = unit.parentCode.map { UnitRef(edition: ref.edition, code: $0) }
        }
        return chain
    }

    /// "Xã Hoằng Quang, Huyện Hoằng Hóa, Tỉnh Thanh Hóa".
    public func fullPath(of ref: UnitRef) -> String? {
        let chain = ancestry(of: ref)
        return chain.isEmpty ? nil : chain.map(\.name).joined(separator: ", ")
    }

    /// The full path of a unit named by its code in the list in force on `date` (a desk's site, say).
    public func fullPath(code: String, on date: LocalDate) -> String? {
        fullPath(of: UnitRef(edition: .inForce(on: date), code: code))
    }

    /// Is `ref` the same unit as `ancestor` or below it?
    public func isWithin(_ ref: UnitRef, _ ancestor: UnitRef) -> Bool {
        ancestry(of: ref).contains { $0.reference == ancestor }
    }

    public func province(of ref: UnitRef) -> AdminUnit? { ancestry(of: ref).last }

    /// Units whose name contains the query's words in order, ignoring diacritics and case:
    /// "hoang hoa" finds "Huyện Hoằng Hóa" and "Xã Hoằng Hóa". Exact names first, then by level.
    public func search(_ query: String, edition: AdminEdition, level: AdminLevel? = nil, within: UnitRef? = nil, limit: Int = 50) -> [AdminUnit] {
        let needle = VietnameseText.fold(query)
        guard !needle.isEmpty else { return [] }
        let padded = " " + needle + " "
        var hits: [(rank: Int, unit: AdminUnit)] = []
        for key in searchKeys where key.ref.edition == edition {
            guard (" " + key.folded + " ").contains(padded), let unit = units[key.ref] else { continue }
            if let level, unit.level != level { continue }
            if let within, !isWithin(unit.reference, within) { continue }
            let exact = key.bare == needle || key.folded == needle
            let levelRank = AdminLevel.allCases.firstIndex(of: unit.level)!
            hits.append(((exact ? 0 : 10) + levelRank, unit))
        }
        return hits.sorted { ($0.rank, $0.unit.code) < ($1.rank, $1.unit.code) }.prefix(limit).map(\.unit)
    }

    /// The province of a personal-ID prefix: the 63 pre-2025 province codes ("038" -> Tỉnh Thanh Hóa).
    public func pinProvince(prefix: String) -> AdminUnit? {
        guard prefix.count == 3, prefix.hasPrefix("0") else { return nil }
        let unit = units[UnitRef(edition: .threeLevel, code: String(prefix.dropFirst()))]
        return unit?.level == .province ? unit : nil
    }

    public var allUnits: [AdminUnit] { Array(units.values) }
}

/// One row of the 2025 reform table: an old commune (or part of it) became a new commune.
public struct ReformStep: Hashable, Sendable, Codable {
    public enum Kind: String, Codable, Sendable {
        case whole
        case splitDefault = "split-default"
        case splitPart = "split-part"
    }

    public let oldCode: String
    public let newCode: String
    public let kind: Kind
}

public enum AdminDataError: Error, CustomStringConvertible {
    case badRow(file: String, line: Int)

    public var description: String {
        switch self {
        case let .badRow(file, line): "\(file) line \(line) is not a valid unit row"
        }
    }
}
