import Foundation

extension TD1MRZ {
    /// Reads an MRZ back, checking the layout and every check digit; the error names the first fault.
    /// Accepts the lines joined by newlines or as one 90-character string (as DG1 holds them).
    public init(text: String) throws(MRZError) {
        let compact: [String] = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let lines: [String]
        if compact.count == 1 && compact[0].count == 3 * Self.lineLength {
            let all = Array(compact[0])
            let width = Self.lineLength
            lines = [0, 1, 2].map { (row: Int) -> String in String(all[(row * width)..<((row + 1) * width)]) }
        } else {
            lines = compact
        }
        try self.init(lines: lines)
    }

    public init(lines: [String]) throws(MRZError) {
        guard lines.count == 3 else { throw .lineCount(lines.count) }
        for (index, line) in lines.enumerated() {
            guard line.count == Self.lineLength else { throw .lineLength(line: index + 1, length: line.count) }
            for (position, character) in line.enumerated() where !Self.isMRZCharacter(character) {
                throw .invalidCharacter(line: index + 1, position: position + 1, character: character)
            }
        }
        let l1 = Array(lines[0]), l2 = Array(lines[1])
        func field(_ line: [Character], _ from: Int, _ to: Int) -> String { String(line[(from - 1)...(to - 1)]) }

        documentCode = field(l1, 1, 2)
        guard documentCode.first == "I" || documentCode.first == "A" || documentCode.first == "C" else {
            throw .documentCode(documentCode)
        }
        issuingState = field(l1, 3, 5)
        documentNumber = field(l1, 6, 14)
        try Self.check(.documentNumber, field: documentNumber, digit: l1[14])
        let optional1 = field(l1, 16, 29)
        try Self.check(.pin, field: optional1, digit: l1[29])
        pinDigits = field(l1, 16, 27)
        guard pinDigits.allSatisfy(\.isASCIIDigit) else { throw .malformed(.pin, pinDigits) }
        guard pinDigits.hasSuffix(documentNumber) else { throw .documentNumberMismatch(documentNumber: documentNumber, pin: pinDigits) }

        birthDateField = field(l2, 1, 6)
        try Self.check(.birthDate, field: birthDateField, digit: l2[6])
        sexCode = l2[7]
        guard "MF<".contains(sexCode) else { throw .malformed(.sex, String(sexCode)) }
        expiryField = field(l2, 9, 14)
        try Self.check(.expiryDate, field: expiryField, digit: l2[14])
        nationality = field(l2, 16, 18)
        let composite = Self.compositeInput(line1: lines[0], birth: field(l2, 1, 7), expiry: field(l2, 9, 15), optional2: field(l2, 19, 29))
        try Self.check(.composite, field: composite, digit: l2[29])
        name = MRZName(field: lines[2])

        guard birthDate != nil else { throw .malformed(.birthDate, birthDateField) }
        if expiryField != Self.noExpiry && expiry == nil { throw .malformed(.expiryDate, expiryField) }
    }

    private static func isMRZCharacter(_ c: Character) -> Bool {
        c == "<" || c.isASCIIDigit || ("A"..."Z").contains(c)
    }

    private static func check(_ which: MRZError.Field, field: String, digit: Character) throws(MRZError) {
        let expected = MRZCheckDigit.character(for: field)
        guard digit == expected else { throw .checkDigit(which, found: digit, expected: expected) }
    }
}

/// What is wrong with an MRZ, naming the line, position or check digit.
public enum MRZError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Field: String, Sendable {
        case documentNumber = "document number (line 1, position 15)"
        case pin = "personal identification number (line 1, position 30)"
        case birthDate = "date of birth (line 2, position 7)"
        case sex = "sex (line 2, position 8)"
        case expiryDate = "date of expiry (line 2, position 15)"
        case composite = "composite (line 2, position 30)"
    }

    case lineCount(Int)
    case lineLength(line: Int, length: Int)
    case invalidCharacter(line: Int, position: Int, character: Character)
    case documentCode(String)
    case checkDigit(Field, found: Character, expected: Character)
    case malformed(Field, String)
    case documentNumberMismatch(documentNumber: String, pin: String)

    public var description: String {
        switch self {
        case .lineCount(let n): "a TD1 MRZ has 3 lines, found \(n)"
        case let .lineLength(line, length): "line \(line) has \(length) characters, a TD1 line has 30"
        case let .invalidCharacter(line, position, character): "line \(line), position \(position): '\(character)' is not an MRZ character (A-Z, 0-9, <)"
        case .documentCode(let code): "document code '\(code)' is not an identity card's (I, A or C)"
        case let .checkDigit(field, found, expected): "check digit of the \(field.rawValue) is \(found), expected \(expected)"
        case let .malformed(field, value): "the \(field.rawValue.split(separator: " (").first ?? "") field '\(value)' is malformed"
        case let .documentNumberMismatch(number, pin): "document number \(number) is not the last 9 digits of the PIN \(pin)"
        }
    }
}
