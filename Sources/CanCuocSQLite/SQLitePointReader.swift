import Foundation
import GRDB
import Synchronization

/// Reads a few rows by an index (a token, a session, a PIN) on the calling thread, from read-only
/// connections of its own. GRDB's async read sends every read to a reader's dispatch queue and back: two
/// thread switches that cost more than the read itself, most of a look-up's latency on two cores.
///
/// The connections are not the pool's readers on purpose. A pool reader taken by an async read is given
/// back only when that read's task resumes on Swift's thread pool; if the pool's threads were all blocked
/// waiting here for a pool reader, nothing could give one back (it happened: the server stopped under 64
/// connections). Here a connection is held only while its body runs on the caller's thread, and when all
/// are in use another is opened rather than waited for, so a caller never waits for another thread.
final class SQLitePointReader: Sendable {
    private let path: String?
    private let fallback: any DatabaseWriter
    private let idle = Mutex<[DatabaseQueue]>([])

    /// `path` nil (a database in memory): reads go to `fallback` synchronously, which is then a queue
    /// whose reads also run on the caller's thread.
    init(path: String?, fallback: any DatabaseWriter) {
        self.path = path
        self.fallback = fallback
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        guard let path else { return try fallback.read(body) }
        let connection = try idle.withLock { $0.popLast() } ?? Self.open(path)
        defer { idle.withLock { $0.append(connection) } }
        return try connection.read(body)
    }

    private static func open(_ path: String) throws -> DatabaseQueue {
        // The pool's settings (page cache), read-only.
        var config = SQLiteRegister.configuration()
        config.readonly = true
        config.label = "point-reader"
        // A read can find the log being started over by the writer for an instant.
        config.busyMode = .timeout(5)
        return try DatabaseQueue(path: path, configuration: config)
    }
}
