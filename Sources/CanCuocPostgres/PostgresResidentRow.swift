import CanCuocCore
import CanCuocStore
import Foundation
import PostgresNIO

/// `ResidentColumns` in PostgreSQL's terms: JSON parts are `jsonb`, search terms a `text[]` (GIN-indexed),
/// times `timestamptz`.
enum PostgresResidentRow {
    static let names = ResidentColumns.names
    static let kinds = ResidentColumns.kinds

    static func sqlType(_ kind: ResidentColumns.Kind) -> String {
        switch kind {
        case .text: "text"
        case .integer: "bigint"
        case .bool: "boolean"
        case .time: "timestamptz"
        case .json: "jsonb"
        case .terms: "text[]"
        }
    }

    /// `$1, $2::jsonb, ...`: the casts let JSON travel as text.
    static func placeholders(_ kinds: ArraySlice<ResidentColumns.Kind> = kinds[...]) -> [String] {
        kinds.enumerated().map { offset, kind in
            "$\(offset + 1)" + (kind == .json ? "::jsonb" : "")
        }
    }

    static let insertSQL = "INSERT INTO residents (\(names.joined(separator: ", "))) VALUES (\(placeholders().joined(separator: ", ")))"

    /// For a new record: the identity column numbers it; bind `values.dropFirst()`.
    static let insertWithoutIDSQL = "INSERT INTO residents (\(names.dropFirst().joined(separator: ", "))) VALUES (\(placeholders(kinds.dropFirst()).joined(separator: ", ")))"

    /// Every column but `id` (`$1`), which finds the row.
    static let updateSQL: String = {
        let assignments = zip(names, placeholders()).dropFirst().map { "\($0) = \($1)" }
        return "UPDATE residents SET \(assignments.joined(separator: ", ")) WHERE id = $1"
    }()

    static let selectList: String = zip(names, kinds).map { name, kind in
        switch kind {
        case .json: "r.\(name)::text"
        case .terms: "NULL::text"
        default: "r.\(name)"
        }
    }.joined(separator: ", ")

    /// Binds `values` (a whole row, or a slice of one: positions keep their column's kind).
    static func bindings(_ values: ArraySlice<ColumnValue>) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for index in values.indices {
            let kind = kinds[index]
            switch values[index] {
            case .null: bindings.appendNull()
            case .text(let text) where kind == .terms: bindings.append(text.split(separator: " ").map(String.init))
            case .text(let text): bindings.append(text)
            case .integer(let number): bindings.append(number)
            case .bool(let flag): bindings.append(flag)
            case .time(let date): bindings.append(date)
            }
        }
        return bindings
    }

    static func decode(_ row: PostgresRow) throws -> VersionedResident {
        try decode(cells: Array(row))  // by position; PostgresRandomAccessRow would hash every column name per row
    }

    /// A resident from `selectList`'s cells (also when they are part of a wider row).
    static func decode(cells: [PostgresCell]) throws -> VersionedResident {
        try ResidentColumns.decode { index in
            let cell = cells[index]
            guard cell.bytes != nil else { return .null }
            switch kinds[index] {
            case .text, .json: return .text(try cell.decode(String.self))
            case .integer: return .integer(try cell.decode(Int64.self))
            case .bool: return .bool(try cell.decode(Bool.self))
            case .time: return .time(try cell.decode(Date.self))
            case .terms: return .null
            }
        }
    }

    /// One row in COPY's text format.
    static func copyLine(_ values: [ColumnValue], into buffer: inout ByteBuffer) {
        for (offset, (value, kind)) in zip(values, kinds).enumerated() {
            if offset > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            switch value {
            case .null: buffer.writeStaticString("\\N")
            case .text(let text) where kind == .terms: CopyText.writeArray(text.split(separator: " "), into: &buffer)
            case .text(let text): CopyText.write(text, into: &buffer)
            case .integer(let number): buffer.writeString(String(number))
            case .bool(let flag): buffer.writeInteger(UInt8(ascii: flag ? "t" : "f"))
            case .time(let date): buffer.writeString(PostgresTime.text(date))
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }
}
