import Foundation

/// A value written as one JSON object (keys sorted, slashes unescaped): the command line's objects as the API
/// writes them, and the lines of a batch's manifest.
public protocol JSONText: Encodable {}

extension JSONText {
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public func text() throws -> String {
        String(decoding: try json(), as: UTF8.self)
    }
}
