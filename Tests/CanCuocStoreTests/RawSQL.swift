@testable import CanCuocPostgres
@testable import CanCuocSQLite
import CanCuocStore
import GRDB
import PostgresNIO

/// Runs SQL directly on a store's database, as someone with database access could, bypassing the store.
enum RawSQL {
    static func execute(_ sql: String, on store: any RegisterStore) async throws {
        switch store {
        case let sqlite as SQLiteRegister:
            try await sqlite.auditWriter.write { db in try db.execute(sql: sql) }
        case let postgres as PostgresRegister:
            let logger = postgres.database.logger
            _ = try await postgres.database.client.withConnection { connection in
                try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            }
        default:
            preconditionFailure("unknown backend \(type(of: store))")
        }
    }
}
