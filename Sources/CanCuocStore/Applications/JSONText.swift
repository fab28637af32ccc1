import Foundation

/// A value the command line prints as one JSON object (keys sorted, slashes unescaped), as the API writes it.
public protocol JSONText: Encodable {}

extension JSONText {
    public func text() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
