import CanCuocStore
import Foundation
import GRDB
import GRDBSQLite

/// One INSERT statement run many times with values bound straight through the SQLite C API.
///
/// Hand-written on purpose: in a bulk load GRDB's `StatementArguments` boxing took about a third of
/// the writer's time (measured with perf while seeding); binding `DatabaseValue` storage directly
/// removes it. Errors are reported as GRDB's own `DatabaseError`, so callers handle them as usual.
final class SQLiteBulkInsert {
    private let db: Database
    private let statement: OpaquePointer
    private let sql: String

    /// SQLITE_TRANSIENT: SQLite copies the bytes before the call returns (the C macro is not importable).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        var prepared: OpaquePointer?
        let code = sqlite3_prepare_v2(db.sqliteConnection, sql, -1, &prepared, nil)
        guard code == SQLITE_OK, let prepared else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
        self.db = db
        self.statement = prepared
        self.sql = sql
    }

    deinit { sqlite3_finalize(statement) }

    func insert(_ values: [DatabaseValue]) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value.storage {
            case .null: sqlite3_bind_null(statement, index)
            case .int64(let number): sqlite3_bind_int64(statement, index, number)
            case .double(let number): sqlite3_bind_double(statement, index, number)
            case .string(let text): bind(text, at: index)
            case .blob(let data): _ = data.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
            }
        }
        try step()
    }

    /// A resident row straight from `ResidentColumns` (no `DatabaseValue` array in between), stored as
    /// `ResidentRow` stores it: times as seconds since 1970, flags as 0 or 1.
    func insert(_ values: [ColumnValue]) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: sqlite3_bind_null(statement, index)
            case .text(let text): bind(text, at: index)
            case .integer(let number): sqlite3_bind_int64(statement, index, number)
            case .bool(let flag): sqlite3_bind_int64(statement, index, flag ? 1 : 0)
            case .time(let date): sqlite3_bind_double(statement, index, date.timeIntervalSince1970)
            }
        }
        try step()
    }

    /// Binds the string's own UTF-8 bytes (no C string made for it); an empty string stays a string.
    private func bind(_ text: String, at index: Int32) {
        var text = text
        _ = text.withUTF8 { bytes in
            if let base = bytes.baseAddress, bytes.count > 0 {
                sqlite3_bind_text(statement, index, base, Int32(bytes.count), Self.transient)
            } else {
                sqlite3_bind_text(statement, index, "", 0, Self.transient)
            }
        }
    }

    private func step() throws {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else {
            let extended = sqlite3_extended_errcode(db.sqliteConnection)
            throw DatabaseError(resultCode: ResultCode(rawValue: extended), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
    }
}
