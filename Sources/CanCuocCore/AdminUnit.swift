/// One administrative unit (province, district or commune) of one edition of the official list.
public struct AdminUnit: Hashable, Sendable, Codable {
    public let code: String
    public let level: AdminLevel
    public let type: AdminUnitType
    /// The official name with its type word, as people write it ("Huyện Hoằng Hóa").
    public let name: String
    public let parentCode: String?
    public let edition: AdminEdition

    public var validFrom: LocalDate? { edition.validFrom }
    public var validTo: LocalDate? { edition.validTo }

    public var reference: UnitRef { UnitRef(edition: edition, code: code) }

    public init(code: String, level: AdminLevel, type: AdminUnitType, name: String, parentCode: String?, edition: AdminEdition) {
        self.code = code
        self.level = level
        self.type = type
        self.name = name
        self.parentCode = parentCode
        self.edition = edition
    }

}

public enum AdminLevel: String, Codable, Sendable, CaseIterable {
    case province, district, commune
}

public enum AdminUnitType: String, Codable, Sendable, CaseIterable {
    case tinh = "tỉnh"
    case thanhPhoTrungUong = "thành phố trung ương"
    case quan = "quận"
    case huyen = "huyện"
    case thiXa = "thị xã"
    case thanhPho = "thành phố"
    case xa = "xã"
    case phuong = "phường"
    case thiTran = "thị trấn"
    case dacKhu = "đặc khu"

    /// The word that opens the unit's name ("Tỉnh", "Thành phố", ...).
    public var nameWord: String {
        switch self {
        case .tinh: "Tỉnh"
        case .thanhPhoTrungUong, .thanhPho: "Thành phố"
        case .quan: "Quận"
        case .huyen: "Huyện"
        case .thiXa: "Thị xã"
        case .xa: "Xã"
        case .phuong: "Phường"
        case .thiTran: "Thị trấn"
        case .dacKhu: "Đặc khu"
        }
    }

    /// The type a unit of the given level has, read from the start of its name. The 2025-01
    /// list's own type column is coarse (every commune "xã"), the name is exact.
    static func fromName(_ name: String, level: AdminLevel) -> AdminUnitType? {
        let folded = VietnameseText.fold(name)
        func starts(_ word: String) -> Bool { folded.hasPrefix(word + " ") }
        switch level {
        case .province:
            if starts("thanh pho") { return .thanhPhoTrungUong }
            if starts("tinh") { return .tinh }
        case .district:
            if starts("thanh pho") { return .thanhPho }
            if starts("thi xa") { return .thiXa }
            if starts("quan") { return .quan }
            if starts("huyen") { return .huyen }
        case .commune:
            if starts("thi tran") { return .thiTran }
            if starts("phuong") { return .phuong }
            if starts("xa") { return .xa }
            if starts("dac khu") { return .dacKhu }
        }
        return nil
    }
}

/// The editions of the official list the project ships. Codes are unique within an edition;
/// a commune code of the 2025-07 edition may be the code of a different, older commune in 2025-01,
/// so a reference to a unit always names its edition.
public enum AdminEdition: String, Codable, Sendable, CaseIterable, Comparable {
    /// Three levels, as of January 2025; stands for every date up to 2025-06-30 (earlier mergers are not modelled).
    case threeLevel = "2025-01"
    /// Two levels (provinces and communes), in force from 2025-07-01.
    case twoLevel = "2025-07"

    public static let reformDate = try! LocalDate(year: 2025, month: 7, day: 1)

    public var validFrom: LocalDate? { self == .twoLevel ? Self.reformDate : nil }
    public var validTo: LocalDate? { self == .threeLevel ? Self.reformDate.adding(days: -1) : nil }

    /// The edition in force on a date.
    public static func inForce(on date: LocalDate) -> AdminEdition {
        date < reformDate ? .threeLevel : .twoLevel
    }

    var fileName: String { "admin-units-\(rawValue)" }

    public static func < (lhs: AdminEdition, rhs: AdminEdition) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A reference to a unit: its edition and its code within that edition.
public struct UnitRef: Hashable, Sendable, Codable, CustomStringConvertible {
    public let edition: AdminEdition
    public let code: String

    public init(edition: AdminEdition, code: String) {
        self.edition = edition
        self.code = code
    }

    public var description: String { "\(edition.rawValue)/\(code)" }
}

extension UnitRef {
    /// Parses the "2025-01/38123" form used in storage and CSV files.
    public init?(text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let edition = AdminEdition(rawValue: String(parts[0])), !parts[1].isEmpty,
              parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        self.init(edition: edition, code: String(parts[1]))
    }
}
