import Foundation

/// Folding of Vietnamese text for diacritic-insensitive search and for the MRZ:
/// "Hoằng Hóa" -> "hoang hoa", "Đặng" -> "dang".
public enum VietnameseText {
    /// Lower case, marks removed, đ -> d, runs of spaces and punctuation collapsed to one space.
    public static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in stripMarks(text).lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
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
