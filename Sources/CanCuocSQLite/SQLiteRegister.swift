import CanCuocCore
import CanCuocStore
import Foundation
import GRDB

/// The embedded backend: one SQLite file (GRDB `DatabasePool`, WAL) or an in-memory database.
public final class SQLiteRegister: RegisterStore {
    let writer: any DatabaseWriter
    /// Keeps the write-ahead log of a file copied into the file, off the writer's path (nil in memory).
    let checkpointer: SQLiteCheckpointer?
    let clock: @Sendable () -> Date
    public let residents: any ResidentStore
    public let households: any HouseholdStore
    public let pins: any PINAllocator
    public let bulk: any BulkLoader
    public let accounts: any AccountStore
    public let audit: any AuditStore
    public let cards: any CardStore
    public let applications: any ApplicationStore
    public let batches: any BatchStore
    public let sessions: any SessionStore
    public var backendName: String { "sqlite" }

    /// Opens (creating if needed) the database file at `path` and brings its schema up to date.
    public convenience init(path: String, clock: @escaping @Sendable () -> Date = Date.init) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pool = try DatabasePool(path: path, configuration: Self.configuration(checkpointInBackground: true))
        try self.init(writer: pool, checkpointer: SQLiteCheckpointer(pool: pool, path: path), pointReader: SQLitePointReader(path: path, fallback: pool), clock: clock)
    }

    /// Builds a new database file in one go (seeding a whole province): no journal, no syncs, one
    /// exclusive connection, written to `path.partial` and renamed to `path` only when `body` succeeds,
    /// so a failed build leaves nothing behind. The file is an ordinary register afterwards.
    public static func build<T>(newFileAt path: String, _ body: (SQLiteRegister) async throws -> T) async throws -> T {
        let target = URL(fileURLWithPath: path)
        guard !FileManager.default.fileExists(atPath: target.path) else { throw BuildError.exists(path) }
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let partial = target.path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -\(bulkPageCacheKiB)")
        }
        do {
            let queue = try DatabaseQueue(path: partial, configuration: config)
            let register = try SQLiteRegister(writer: queue, clock: Date.init)
            let result = try await body(register)
            try queue.close()
            try FileManager.default.moveItem(atPath: partial, toPath: target.path)
            return result
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    public enum BuildError: Error, CustomStringConvertible {
        case exists(String)
        public var description: String {
            switch self {
            case .exists(let path): "\(path) already exists"
            }
        }
    }

    /// A private in-memory database (tests, dry runs).
    public static func inMemory(clock: @escaping @Sendable () -> Date = Date.init) throws -> SQLiteRegister {
        try SQLiteRegister(writer: DatabaseQueue(configuration: configuration()), clock: clock)
    }

    init(writer: any DatabaseWriter, checkpointer: SQLiteCheckpointer? = nil, pointReader: SQLitePointReader? = nil,
         clock: @escaping @Sendable () -> Date) throws {
        self.writer = writer
        self.checkpointer = checkpointer
        let pointReader = pointReader ?? SQLitePointReader(path: nil, fallback: writer)
        self.clock = clock
        try SQLiteMigrations.migrator.migrate(writer)
        try writer.write { db in try SQLiteIndexes.restore(in: db) }
        residents = SQLiteResidentStore(writer: writer, pointReader: pointReader, clock: clock)
        households = SQLiteHouseholdStore(writer: writer)
        pins = SQLitePINAllocator(writer: writer)
        bulk = SQLiteBulkLoader(writer: writer)
        accounts = SQLiteAccountStore(writer: writer, pointReader: pointReader)
        audit = SQLiteAuditStore(writer: writer)
        cards = SQLiteCardStore(writer: writer)
        applications = SQLiteApplicationStore(writer: writer)
        batches = SQLiteBatchStore(writer: writer)
        sessions = SQLiteSessionStore(writer: writer)
    }

    /// 16 MB of page cache per connection: the pool has a writer and up to 5 readers, and the operating
    /// system caches the file as well.
    static let pageCacheKiB = 16_384
    /// 256 MB for a bulk load's transaction, so that its pages stay in memory until the commit.
    static let bulkPageCacheKiB = 262_144

    static func configuration(checkpointInBackground: Bool = false) -> Configuration {
        var config = Configuration()
        config.prepareDatabase { db in
            // WAL + NORMAL is durable across application crashes; a power cut may lose the last commits only.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // No commit copies the log into the file: `SQLiteCheckpointer` does it from its own connection.
            if checkpointInBackground {
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
                try db.execute(sql: "PRAGMA journal_size_limit = \(SQLiteCheckpointer.logSizeLimit)")
            }
            try db.execute(sql: "PRAGMA cache_size = -\(pageCacheKiB)")
        }
        return config
    }

    public func ping() async throws {
        _ = try await writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// Writes a consistent copy of the database to `path` (online backup).
    public func backup(to path: String) throws {
        let destination = try DatabaseQueue(path: path)
        try writer.backup(to: destination)
    }
}
