import CanCuocCore
import CanCuocStore
import Foundation
import GRDB

/// `ResidentColumns` in SQLite's terms: times are seconds since 1970 (REAL), flags are integers.
enum ResidentRow {
    static let columns = ResidentColumns.names
    static let insertSQL = "INSERT INTO residents (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
    static let updateSQL = "UPDATE residents SET \(columns.dropFirst().map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"
    static let selectList = columns.joined(separator: ", ")

    static func databaseValue(_ value: ColumnValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .text(let text): text.databaseValue
        case .integer(let number): number.databaseValue
        case .bool(let flag): flag.databaseValue
        case .time(let date): date.timeIntervalSince1970.databaseValue
        }
    }

    /// Values in `columns` order. `id` nil lets SQLite assign it.
    static func values(_ r: Resident, id: ResidentID?, version: RecordVersion) -> [DatabaseValue] {
        ResidentColumns.values(r, id: id, version: version).map(databaseValue)
    }

    static func arguments(_ r: Resident, id: ResidentID?, version: RecordVersion) -> StatementArguments {
        StatementArguments(values(r, id: id, version: version))
    }

    /// Reads a row selected with `selectList`, by position (GRDB's lookup by name folds case on every call).
    static func decode(_ row: Row) throws -> VersionedResident {
        try ResidentColumns.decode { index in
            let value: DatabaseValue = row[index]
            switch value.storage {
            case .null: return .null
            case .string(let text): return .text(text)
            case .int64(let number):
                switch ResidentColumns.kinds[index] {
                case .bool: return .bool(number != 0)
                case .time: return .time(Date(timeIntervalSince1970: Double(number)))
                default: return .integer(number)
                }
            case .double(let number): return .time(Date(timeIntervalSince1970: number))
            case .blob(let data): return .text(String(decoding: data, as: UTF8.self))
            }
        }
    }
}
