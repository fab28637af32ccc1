/// ICAO 9303 Part 3 check digit: 0-9 as is, A-Z = 10-35, `<` = 0, weights 7, 3, 1 repeating, sum mod 10.
public enum MRZCheckDigit {
    public static func value(of field: some StringProtocol) -> Int? {
        var sum = 0
        for (index, byte) in field.utf8.enumerated() {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = Int(byte - UInt8(ascii: "A")) + 10
            case UInt8(ascii: "<"): value = 0
            default: return nil
            }
            sum += value * [7, 3, 1][index % 3]
        }
        return sum % 10
    }

    /// The check digit as the character printed in the MRZ.
    public static func character(for field: some StringProtocol) -> Character {
        Character(String(value(of: field) ?? 0))
    }
}
