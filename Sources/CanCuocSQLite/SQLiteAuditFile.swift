import CanCuocStore
import Foundation
import GRDB
import GRDBSQLite

/// The audit trail's own SQLite file beside the register's (`cancuoc.sqlite` → `cancuoc.audit.sqlite`).
///
/// Every audited read commits an entry. In the register's file each of those commits made SQLite empty the
/// page cache of every other connection (a WAL reader keeps its cache only while the file is unchanged),
/// so look-ups read 7.8 pages from the operating system instead of 3.3, and the log filled with 4 KB pages
/// for entries of 300 bytes. Here the register changes only when the register does, and the trail's pages
/// are 1 KB: an audited look-up writes 10.5 KB to the disk instead of 17 (docs/benchmarks.md).
///
/// The two files are bound together: the register's `audit_trail` row and the trail's `trail` row hold the
/// same random id, set when the trail is created. A register whose trail file is missing, or paired with
/// another register's trail, does not open: deleting or swapping the trail must not pass for a new one.
enum SQLiteAuditFile {
    /// Entries are a few hundred bytes, appended at the end of the table and at one random place of the
    /// target index: small pages keep each commit's log write small.
    static let pageSize = 1024
    /// 4 MB of page cache per connection: appends touch the table's last page and two index pages.
    static let pageCacheKiB = 4096
    /// The trail's log starts over at the register's log size (256 MB), in 1 KB frames.
    static let restartFrames = SQLiteCheckpointer.logSizeLimit / pageSize

    /// The trail file of the register at `registerPath`.
    static func path(for registerPath: String) -> String {
        let url = URL(fileURLWithPath: registerPath)
        let fileExtension = url.pathExtension
        let base = url.deletingPathExtension().path
        return fileExtension.isEmpty ? base + ".audit" : base + ".audit." + fileExtension
    }

    static func configuration() -> Configuration {
        var config = SQLiteRegister.configuration(checkpointInBackground: true, pageCacheKiB: pageCacheKiB)
        // Only the audit viewer and `audit verify` read the trail.
        config.maximumReaderCount = 2
        return config
    }

    /// Opens the trail of the register at `registerPath` (already migrated, open as `register`), creating it
    /// on the register's first start, or moving the entries an older register kept in its own file.
    static func open(registerPath: String, register: any DatabaseWriter) throws -> DatabasePool {
        let path = path(for: registerPath)
        // Under the register's write lock, so that two processes starting at once do not both create it.
        let (id, legacy) = try register.writeWithoutTransaction { db in
            // Another process doing the same (which may move a whole trail) is waited for longer than a write.
            sqlite3_busy_timeout(db.sqliteConnection, 30_000)
            defer { sqlite3_busy_timeout(db.sqliteConnection, SQLiteRegister.busyTimeoutMilliseconds) }
            var settled = (id: "", legacy: false)
            try db.inTransaction(.immediate) {
                settled.legacy = try db.tableExists("audit_entries")
                settled.id = try settle(path: path, registerPath: registerPath, legacy: settled.legacy, in: db)
                return .commit
            }
            return settled
        }
        let pool = try DatabasePool(path: path, configuration: configuration())
        try SQLiteAuditMigrations.migrator.migrate(pool)
        guard try pool.read({ db in try String.fetchOne(db, sql: "SELECT id FROM trail") }) == id else {
            throw SQLiteAuditFileError.foreign(path)
        }
        if legacy {
            // The trail file holds every entry: the register's copies go.
            try register.write { db in try db.execute(sql: "DROP TABLE IF EXISTS audit_entries; DROP TABLE IF EXISTS audit_checkpoints") }
        }
        return pool
    }

