/// A personal identification number (số định danh cá nhân): `PPP G YY SSSSSS`, 12 digits, no check digit.
/// `PPP` is the province (or country) where the birth was registered, `G` the century and sex,
/// `YY` the birth year's last two digits, `SSSSSS` a random serial.
public struct PIN: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let digits: String

    /// Checks the form only (12 digits, a province code unless born abroad); see `validate` for the
    /// consistency checks against a record.
    public init(_ text: String, bornAbroad: Bool = false, catalog: AdminUnitCatalog = .shared) throws(PINError) {
        guard text.count == 12 else { throw .wrongLength(text.count) }
        guard text.utf8.allSatisfy({ (48...57).contains($0) }) else { throw .notDigits }
        let prefix = String(text.prefix(3))
        let isProvince = catalog.pinProvince(prefix: prefix) != nil
        if !isProvince && !bornAbroad { throw .unknownProvinceCode(prefix) }
        digits = text
    }

    /// Builds a PIN from its parts (used by allocation); the parts are trusted.
    public init(bucket: PINBucket, serial: Int) {
        precondition((0...PINBucket.serialCount - 1).contains(serial))
        let padded = String(serial)
        digits = bucket.prefix + String(repeating: "0", count: 6 - padded.count) + padded
    }

    public var provinceCode: String { String(digits.prefix(3)) }
    public var centurySexDigit: Int { Int(digits.utf8[digits.utf8.index(digits.utf8.startIndex, offsetBy: 3)] - 48) }
    public var sex: Sex { centurySexDigit % 2 == 0 ? .male : .female }
    public var birthYear: Int { 1900 + 100 * (centurySexDigit / 2) + Int(digits.dropFirst(4).prefix(2))! }
    public var serial: Int { Int(digits.suffix(6))! }
    public var bucket: PINBucket { PINBucket(provinceCode: provinceCode, sex: sex, birthYear: birthYear) }

    /// The last nine digits: the document number printed in the MRZ.
    public var lastNine: String { String(digits.suffix(9)) }

    public var description: String { digits }

    public static func < (lhs: PIN, rhs: PIN) -> Bool { lhs.digits < rhs.digits }

    /// Checks the PIN against what the record says: sex and birth year must match the century digit
    /// and the year digits; the birth year cannot be after `currentYear`.
    public func checkConsistency(sex recordSex: Sex?, birthYear recordYear: Int?, currentYear: Int) throws(PINError) {
        if birthYear > currentYear { throw .birthYearInFuture(birthYear) }
        if let recordSex, recordSex != sex { throw .sexMismatch(pin: sex, record: recordSex, digit: centurySexDigit) }
        if let recordYear, recordYear != birthYear { throw .birthYearMismatch(pin: birthYear, record: recordYear) }
    }

    /// The century-and-sex digit for a birth year and sex (1900s male 0 / female 1, 2000s 2/3, ...).
    public static func centurySexDigit(birthYear: Int, sex: Sex) -> Int? {
        let century = (birthYear - 1900) / 100
        guard birthYear >= 1900, century <= 4 else { return nil }
        return century * 2 + (sex == .female ? 1 : 0)
    }
}

extension PIN: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        // Stored PINs may have foreign prefixes (births registered abroad): accept the form only.
        do { self = try PIN(text, bornAbroad: true) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}

/// The set of PINs that share province, century-sex digit and birth year: one million serials.
public struct PINBucket: Hashable, Sendable, CustomStringConvertible {
    public static let serialCount = 1_000_000
    public let provinceCode: String
    public let sex: Sex
    public let birthYear: Int

    public init(provinceCode: String, sex: Sex, birthYear: Int) {
        self.provinceCode = provinceCode
        self.sex = sex
        self.birthYear = birthYear
    }

    /// The first six digits of every PIN of the bucket.
    public var prefix: String {
        let digit = PIN.centurySexDigit(birthYear: birthYear, sex: sex) ?? 0
        let yy = birthYear % 100
        return provinceCode + String(digit) + (yy < 10 ? "0" : "") + String(yy)
    }

    public var description: String { prefix }
}

public enum PINError: Error, Equatable, Sendable {
    case wrongLength(Int)
    case notDigits
    case unknownProvinceCode(String)
    case sexMismatch(pin: Sex, record: Sex, digit: Int)
    case birthYearMismatch(pin: Int, record: Int)
    case birthYearInFuture(Int)

    public var code: String {
        switch self {
        case .wrongLength: "pin_length"
        case .notDigits: "pin_not_digits"
        case .unknownProvinceCode: "pin_unknown_province"
        case .sexMismatch: "pin_sex_mismatch"
        case .birthYearMismatch: "pin_birth_year_mismatch"
        case .birthYearInFuture: "pin_birth_year_future"
        }
    }

    public var message: String {
        switch self {
        case .wrongLength(let count): "a personal identification number has 12 digits, this one has \(count) characters"
        case .notDigits: "a personal identification number has only digits"
        case .unknownProvinceCode(let prefix): "'\(prefix)' is not the code of any of the 63 provinces (use --abroad / born abroad for a birth registered abroad)"
        case let .sexMismatch(pin, record, digit): "century-sex digit \(digit) says \(pin.rawValue) but the record says \(record.rawValue)"
        case let .birthYearMismatch(pin, record): "the number encodes birth year \(pin) but the record says \(record)"
        case .birthYearInFuture(let year): "the number encodes birth year \(year), which is in the future"
        }
    }
}
