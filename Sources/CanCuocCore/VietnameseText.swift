import Foundation

/// Folding of Vietnamese text for diacritic-insensitive search and for the MRZ:
/// "Hoằng Hóa" -> "hoang hoa", "Đặng" -> "dang".
public enum VietnameseText {
    /// Lower case, marks removed, đ -> d, runs of spaces and punctuation collapsed to one space.
    public static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let folded: Unicode.Scalar
            if scalar.isASCII {
                folded = scalar
            } else if let base = FoldTable.base(of: scalar) {
                if base.value == 0 { continue }  // a combining mark on its own
                folded = base
            } else {
                // Outside the Latin ranges Vietnamese uses: keep letters, treat the rest as a separator.
                if scalar.properties.isAlphabetic {
                    if pendingSpace && !out.isEmpty { out.append(" ") }
                    pendingSpace = false
                    out.unicodeScalars(appending: scalar.properties.lowercaseMapping)
                } else {
                    pendingSpace = true
                }
                continue
            }
            let v = folded.value
            if (0x61...0x7A).contains(v) || (0x30...0x39).contains(v) {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(folded)
            } else if (0x41...0x5A).contains(v) {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(Unicode.Scalar(v + 32)!)
            } else {
                pendingSpace = true
            }
        }
        return String(out)
    }

    /// The words of the folded text, for whole-word name search.
    public static func words(_ text: String) -> [String] {
        fold(text).split(separator: " ").map(String.init)
    }

    /// Removes combining marks and maps Đ/đ to D/d, keeping case.
    public static func stripMarks(_ text: String) -> String {
        let decomposed = text.decomposedStringWithCanonicalMapping
        var out = String.UnicodeScalarView()
        for scalar in decomposed.unicodeScalars {
            switch scalar.value {
            case 0x0300...0x036F: continue  // combining diacritical marks
            case 0x0110: out.append("D")     // Đ
            case 0x0111: out.append("d")     // đ
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}

/// Base letters of the precomposed Latin letters (U+00C0..U+024F, U+1E00..U+1EFF), computed once from
/// Unicode decomposition: folding names one scalar at a time is what makes seeding millions fast.
private enum FoldTable {
    static let latin: [UInt32] = table(0x00C0...0x024F)
    static let extended: [UInt32] = table(0x1E00...0x1EFF)

    static func table(_ range: ClosedRange<UInt32>) -> [UInt32] {
        range.map { value in
            guard let scalar = Unicode.Scalar(value) else { return 0xFFFF }
            let stripped = VietnameseText.stripMarks(String(Character(scalar))).unicodeScalars
            guard stripped.count == 1, let base = stripped.first, base.isASCII else { return 0xFFFF }
            return base.value
        }
    }

    /// nil: not a Latin letter we fold; scalar 0: a combining mark to drop.
    static func base(of scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let v = scalar.value
        let mapped: UInt32
        switch v {
        case 0x0300...0x036F: return Unicode.Scalar(0)
        case 0x00C0...0x024F: mapped = latin[Int(v - 0x00C0)]
        case 0x1E00...0x1EFF: mapped = extended[Int(v - 0x1E00)]
        default: return nil
        }
        return mapped == 0xFFFF ? nil : Unicode.Scalar(mapped)
    }
}

private extension String.UnicodeScalarView {
    mutating func unicodeScalars(appending text: String) {
        append(contentsOf: text.unicodeScalars)
    }
}
