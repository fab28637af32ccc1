import CanCuocStore
import Foundation
import GRDB

/// Another connection holding a SQLite file's write lock, as a process beside the server would (a bulk
/// import, a command), from `take` until `release`.
public final class SQLiteWriteLock: Sendable {
    private let connection: DatabaseQueue
    private let state = SharedMutex((held: false, release: false, ended: false))

    private init(path: String) throws {
        connection = try DatabaseQueue(path: path)
    }

    /// Returns once the lock is held: an immediate transaction, left open on a thread of its own.
    public static func take(on path: String) async throws -> SQLiteWriteLock {
        let lock = try SQLiteWriteLock(path: path)
        let state = lock.state, connection = lock.connection
        Thread.detachNewThread {
            try? connection.inTransaction(.immediate) { _ in
                state.withLock { $0.held = true }
                while !state.withLock({ $0.release }) { Thread.sleep(forTimeInterval: 0.01) }
                return .commit
            }
            state.withLock { $0.ended = true }
        }
        while !state.withLock({ $0.held || $0.ended }) { try await Task.sleep(for: .milliseconds(5)) }
        guard state.withLock({ $0.held }) else { throw DatabaseError(resultCode: .SQLITE_BUSY, message: "the write lock was not taken") }
        return lock
    }

    /// Commits the transaction and closes the connection.
    public func release() async throws {
        state.withLock { $0.release = true }
        while !state.withLock({ $0.ended }) { try await Task.sleep(for: .milliseconds(5)) }
        try connection.close()
    }
}