    /// Makes sure the trail file at `path` exists and belongs to the register; returns the trail's id.
    /// `legacy`: the register still holds entries of its own (written before the trail had its file).
    private static func settle(path: String, registerPath: String, legacy: Bool, in db: Database) throws -> String {
        let exists = FileManager.default.fileExists(atPath: path)
        if let id = try String.fetchOne(db, sql: "SELECT id FROM audit_trail") {
            guard !exists else { return id }
            // Until the register's copies are dropped, a lost trail file can be made again from them.
            guard legacy else { throw SQLiteAuditFileError.missing(path) }
            try create(at: path, id: id, movingEntriesFrom: registerPath)
            return id
        }
        let id: String
        if exists {
            // A first start stopped after creating the trail file and before this commit: the file then holds
            // exactly the register's entries. Any other file is not this register's.
            guard legacy, let adopted = try trailID(at: path, ifSameEntriesAs: db) else { throw SQLiteAuditFileError.foreign(path) }
            id = adopted
        } else {
            id = UUID().uuidString.lowercased()
            try create(at: path, id: id, movingEntriesFrom: legacy ? registerPath : nil)
        }
        try db.execute(sql: "INSERT INTO audit_trail VALUES (1, ?)", arguments: [id])
        return id
    }

    /// The id of the trail file at `path` if it holds as many entries as the register's own table, ending
    /// in the same hash.
    private static func trailID(at path: String, ifSameEntriesAs db: Database) throws -> String? {
        let summary = "SELECT count(*), (SELECT hash FROM audit_entries ORDER BY seq DESC LIMIT 1) FROM audit_entries"
        let ours = try Row.fetchOne(db, sql: summary)
        var config = Configuration()
        config.readonly = true
        let trail = try DatabaseQueue(path: path, configuration: config)
        defer { try? trail.close() }
        return try trail.read { trailDB in
            let theirs = try Row.fetchOne(trailDB, sql: summary)
            guard ours?[0] as Int? == theirs?[0] as Int?, ours?[1] as String? == theirs?[1] as String? else { return nil }
            return try String.fetchOne(trailDB, sql: "SELECT id FROM trail")
        }
    }

    /// A trail in memory, for a register in memory.
    static func inMemory() throws -> DatabaseQueue {
        let queue = try DatabaseQueue(configuration: SQLiteRegister.configuration(pageCacheKiB: pageCacheKiB))
        try SQLiteAuditMigrations.migrator.migrate(queue)
        return queue
    }

    /// Writes the trail to `path.partial` (its page size, schema, id, and the register's entries and
    /// checkpoints in one transaction), then renames it to `path`: a trail file is always complete.
    private static func create(at path: String, id: String, movingEntriesFrom registerPath: String?) throws {
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            var config = Configuration()
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -\(SQLiteRegister.bulkPageCacheKiB)") }
            let queue = try DatabaseQueue(path: partial, configuration: config)
            // The page size holds only if set before the first table is created.
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA page_size = \(pageSize)") }
            try SQLiteAuditMigrations.migrator.migrate(queue)
            let columns = SQLiteAuditStore.columns
            try queue.writeWithoutTransaction { db in
                if let registerPath { try db.execute(sql: "ATTACH DATABASE ? AS register", arguments: [registerPath]) }
                // Deferred: an immediate transaction would also take the attached register's write lock,
                // which the caller holds.
                try db.inTransaction(.deferred) {
                    try db.execute(sql: "INSERT INTO trail VALUES (1, ?)", arguments: [id])
                    if registerPath != nil {
                        try db.execute(sql: "INSERT INTO audit_entries (\(columns)) SELECT \(columns) FROM register.audit_entries ORDER BY seq")
                        try db.execute(sql: """
                            INSERT INTO audit_checkpoints (seq, hash, time_us, signature)
                            SELECT seq, hash, time_us, signature FROM register.audit_checkpoints ORDER BY seq
                            """)
                    }
                    return .commit
                }
                if registerPath != nil { try db.execute(sql: "DETACH DATABASE register") }
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try queue.close()
            try FileManager.default.moveItem(atPath: partial, toPath: path)
            // The rename on disk before the register drops its copies of the entries.
            DurableFile.syncFolder(of: path)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }
}

public enum SQLiteAuditFileError: Error, CustomStringConvertible {
    case missing(String)
    case foreign(String)

    public var description: String {
        switch self {
        case .missing(let path):
            "the register's audit trail \(path) is missing: restore it from the backup taken with the register"
        case .foreign(let path):
            "\(path) is not this register's audit trail (it belongs to another register, or the register was replaced): move it aside or restore the matching pair"
        }
    }
}
