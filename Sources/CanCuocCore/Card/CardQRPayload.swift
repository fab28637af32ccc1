import Foundation

/// The text in the card's QR code (REFERENCE.md, "QR code on the card"): UTF-8, fields separated by `|`.
///
/// 2021 chip card, 7 fields: PIN | old 9-digit ID or empty | full name | date of birth ddMMyyyy | Nam/Nữ |
/// permanent residence | issue date ddMMyyyy.
/// 2024 card: the same 7 fields, then (our documented order, docs/card.md) 8 the cancelled PIN or empty,
/// 9 the father's name, 10 the mother's name (parents only for a holder under 14 on the issue date, else empty).
/// A date of birth known only by year or month is written with zeros for the unknown parts (`00001985`).
public struct CardQRPayload: Hashable, Sendable {
    /// Equal when the data is: the raw text a payload was read from does not count.
    public static func == (a: Self, b: Self) -> Bool { a.text(edition: .card2024) == b.text(edition: .card2024) }
    public func hash(into hasher: inout Hasher) { hasher.combine(text(edition: .card2024)) }

    public var pin: String
    public var oldIdNumber: String
    public var fullName: String
    public var birthDate: PartialDate
    public var sex: Sex
    public var residence: String
    public var issuedOn: LocalDate
    /// Fields 8 and on, as read (2024 card).
    public var cancelledPIN: String
    public var fatherName: String
    public var motherName: String
    /// The text as read, kept whole: a reader must not lose fields it does not know. nil when built here.
    public private(set) var raw: String?

    public enum Edition: String, Sendable, Codable { case chip2021 = "2021", card2024 = "2024" }

    public init(pin: String, oldIdNumber: String = "", fullName: String, birthDate: PartialDate, sex: Sex,
                residence: String, issuedOn: LocalDate, cancelledPIN: String = "", fatherName: String = "", motherName: String = "") {
        self.pin = pin
        self.oldIdNumber = oldIdNumber
        self.fullName = fullName
        self.birthDate = birthDate
        self.sex = sex
        self.residence = residence
        self.issuedOn = issuedOn
        self.cancelledPIN = cancelledPIN
        self.fatherName = fatherName
        self.motherName = motherName
        raw = nil
    }

    public func text(edition: Edition) -> String {
        var fields = [pin, oldIdNumber, fullName, Self.dateText(birthDate), sex.vietnamese, residence, Self.dateText(PartialDate(issuedOn))]
            .map(Self.clean)
        if edition == .card2024 {
            fields += [cancelledPIN, fatherName, motherName].map(Self.clean)
        }
        return fields.joined(separator: "|")
    }

    /// Reads a scanned QR text: at least 7 fields; surrounding blanks, a trailing newline or `|`, either
    /// Unicode normalisation of "Nữ", and dates with or without separators are accepted.
    public init(text: String) throws(CardQRError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var fields = trimmed.split(separator: "|", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).precomposedStringWithCanonicalMapping }
        guard fields.count >= 7 else { throw .tooFewFields(fields.count) }
        let pin = fields[0]
        guard pin.count == 12, pin.allSatisfy(\.isASCIIDigit) else { throw .field(1, "PIN '\(pin)' is not 12 digits") }
        guard fields[1].isEmpty || (fields[1].allSatisfy(\.isASCIIDigit) && [9, 12].contains(fields[1].count)) else {
            throw .field(2, "old ID '\(fields[1])' is not 9 or 12 digits")
        }
        guard !fields[2].isEmpty else { throw .field(3, "the name is empty") }
        guard let birth = Self.parseDate(fields[3]) else { throw .field(4, "date of birth '\(fields[3])' is not ddMMyyyy") }
        guard let sex = Sex(vietnameseOrCode: fields[4]) else {
            throw .field(5, "sex '\(fields[4])' is not Nam or Nữ")
        }
        guard let issued = Self.parseDate(fields[6])?.localDate else { throw .field(7, "issue date '\(fields[6])' is not ddMMyyyy") }
        while fields.count < 10 { fields.append("") }
        self.init(pin: pin, oldIdNumber: fields[1], fullName: fields[2], birthDate: birth, sex: sex, residence: fields[5],
                  issuedOn: issued, cancelledPIN: fields[7], fatherName: fields[8], motherName: fields[9])
        raw = text
    }

    static func dateText(_ date: PartialDate) -> String {
        (date.day.map { Digits.padded($0, 2) } ?? "00") + (date.month.map { Digits.padded($0, 2) } ?? "00") + Digits.padded(date.year, 4)
    }

    static func parseDate(_ text: String) -> PartialDate? {
        let digits = text.filter(\.isASCIIDigit)
        guard digits.count == 8, digits.count == text.count || text.count == 10 else { return nil }
        let chars = Array(digits)
        guard let day = Int(String(chars[0...1])), let month = Int(String(chars[2...3])), let year = Int(String(chars[4...7])) else { return nil }
        if day == 0 && month == 0 { return try? PartialDate(year: year) }
        if day == 0 { return try? PartialDate(year: year, month: month) }
        return try? PartialDate(year: year, month: month, day: day)
    }

    /// A field never carries the separator or a line break.
    private static func clean(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: "\n") }) else { return value }
        return value.replacingOccurrences(of: "|", with: "/").replacingOccurrences(of: "\n", with: " ")
    }
}

public enum CardQRError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooFewFields(Int)
    case field(Int, String)

    public var description: String {
        switch self {
        case .tooFewFields(let n): "a card QR code has at least 7 fields separated by '|', found \(n)"
        case let .field(n, message): "field \(n): \(message)"
        }
    }
}
