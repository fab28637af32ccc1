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
    let deadlines = LeaseDeadlines()

    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withLease(body)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let logger = logger
        return try await withLease { connection in
            try await connection.inTransaction(logger: logger) { connection in try await body(connection) }
        }
    }

    /// Runs a prepared statement (hot lookups) and returns its rows, at most `limit`.
    func rows<Statement: PostgresPreparedStatement>(_ statement: Statement, limit: Int = .max) async throws -> [Statement.Row] where Statement.Row: Sendable {
        let logger = logger
        return try await withLease { connection in
            var rows: [Statement.Row] = []
            for try await row in try await connection.execute(statement, logger: logger) where rows.count < limit { rows.append(row) }
            return rows
        }
    }

    /// One request's race between its work and the lease deadline: whichever ends first resumes the caller.
    final class Race<T: Sendable>: Sendable {
        let taken = Atomic<Bool>(false)
        private let state = Mutex<(continuation: CheckedContinuation<T, any Error>?, work: Task<Void, Never>?, cancelled: Bool)>((nil, nil, false))

        func begin(_ continuation: CheckedContinuation<T, any Error>) {
            state.withLock { $0.continuation = continuation }
        }

        /// The task doing the work; cancelled at once if the caller was cancelled before it existed.
        func setWork(_ task: Task<Void, Never>) {
            let cancelled = state.withLock { state in
                state.work = task
                return state.cancelled
            }
            if cancelled { task.cancel() }
        }

        func cancelWork() {
            state.withLock { state in
                state.cancelled = true
                return state.work
            }?.cancel()
        }

        func finish(_ result: Result<T, any Error>) {
            state.withLock { state in
                defer { state.continuation = nil }
                return state.continuation
            }?.resume(with: result)
        }

        /// The deadline passed: fails the caller unless a connection came in time.
        func expire() {
            guard !taken.load(ordering: .relaxed) else { return }
            cancelWork()
            finish(.failure(StoreError.unavailable))
        }
    }

    /// Runs `body` on a pooled connection; gives up with `unavailable` if none comes within `leaseTimeout`
    /// (the body itself, once it has its connection, may run as long as it needs). The caller is resumed at
    /// the deadline without waiting for the pool to notice the cancelled request.
    func withLease<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let client = client, timeout = leaseTimeout, deadlines = deadlines
        let race = Race<T>()
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                    race.begin(continuation)
                    let ticket = deadlines.add(after: timeout) { race.expire() }
                    race.setWork(Task {
                        do {
                            let value = try await client.withConnection { connection in
                                race.taken.store(true, ordering: .relaxed)
                                deadlines.remove(ticket)
                                return try await body(connection)
                            }
                            race.finish(.success(value))
                        } catch {
                            race.finish(.failure(error))
                        }
                        // Also when no connection ever came (the pool failed or the caller was cancelled).
                        deadlines.remove(ticket)
                    })
                }
            } onCancel: {
                race.cancelWork()
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
    func scalar<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: T.Type, logger: Logger) async throws -> T? {
        for try await value in try await self.query(query, logger: logger).decode(T.self) { return value }
        return nil
    }
}
