/// The name as the MRZ writes it: `SURNAME<<GIVEN<NAMES`, Latin capitals only (Đ -> D, marks dropped),
/// truncated to the field when too long.
public struct MRZName: Hashable, Sendable {
    public let surname: String
    public let givenNames: [String]

    /// Vietnamese order: the first word is the surname (họ), the rest are the middle and given names.
    public init(vietnameseFullName: String) {
        // fold: marks dropped, Đ -> d, lower case, hyphens and other punctuation become spaces (apostrophes are
        // removed first: ICAO omits them); then only A-Z is kept.
        let apostrophes: Set<Character> = ["'", "’"]
        let words = VietnameseText.fold(String(vietnameseFullName.filter { !apostrophes.contains($0) })).uppercased()
            .split(separator: " ")
            .map { word in String(word.unicodeScalars.filter { ("A"..."Z").contains($0) }.map(Character.init)) }
            .filter { !$0.isEmpty }
        surname = words.first ?? ""
        givenNames = Array(words.dropFirst())
    }

    public init(surname: String, givenNames: [String]) {
        self.surname = surname
        self.givenNames = givenNames
    }

    /// The name field of `width` characters.
    ///
    /// Truncation (ICAO 9303 Part 3, 4.6): given names are cut first, from the last one back, each down to its
    /// initial; if the name still does not fit, the surname is cut, keeping `<<` and the first initial; the field
    /// is then cut to its width. A truncated field ends with a letter, which tells a reader it may be truncated.
    public func field(width: Int = 30) -> String {
        var given = givenNames
        var text = Self.join(surname, given)
        var index = given.count - 1
        while text.count > width && index >= 0 {
            given[index] = String(given[index].prefix(1))
            text = Self.join(surname, given)
            index -= 1
        }
        if text.count > width {
            let tail = given.isEmpty ? "" : "<<" + given[0]
            text = String(surname.prefix(max(width - tail.count, 1))) + tail
        }
        text = String(text.prefix(width))
        return text + String(repeating: "<", count: width - text.count)
    }

    /// Reads a name field back: `TRAN<<VAN<B<<<` -> surname TRAN, given names VAN, B.
    public init(field: some StringProtocol) {
        let text = String(field)
        let parts = text.split(separator: "<<", maxSplits: 1, omittingEmptySubsequences: false)
        surname = parts.first.map { $0.split(separator: "<").joined(separator: " ") } ?? ""
        givenNames = parts.count > 1 ? parts[1].split(separator: "<").map(String.init) : []
    }

    private static func join(_ surname: String, _ given: [String]) -> String {
        given.isEmpty ? surname : surname + "<<" + given.joined(separator: "<")
    }
}
