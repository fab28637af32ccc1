/// The three 30-character lines on the back of a card (ICAO 9303 TD1) in the Vietnamese layout of
/// REFERENCE.md ("MRZ"): the document number is the last 9 digits of the PIN, the optional data holds the
/// full 12-digit PIN with its own check digit.
///
/// A date of birth known only by year or month is written with fillers (`85<<<<`, `8503<<`), and a card
/// without expiry has `<<<<<<` with check digit `0`, as ICAO 9303 Part 3 writes an unknown date
/// (docs/card.md). Positions below are 1-based, as the specification counts them.
public struct TD1MRZ: Hashable, Sendable {
    public static let lineLength = 30
    public static let documentCode = "ID"
    public static let stateCode = "VNM"
    public static let noExpiry = "<<<<<<"

    public var documentCode: String
    public var issuingState: String
    /// Line 1, positions 6-14.
    public var documentNumber: String
    /// Line 1, positions 16-27.
    public var pinDigits: String
    /// Line 2, positions 1-6: YYMMDD, fillers for unknown parts.
    public var birthDateField: String
    /// `M`, `F` or `<`.
    public var sexCode: Character
    /// Line 2, positions 9-14: YYMMDD, or `<<<<<<` for a card without expiry.
    public var expiryField: String
    public var nationality: String
    public var name: MRZName

    /// The MRZ of a card for this holder.
    public init(pin: PIN, fullName: String, birthDate: PartialDate, sex: Sex, expiry: LocalDate?) {
        documentCode = Self.documentCode
        issuingState = Self.stateCode
        documentNumber = pin.lastNine
        pinDigits = pin.digits
        birthDateField = Self.dateField(year: birthDate.year, month: birthDate.month, day: birthDate.day)
        sexCode = sex == .male ? "M" : "F"
        expiryField = expiry.map { Self.dateField(year: $0.year, month: $0.month, day: $0.day) } ?? Self.noExpiry
        nationality = Self.stateCode
        name = MRZName(vietnameseFullName: fullName)
    }

    /// The three lines, check digits computed.
    public var lines: [String] {
        let optional1 = pinDigits + "<<"
        let line1Body = documentCode + issuingState + documentNumber + String(MRZCheckDigit.character(for: documentNumber))
            + optional1 + String(MRZCheckDigit.character(for: optional1))
        let optional2 = String(repeating: "<", count: 11)
        let birth = birthDateField + String(MRZCheckDigit.character(for: birthDateField))
        let expiry = expiryField + String(MRZCheckDigit.character(for: expiryField))
        let composite = Self.compositeInput(line1: line1Body, birth: birth, expiry: expiry, optional2: optional2)
        let line2 = birth + String(sexCode) + expiry + nationality + optional2 + String(MRZCheckDigit.character(for: composite))
        return [line1Body, line2, name.field(width: Self.lineLength)]
    }

    /// The lines joined by newlines, as DG1 and the printed card carry them (DG1 without the newlines).
    public var text: String { lines.joined(separator: "\n") }

    /// The date of birth, the century taken from the PIN's century digit.
    public var birthDate: PartialDate? {
        guard let pin = try? PIN(pinDigits, bornAbroad: true) else { return nil }
        return Self.partialDate(birthDateField, century: pin.birthYear / 100 * 100)
    }

    /// nil for a card without expiry (or an unreadable field). Expiry years are 20YY.
    public var expiry: LocalDate? {
        guard expiryField != Self.noExpiry else { return nil }
        return Self.partialDate(expiryField, century: 2000)?.localDate
    }

    /// Line 1 positions 6-30, line 2 positions 1-7, 9-15 and 19-29.
    static func compositeInput(line1: String, birth: String, expiry: String, optional2: String) -> String {
        String(line1.dropFirst(5)) + birth + expiry + optional2
    }

    static func dateField(year: Int, month: Int?, day: Int?) -> String {
        Digits.padded(year % 100, 2) + (month.map { Digits.padded($0, 2) } ?? "<<") + (day.map { Digits.padded($0, 2) } ?? "<<")
    }

    static func partialDate(_ field: String, century: Int) -> PartialDate? {
        let chars = Array(field)
        guard chars.count == 6, let yy = Int(String(chars[0...1])) else { return nil }
        let month = Int(String(chars[2...3]))
        let day = Int(String(chars[4...5]))
        if month == nil && day != nil { return nil }
        return try? PartialDate(year: century + yy, month: month, day: day)
    }
}
