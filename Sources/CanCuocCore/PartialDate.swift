import Foundation

/// A calendar date that may be known only to the year or to the month, as real register
/// records are ("1948", "1948-03", "1948-03-15"). Written and read as ISO text.
public struct PartialDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int?
    public let day: Int?

    public init(year: Int, month: Int? = nil, day: Int? = nil) throws(PartialDateError) {
        guard (1...9999).contains(year) else { throw .yearOutOfRange(year) }
        if let month {
            guard (1...12).contains(month) else { throw .monthOutOfRange(month) }
        } else if day != nil {
            throw .dayWithoutMonth
        }
        if let day, let month {
            guard (1...Self.daysIn(year: year, month: month)).contains(day) else {
                throw .dayOutOfRange(year: year, month: month, day: day)
            }
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    public init(iso text: String) throws(PartialDateError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let widths = [4, 2, 2]
        guard (1...3).contains(parts.count) else { throw .malformed(text) }
        var numbers: [Int] = []
        for (index, part) in parts.enumerated() {
            guard part.count == widths[index], part.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(part) else {
                throw .malformed(text)
            }
            numbers.append(n)
        }
        try self.init(
            year: numbers[0],
            month: numbers.count > 1 ? numbers[1] : nil,
            day: numbers.count > 2 ? numbers[2] : nil)
    }

    public init(_ date: LocalDate) {
        year = date.year
        month = date.month
        day = date.day
    }

    public var isComplete: Bool { day != nil }

    /// The full date, when day and month are known.
    public var localDate: LocalDate? {
        guard let month, let day else { return nil }
        return try? LocalDate(year: year, month: month, day: day)
    }

    /// The earliest day this partial date can stand for (used for ages and ordering).
    public var earliest: LocalDate {
        // swiftlint:disable:next force_try - components were validated in init
        try! LocalDate(year: year, month: month ?? 1, day: day ?? 1)
    }

    public var description: String {
        var text = Digits.padded(year, 4)
        if let month { text += "-" + Digits.padded(month, 2) }
        if let day { text += "-" + Digits.padded(day, 2) }
        return text
    }

    /// As Vietnamese documents write it: dd/MM/yyyy, MM/yyyy or yyyy.
    public var vietnamese: String {
        switch (month, day) {
        case let (m?, d?): Digits.padded(d, 2) + "/" + Digits.padded(m, 2) + "/" + Digits.padded(year, 4)
        case let (m?, nil): Digits.padded(m, 2) + "/" + Digits.padded(year, 4)
        default: Digits.padded(year, 4)
        }
    }

    public static func < (lhs: PartialDate, rhs: PartialDate) -> Bool {
        (lhs.year, lhs.month ?? 0, lhs.day ?? 0) < (rhs.year, rhs.month ?? 0, rhs.day ?? 0)
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: LocalDate.isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension PartialDate: ISODateCodable {}

/// Dates travel in JSON as their ISO text ("1948", "1948-03", "1948-03-15").
protocol ISODateCodable: Codable, CustomStringConvertible {
    init(iso text: String) throws(PartialDateError)
}

extension ISODateCodable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(iso: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

public enum PartialDateError: Error, Equatable, Sendable {
    case malformed(String)
    case yearOutOfRange(Int)
    case monthOutOfRange(Int)
    case dayOutOfRange(year: Int, month: Int, day: Int)
    case dayWithoutMonth

    public var message: String {
        switch self {
        case .malformed(let text): "'\(text)' is not a date of the form YYYY-MM-DD, YYYY-MM or YYYY"
        case .yearOutOfRange(let year): "year \(year) is out of range"
        case .monthOutOfRange(let month): "month \(month) does not exist"
        case let .dayOutOfRange(year, month, day): "\(Digits.padded(year, 4))-\(Digits.padded(month, 2))-\(Digits.padded(day, 2)) does not exist"
        case .dayWithoutMonth: "a day needs a month"
        }
    }
}

/// Zero-padded decimal numbers (String(format:) goes through Foundation's formatter: slow in bulk).
public enum Digits {
    public static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
