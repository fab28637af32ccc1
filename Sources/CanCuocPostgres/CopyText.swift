import NIOCore

/// Fields in the text format of `COPY ... FROM STDIN` (PostgresNIO streams the bytes; the format
/// itself is ours to write): backslash escapes for the delimiter, line ends and backslash.
enum CopyText {
    static func write(_ text: String, into buffer: inout ByteBuffer) {
        let utf8 = text.utf8
        // Most fields need no escaping: write them in one go.
        if !utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) {
            buffer.writeString(text)
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }

    /// A `text[]` literal, every element quoted (so no element can be read as NULL or split).
    static func writeArray(_ elements: [Substring], into buffer: inout ByteBuffer) {
        var literal = "{"
        for (offset, element) in elements.enumerated() {
            if offset > 0 { literal += "," }
            literal += "\""
            for character in element {
                if character == "\"" || character == "\\" { literal += "\\" }
                literal.append(character)
            }
            literal += "\""
        }
        literal += "}"
        write(literal, into: &buffer)
    }
}
