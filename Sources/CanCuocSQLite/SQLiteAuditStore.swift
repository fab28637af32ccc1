import CanCuocStore
import Foundation
import GRDB

/// The audit chain in its own SQLite file (`SQLiteAuditFile`). SQLite runs one write transaction at a
/// time, so reading the head (the last entry) and appending after it cannot interleave with another append.
struct SQLiteAuditStore: AuditStore {
    /// The trail's database.
    let writer: any DatabaseWriter
    /// The register's database, which keeps the sealed checkpoint key with the server's other keys.
    let keys: any DatabaseWriter

    var writesInline: Bool { true }

    static let columns = "seq, time_us, actor, role, unit, action, target, purpose, client, request_id, outcome, prev_hash, hash"

    static func entry(_ row: Row) -> AuditEntry {
        AuditEntry(sequence: row[0], draft: AuditDraft(time: Date(microseconds: row[1]), actor: row[2], role: row[3], unit: row[4], action: row[5],
                                                       target: row[6], purpose: row[7], clientAddress: row[8], requestID: row[9], outcome: row[10]),
                   previousHash: row[11], hash: row[12])
    }

    /// Whether a batch is being written synchronously on some caller's thread (shared by every copy of
    /// this store on one database).
    let writingInline = SharedMutex(false)

    /// Writes synchronously on the calling thread (the pool writer's queue runs the transaction inline
    /// there). GRDB's asynchronous write hands each batch to the writer's thread and back.
    ///
    /// A synchronous write holds one of Swift's pool threads (two on two cores) for as long as it waits for
    /// the writer, so only one caller at a time writes this way; another (a second audit log on the same
    /// file, as in the tests) writes asynchronously, from a task of its own that its caller's cancellation
    /// does not reach, as the audit log expects of this store. Nothing that holds the writer waits for
    /// Swift's pool, so the wait always ends.
    func append(_ drafts: [AuditDraft], checkpoint: @escaping @Sendable (AuditHead, Int64, Date?) throws -> AuditCheckpoint?) async throws -> AuditHead {
        let inline = writingInline.withLock { busy in
            guard !busy else { return false }
            busy = true
            return true
        }
        guard inline else {
            let store = self
            return try await Task { try await store.writer.write { db in try store.append(drafts, checkpoint: checkpoint, in: db) } }.value
        }
        defer { writingInline.withLock { $0 = false } }
        return try appendNow(drafts, checkpoint: checkpoint)
    }

    /// GRDB's synchronous `write`: from an async function the call would pick the asynchronous overload.
    private func appendNow(_ drafts: [AuditDraft], checkpoint: @escaping @Sendable (AuditHead, Int64, Date?) throws -> AuditCheckpoint?) throws -> AuditHead {
        try writer.write { db in try append(drafts, checkpoint: checkpoint, in: db) }
    }

    private func append(_ drafts: [AuditDraft], checkpoint: @escaping @Sendable (AuditHead, Int64, Date?) throws -> AuditCheckpoint?, in db: Database) throws -> AuditHead {
        // Every audited request comes through here: the statements stay compiled.
        let tail = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1"))
        let previous = tail.map { AuditHead(sequence: $0[0], hash: $0[1]) } ?? .genesis
        let entries = AuditChain.link(drafts, after: previous)
        let insert = try db.cachedStatement(sql: "INSERT INTO audit_entries (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for entry in entries {
            let d = entry.draft
            try insert.execute(arguments: [entry.sequence, AuditChain.microseconds(d.time), d.actor, d.role, d.unit, d.action, d.target,
                                           d.purpose, d.clientAddress, d.requestID, d.outcome, entry.previousHash, entry.hash])
        }
        guard let last = entries.last else { return previous }
        let head = AuditHead(sequence: last.sequence, hash: last.hash)
        let lastCheckpoint = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, time_us FROM audit_checkpoints ORDER BY seq DESC LIMIT 1"))
        if let signed = try checkpoint(head, lastCheckpoint?[0] ?? 0, (lastCheckpoint?[1] as Int64?).map(Date.init(microseconds:))) {
            try db.execute(sql: "INSERT INTO audit_checkpoints VALUES (?, ?, ?, ?)",
                           arguments: [signed.sequence, signed.hash, AuditChain.microseconds(signed.time), signed.signature])
        }
        return head
    }

    func entries(after: Int64, limit: Int) async throws -> [AuditEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM audit_entries WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, limit]).map(Self.entry)
        }
    }

    func checkpoints() async throws -> [AuditCheckpoint] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, hash, time_us, signature FROM audit_checkpoints ORDER BY seq").map { row in
                AuditCheckpoint(sequence: row[0], hash: row[1], time: Date(microseconds: row[2]), signature: row[3])
            }
        }
    }

    func entries(target: String, limit: Int) async throws -> [AuditEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM audit_entries WHERE target = ? AND target <> '' ORDER BY seq DESC LIMIT ?", arguments: [target, limit]).map(Self.entry)
        }
    }

    func entries(actor: String, limit: Int) async throws -> [AuditEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM audit_entries WHERE actor = ? ORDER BY seq DESC LIMIT ?", arguments: [actor, limit]).map(Self.entry)
        }
    }

    func sealedSigningKey() async throws -> Data? {
        try await keys.read { db in try Data.fetchOne(db, sql: "SELECT sealed FROM server_keys WHERE name = 'audit-checkpoint'") }
    }

    func storeSigningKeyIfAbsent(_ sealed: Data) async throws -> Data {
        try await keys.write { db in
            try db.execute(sql: "INSERT INTO server_keys VALUES ('audit-checkpoint', ?) ON CONFLICT (name) DO NOTHING", arguments: [sealed])
            return try Data.fetchOne(db, sql: "SELECT sealed FROM server_keys WHERE name = 'audit-checkpoint'") ?? sealed
        }
    }

    func replaceSealedSigningKey(_ sealed: Data) async throws {
        try await keys.write { db in try db.execute(sql: "UPDATE server_keys SET sealed = ? WHERE name = 'audit-checkpoint'", arguments: [sealed]) }
    }
}
