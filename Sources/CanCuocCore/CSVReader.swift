import Foundation

/// RFC 4180 CSV reader working on raw UTF-8 bytes.
///
/// Hand-written on purpose: the import must keep pace with `sqlite3 .import` (issue 2's benchmark),
/// and the CSV packages on our list decode character by character, several times slower.
public struct CSVReader: Sendable {
    public let data: Data

    public init(data: Data) { self.data = data }

    public init(contentsOf url: URL) throws {
        self.init(data: try Data(contentsOf: url, options: .alwaysMapped))
    }

    /// The first record (the header row), or nil for a file without any.
    public func firstRecord() throws -> [String]? {
        struct Found: Error { let fields: [String] }
        do {
            try forEachRecord { _, fields in throw Found(fields: fields) }
        } catch let found as Found {
            return found.fields
        }
        return nil
    }

    /// Calls `body` with each record and the 1-based line number where it starts. Stops at the
    /// first error `body` throws. A quote that is never closed is an error.
    public func forEachRecord(_ body: (_ line: Int, _ fields: [String]) throws -> Void) throws {
        try forEachRecord { line, fields, _ in try body(line, fields) }
    }

    /// The fields of the record at `range` (a range `forEachRecord` gave), read again.
    public func fields(in range: Range<Int>) throws -> [String] {
        try CSVReader(data: Data(data[(data.startIndex + range.lowerBound)..<(data.startIndex + range.upperBound)])).firstRecord() ?? []
    }

    /// As above, with the record's byte range in the file, to read it again later (`fields(in:)`)
    /// rather than keep its fields.
    public func forEachRecord(_ body: (_ line: Int, _ fields: [String], _ range: Range<Int>) throws -> Void) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = 0
            let count = bytes.count
            // Skip a UTF-8 byte order mark.
            if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
            var line = 1
            var fields: [String] = []
            var field: [UInt8] = []
            fields.reserveCapacity(48)
            field.reserveCapacity(128)
            while index < count {
                let recordLine = line
                let recordStart = index
                fields.removeAll(keepingCapacity: true)
                var endOfRecord = false
                while !endOfRecord {
                    field.removeAll(keepingCapacity: true)
                    if index < count, bytes[index] == UInt8(ascii: "\"") {
                        index += 1
                        var closed = false
                        while index < count {
                            let byte = bytes[index]
                            if byte == UInt8(ascii: "\"") {
                                if index + 1 < count, bytes[index + 1] == UInt8(ascii: "\"") {
                                    field.append(byte)
                                    index += 2
                                } else {
                                    index += 1
                                    closed = true
                                    break
                                }
                            } else {
                                if byte == UInt8(ascii: "\n") { line += 1 }
                                field.append(byte)
                                index += 1
                            }
                        }
                        guard closed else { throw CSVError.unterminatedQuote(line: recordLine) }
                    } else {
                        let start = index
                        while index < count, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "\n"), bytes[index] != UInt8(ascii: "\r") {
                            index += 1
                        }
                        field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                    }
                    fields.append(String(decoding: field, as: UTF8.self))
                    if index >= count {
                        endOfRecord = true
                    } else if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                    } else if bytes[index] == UInt8(ascii: "\r") || bytes[index] == UInt8(ascii: "\n") {
                        if bytes[index] == UInt8(ascii: "\r") { index += 1 }
                        if index < count, bytes[index] == UInt8(ascii: "\n") { index += 1 }
                        line += 1
                        endOfRecord = true
                    } else {
                        throw CSVError.textAfterQuote(line: recordLine)
                    }
                }
                // A blank line is not a record.
                if fields.count == 1, fields[0].isEmpty { continue }
                try body(recordLine, fields, recordStart..<index)
            }
        }
    }
}

public enum CSVError: Error, Equatable, Sendable {
    case unterminatedQuote(line: Int)
    case textAfterQuote(line: Int)

    public var message: String {
        switch self {
        case .unterminatedQuote(let line): "line \(line): a quoted field is never closed"
        case .textAfterQuote(let line): "line \(line): text after a closing quote"
        }
    }
}

/// Writes CSV rows, quoting only the fields that need it.
public enum CSVWriter {
    public static func row(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\n"
    }

    public static func escape(_ field: String) -> String {
        let utf8 = field.utf8
        guard utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return field }
        // Quote, doubling the quotes inside (byte-wise: Foundation's replacingOccurrences is slow in bulk).
        var bytes: [UInt8] = [0x22]
        bytes.reserveCapacity(utf8.count + 8)
        for byte in utf8 {
            bytes.append(byte)
            if byte == 0x22 { bytes.append(0x22) }
        }
        bytes.append(0x22)
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension CSVReader {
    /// Physical lines in the file (for progress estimates).
    public var lineCount: Int {
        data.withUnsafeBytes { raw in raw.reduce(into: 0) { count, byte in if byte == 0x0A { count += 1 } } }
    }
}
