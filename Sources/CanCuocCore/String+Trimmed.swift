extension String {
    /// The text without leading and trailing spaces, tabs and line breaks. Works on UTF-8 bytes:
    /// Foundation's `trimmingCharacters(in:)` bridges through NSString and dominated CSV imports.
    public var trimmed: String {
        let utf8 = self.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else { return self }
        guard let start = utf8.firstIndex(where: { !isSpace($0) }), let end = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
