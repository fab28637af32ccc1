import Foundation

/// The JSON form in which backends keep nested parts of a record (links, documents) and whole
/// snapshots of past versions. Sorted keys make equal records byte-equal across backends.
public enum RecordJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// One decoder for every record read: its options never change after this, and decoding does not
    /// modify it (search results decode a few dozen nested parts per record).
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }

    /// `shortcut` reads the common form without the decoder (`CompactJSONReader`); nil from it means "decode".
    public static func decodeOptional<T: Decodable>(_ type: T.Type, from text: String?, shortcut: (String) -> T? = { _ in nil }) throws -> T? {
        guard let text, text != "null" else { return nil }
        if let read = shortcut(text) { return read }
        return try decode(type, from: text)
    }

    /// A list part: most records have none, and "[]" needs no decoder.
    public static func decodeList<Element: Decodable>(_ type: [Element].Type, from text: String?, shortcut: (String) -> [Element]? = { _ in nil }) throws -> [Element] {
        guard let text, text != "[]", text != "null" else { return [] }
        if let read = shortcut(text) { return read }
        return try decode(type, from: text)
    }
}
