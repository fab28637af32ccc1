import CanCuocCore
import CanCuocStore
import Foundation
import GRDB

/// The embedded backend: one SQLite file (GRDB `DatabasePool`, WAL) and the audit trail's file beside it
/// (`SQLiteAuditFile`), or in-memory databases.
public final class SQLiteRegister: RegisterStore {
    let writer: any DatabaseWriter
    /// The audit trail's database.
    let auditWriter: any DatabaseWriter
    /// Keep the write-ahead logs of the two files copied into the files, off the writers' path (none in memory).
    let checkpointers: [SQLiteCheckpointer]
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

    /// SQLite's busy and locked results, which a write gets once it has waited `busyTimeoutMilliseconds` for
    /// another process's write (a bulk import holds the register's lock for the whole load).
    public func storeError(for error: any Error) -> StoreError? {
        guard let error = error as? DatabaseError else { return nil }
        return error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED ? .busy : nil
    }

    /// Opens (creating if needed) the database file at `path` and brings its schema up to date.
    public convenience init(path: String, clock: @escaping @Sendable () -> Date = Date.init) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pool = try DatabasePool(path: path, configuration: Self.configuration(checkpointInBackground: true))
        try SQLiteMigrations.migrator.migrate(pool)
        let audit = try SQLiteAuditFile.open(registerPath: path, register: pool)
        let checkpointers = [SQLiteCheckpointer(pool: pool, path: path),
                             SQLiteCheckpointer(pool: audit, path: SQLiteAuditFile.path(for: path), restartFrames: SQLiteAuditFile.restartFrames)]
        try self.init(writer: pool, auditWriter: audit, checkpointers: checkpointers, pointReader: SQLitePointReader(path: path, fallback: pool), clock: clock)
    }

    /// Builds a new database file in one go (seeding a whole province): no journal, no syncs, one
    /// exclusive connection, written to `path.partial` and renamed to `path` only when `body` succeeds,
    /// so a failed build leaves nothing behind. The file is an ordinary register afterwards; its audit trail
    /// file is created when it is first opened (a build audits nothing: its trail is in memory).
    public static func build<T>(newFileAt path: String, _ body: (SQLiteRegister) async throws -> T) async throws -> T {
        let target = URL(fileURLWithPath: path)
        for existing in [path, SQLiteAuditFile.path(for: path)] where FileManager.default.fileExists(atPath: existing) {
            throw BuildError.exists(existing)
        }
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let partial = target.path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -\(bulkPageCacheKiB)")
        }
        do {
            let queue = try DatabaseQueue(path: partial, configuration: config)
            try SQLiteMigrations.migrator.migrate(queue)
            let register = try SQLiteRegister(writer: queue, auditWriter: SQLiteAuditFile.inMemory(), clock: Date.init)
            let result = try await body(register)
            // Left in WAL mode, as every open would set it: switching takes the file for one connection,
            // and processes opening a new register at once failed at it ("database is locked").
            try await queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
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
        let queue = try DatabaseQueue(configuration: configuration())
        try SQLiteMigrations.migrator.migrate(queue)
        return try SQLiteRegister(writer: queue, auditWriter: SQLiteAuditFile.inMemory(), clock: clock)
    }

    /// `writer` holds the register, migrated; `auditWriter` the audit trail.
    init(writer: any DatabaseWriter, auditWriter: any DatabaseWriter, checkpointers: [SQLiteCheckpointer] = [], pointReader: SQLitePointReader? = nil,
         clock: @escaping @Sendable () -> Date) throws {
        self.writer = writer
        self.auditWriter = auditWriter
        self.checkpointers = checkpointers
        let pointReader = pointReader ?? SQLitePointReader(path: nil, fallback: writer)
        self.clock = clock
        try writer.write { db in try SQLiteIndexes.restore(in: db) }
        residents = SQLiteResidentStore(writer: writer, pointReader: pointReader, clock: clock)
        households = SQLiteHouseholdStore(writer: writer)
        pins = SQLitePINAllocator(writer: writer)
        bulk = SQLiteBulkLoader(writer: writer)
        accounts = SQLiteAccountStore(writer: writer, pointReader: pointReader)
        audit = SQLiteAuditStore(writer: auditWriter, keys: writer)
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

    /// How long a write waits for another process's write to end (milliseconds). A command run while the
    /// server serves (`cancuoc user add`, `token issue`) and the server take turns at the files' write locks;
    /// with GRDB's default (fail at once when busy) one command in four failed with "database is locked"
    /// next to a server answering audited look-ups, and the server answered some requests with an error.
    static let busyTimeoutMilliseconds: Int32 = 5_000

    static func configuration(checkpointInBackground: Bool = false, pageCacheKiB: Int = pageCacheKiB) -> Configuration {
        var config = Configuration()
        config.busyMode = .timeout(TimeInterval(busyTimeoutMilliseconds) / 1_000)
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

    /// Writes a consistent copy of the register to `path` and of its audit trail beside it (online backup).
    /// The trail is copied second, so that it holds an entry for every change in the register's copy.
    public func backup(to path: String) throws {
        try writer.backup(to: DatabaseQueue(path: path))
        try auditWriter.backup(to: DatabaseQueue(path: SQLiteAuditFile.path(for: path)))
    }
}
