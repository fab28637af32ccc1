import PostgresNIO

/// Applies `PostgresMigrations` in order, each in its own transaction, recording it in
/// `schema_migrations`. An advisory lock makes servers that start together migrate one at a time.
enum PostgresMigrator {
    /// Any number; it only has to be the same for every CanCuoc process.
    static let lockKey: Int64 = 0x43_61_6E_43_75_6F_63

    static func migrate(on connection: PostgresConnection, logger: Logger) async throws {
        let known = Set(PostgresMigrations.all.map(\.id))
        try await connection.inTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            let ours = try await tableExists("schema_migrations", on: connection, logger: logger)
            if !ours, try await tableExists("residents", on: connection, logger: logger) {
                throw PostgresSchemaError.foreign
            }
            try await connection.query("CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", logger: logger)
            let applied = try await appliedIDs(on: connection, logger: logger)
            let unknown = applied.subtracting(known).sorted()
            if !unknown.isEmpty { throw PostgresSchemaError.newerThanBinary(unknown) }
        }
        for migration in PostgresMigrations.all {
            try await connection.inTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
                guard !(try await appliedIDs(on: connection, logger: logger).contains(migration.id)) else { return }
                logger.info("applying migration", metadata: ["migration": .string(migration.id)])
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schema_migrations(id) VALUES (\(migration.id))", logger: logger)
            }
        }
    }

    static func appliedIDs(on connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        var ids: Set<String> = []
        for try await id in try await connection.query("SELECT id FROM schema_migrations", logger: logger).decode(String.self) { ids.insert(id) }
        return ids
    }

    static func tableExists(_ name: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        for try await found in try await connection.query("SELECT to_regclass(\(name)) IS NOT NULL", logger: logger).decode(Bool.self) {
            return found
        }
        return false
    }
}

public enum PostgresSchemaError: Error, CustomStringConvertible {
    case newerThanBinary([String])
    case foreign

    public var description: String {
        switch self {
        case .newerThanBinary(let ids):
            "the database schema is newer than this program (it has migrations \(ids.joined(separator: ", ")) that this version does not know); run a newer cancuoc"
        case .foreign:
            "the database has a residents table but no schema_migrations: it was not made by cancuoc (or by a version too old to upgrade); use an empty database"
        }
    }
}
