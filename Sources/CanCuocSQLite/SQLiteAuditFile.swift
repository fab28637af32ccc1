import Foundation
import GRDB

/// The audit trail's own SQLite file beside the register's (`cancuoc.sqlite` → `cancuoc.audit.sqlite`).
///
/// Every audited read commits an entry. In the register's file each of those commits made SQLite empty the
/// page cache of every other connection (a WAL reader keeps its cache only while the file is unchanged),
/// so look-ups read 7.8 pages from the operating system instead of 3.3, and the log filled with 4 KB pages
/// for entries of 300 bytes. Here the register changes only when the register does, and the trail's pages
/// are 1 KB: an audited look-up writes a third of the bytes.
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
        let (registerID, legacy) = try register.read { db in
            (try String.fetchOne(db, sql: "SELECT id FROM audit_trail"), try db.tableExists("audit_entries"))
        }
        let exists = FileManager.default.fileExists(atPath: path)
        var id: String
        if let registerID {
            id = registerID
        } else {
            // The id is stored first: from then on, a start interrupted before the trail file was complete
            // builds it again from the entries still in the register.
            guard !exists else { throw SQLiteAuditFileError.foreign(path) }
            id = UUID().uuidString.lowercased()
            try register.write { db in try db.execute(sql: "INSERT INTO audit_trail VALUES (1, ?)", arguments: [id]) }
        }
        if !exists {
            guard legacy else { throw SQLiteAuditFileError.missing(path) }
            try create(at: path, id: id, movingEntriesFrom: registerPath)
        }
        let pool = try DatabasePool(path: path, configuration: configuration())
        try SQLiteAuditMigrations.migrator.migrate(pool)
        guard try pool.read({ db in try String.fetchOne(db, sql: "SELECT id FROM trail") }) == id else {
            throw SQLiteAuditFileError.foreign(path)
        }
        if legacy {
            // The trail file holds every entry: the register's copies go.
            try register.write { db in try db.execute(sql: "DROP TABLE audit_entries; DROP TABLE audit_checkpoints") }
        }
        return pool
    }

    /// A trail in memory, for a register in memory.
    static func inMemory() throws -> DatabaseQueue {
        let queue = try DatabaseQueue(configuration: SQLiteRegister.configuration(pageCacheKiB: pageCacheKiB))
        try SQLiteAuditMigrations.migrator.migrate(queue)
        return queue
    }

    /// Writes the trail to `path.partial` (its page size, schema, id, and the register's entries and
    /// checkpoints in one transaction), then renames it to `path`: a trail file is always complete.
    private static func create(at path: String, id: String, movingEntriesFrom registerPath: String) throws {
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
                try db.execute(sql: "ATTACH DATABASE ? AS register", arguments: [registerPath])
                try db.inTransaction {
                    try db.execute(sql: "INSERT INTO trail VALUES (1, ?)", arguments: [id])
                    try db.execute(sql: "INSERT INTO audit_entries (\(columns)) SELECT \(columns) FROM register.audit_entries ORDER BY seq")
                    try db.execute(sql: "INSERT INTO audit_checkpoints (seq, hash, time_us, signature) SELECT seq, hash, time_us, signature FROM register.audit_checkpoints ORDER BY seq")
                    return .commit
                }
                try db.execute(sql: "DETACH DATABASE register")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try queue.close()
            try FileManager.default.moveItem(atPath: partial, toPath: path)
            syncDirectory(of: path)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// Makes the rename durable before the register drops its copies of the entries.
    private static func syncDirectory(of path: String) {
        let directory = FileHandle(forReadingAtPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        try? directory?.synchronize()
        try? directory?.close()
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
