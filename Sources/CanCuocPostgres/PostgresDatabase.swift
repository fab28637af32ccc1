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
        private let state = Mutex<(continuation: CheckedContinuation<T, any Error>?, timer: Task<Void, Never>?)>((nil, nil))

        init(_ continuation: CheckedContinuation<T, any Error>) {
            state.withLock { $0.continuation = continuation }
        }

        func setTimer(_ timer: Task<Void, Never>) {
            let finished = state.withLock { state in
                state.timer = timer
                return state.continuation == nil
            }
            if finished { timer.cancel() }
        }

        func finish(_ result: Result<T, any Error>) {
            let (continuation, timer) = state.withLock { state in
                defer { state = (nil, nil) }
                return (state.continuation, state.timer)
            }
            timer?.cancel()
            continuation?.resume(with: result)
        }
    }

    /// Runs `body` on a pooled connection; gives up with `unavailable` if none comes within `leaseTimeout`
    /// (the body itself, once it has its connection, may run as long as it needs). The caller is resumed at
    /// the deadline without waiting for the pool to notice the cancelled request.
    func withLease<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let client = client, timeout = leaseTimeout
        let work = Mutex<Task<Void, Never>?>(nil)
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                    let race = Race(continuation)
                    let task = Task {
                        do {
                            let value = try await client.withConnection { connection in
                                race.taken.store(true, ordering: .relaxed)
                                return try await body(connection)
                            }
                            race.finish(.success(value))
                        } catch {
                            race.finish(.failure(error))
                        }
                    }
                    work.withLock { $0 = task }
                    race.setTimer(Task {
                        try? await Task.sleep(for: timeout)
                        guard !Task.isCancelled, !race.taken.load(ordering: .relaxed) else { return }
                        task.cancel()
                        race.finish(.failure(StoreError.unavailable))
                    })
                }
            } onCancel: {
                work.withLock { $0 }?.cancel()
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
