/// The chip's elementary files this card writes (ICAO 9303 Part 10, LDS 1.7), with their tags and
/// the file names used in a personalisation folder.
public enum LDSFile: String, CaseIterable, Sendable, Codable, Comparable {
    case com = "EF.COM"
    case dg1 = "DG1"
    case dg2 = "DG2"
    case dg13 = "DG13"
    case sod = "EF.SOD"

    /// The data-group number, nil for EF.COM and EF.SOD.
    public var dataGroup: Int? {
        switch self {
        case .dg1: 1
        case .dg2: 2
        case .dg13: 13
        case .com, .sod: nil
        }
    }

    /// The file's outer tag: 0x60, 0x61, 0x75, 0x6D, 0x77.
    public var tag: UInt8 {
        switch self {
        case .com: 0x60
        case .dg1: 0x61
        case .dg2: 0x75
        case .dg13: 0x6D
        case .sod: 0x77
        }
    }

    /// The file's name in a personalisation folder: `EF.COM`, `DG1.bin`, `DG2.bin`, `DG13.bin`, `EF.SOD`.
    public var fileName: String { dataGroup == nil ? rawValue : rawValue + ".bin" }

    public init?(dataGroup: Int) {
        guard let file = Self.allCases.first(where: { $0.dataGroup == dataGroup }) else { return nil }
        self = file
    }

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
