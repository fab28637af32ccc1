import CanCuocStore
import PostgresNIO
import Synchronization

/// The pool and the logger every store of one register shares, with the two ways in: a read on any
/// connection, and a write in a transaction. Driver errors leave as store errors (`PostgresFailure`).
struct PostgresDatabase: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// How long a request waits for a connection before it fails with `StoreError.unavailable`. The
    /// pool itself would wait for the server indefinitely; a request must not.
    var leaseTimeout: Duration = .seconds(5)

    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withLease(body)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let logger = logger
        return try await withLease { connection in
            try await connection.inTransaction(logger: logger) { connection in try await body(connection) }
        }
    }

    /// Runs a prepared statement (hot lookups) and returns its first row.
    func first<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> Statement.Row? where Statement.Row: Sendable {
        let logger = logger
        return try await withLease { connection in
            for try await row in try await connection.execute(statement, logger: logger) { return row }
            return nil
        }
    }

    final class Lease: Sendable {
        let taken = Atomic<Bool>(false)
    }

    /// Runs `body` on a pooled connection; gives up with `unavailable` if none comes within `leaseTimeout`
    /// (the body itself, once it has its connection, may run as long as it needs).
    func withLease<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let lease = Lease()
        let client = client, timeout = leaseTimeout
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await client.withConnection { connection in
                        lease.taken.store(true, ordering: .relaxed)
                        return try await body(connection)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                while let next = try await group.next() {
                    if let value = next {
                        group.cancelAll()
                        return value
                    }
                    if !lease.taken.load(ordering: .relaxed) {
                        group.cancelAll()
                        throw StoreError.unavailable
                    }
                }
                throw StoreError.unavailable
            }
        } catch {
            throw PostgresFailure.map(error)
        }
    }
}

extension PostgresConnection {
    /// Every row of `query`, decoded by `decode`.
    func all<T>(_ query: PostgresQuery, logger: Logger, _ decode: (PostgresRow) throws -> T) async throws -> [T] {
        var items: [T] = []
        for try await row in try await self.query(query, logger: logger) { items.append(try decode(row)) }
        return items
    }

    /// The first column of the first row.
    func scalar<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type, logger: Logger) async throws -> T? {
        for try await value in try await self.query(query, logger: logger).decode(T.self) { return value }
        return nil
    }
}
