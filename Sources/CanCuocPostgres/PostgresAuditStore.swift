import CanCuocStore
import Foundation
import PostgresNIO
import Synchronization

/// The audit chain on PostgreSQL. The head row (`audit_head`) orders appends from every server into one chain
/// without forks. An append first tries, in one statement, to move the head from where this process last saw it
/// and to insert the entries (and a checkpoint) with it: one round trip, one commit. When another server moved
/// the head meanwhile, nothing is written and the append is redone in a transaction that locks the head row.
struct PostgresAuditStore: AuditStore {
    let database: PostgresDatabase
    /// The head and the last checkpoint as this process last wrote or read them.
    let tail = TailBox()
    var logger: Logger { database.logger }

    final class TailBox: Sendable {
        let value = Mutex<AuditTail?>(nil)
    }

    struct AuditTail: Sendable {
        var head: AuditHead
        var checkpointSequence: Int64
        var checkpointTime: Date?
    }

    static let columns = "seq, time_us, actor, role, unit, action, target, purpose, client, request_id, outcome, prev_hash, hash"

    static func entry(_ row: PostgresRow) throws -> AuditEntry {
        let (seq, time, actor, role, unit, action, target, purpose, client, request, outcome, previous, hash) =
            try row.decode((Int64, Int64, String, String, String, String, String, String, String, String, String, String, String).self)
        return AuditEntry(sequence: seq, draft: AuditDraft(time: Date(microseconds: time), actor: actor, role: role, unit: unit, action: action,
                                                           target: target, purpose: purpose, clientAddress: client, requestID: request, outcome: outcome),
                          previousHash: previous, hash: hash)
    }

    /// `VALUES` rows of entries for a statement whose parameters so far number `after`.
    static func values(_ entries: ArraySlice<AuditEntry>, after: Int, into bindings: inout PostgresBindings) -> String {
        var sql = ""
        for (offset, entry) in entries.enumerated() {
            let d = entry.draft
            let base = after + offset * 13
            sql += (offset == 0 ? "(" : ",(") + (1...13).map { "$\(base + $0)" }.joined(separator: ",") + ")"
            bindings.append(entry.sequence)
            bindings.append(AuditChain.microseconds(d.time))
            for text in [d.actor, d.role, d.unit, d.action, d.target, d.purpose, d.clientAddress, d.requestID, d.outcome, entry.previousHash, entry.hash] {
                bindings.append(text)
            }
        }
        return sql
    }

    func append(_ drafts: [AuditDraft], checkpoint: @escaping @Sendable (AuditHead, Int64, Date?) throws -> AuditCheckpoint?) async throws -> AuditHead {
        guard !drafts.isEmpty else { return try await locked(drafts, checkpoint: checkpoint) }
        // 13 parameters an entry: one statement holds up to 4,000 entries (the limit is 65,535 parameters).
        if let known = tail.value.withLock({ $0 }), drafts.count <= 4_000 {
            do {
                if let head = try await moveHead(from: known, drafts, checkpoint: checkpoint) { return head }
            } catch {
                tail.value.withLock { $0 = nil }
                throw error
            }
        }
        return try await locked(drafts, checkpoint: checkpoint)
    }

    /// The one-statement append from the head this process knows; nil when the head has moved (nothing written).
    func moveHead(from known: AuditTail, _ drafts: [AuditDraft], checkpoint: @escaping @Sendable (AuditHead, Int64, Date?) throws -> AuditCheckpoint?) async throws -> AuditHead? {
        let entries = AuditChain.link(drafts, after: known.head)
        guard let last = entries.last else { return known.head }
        let head = AuditHead(sequence: last.sequence, hash: last.hash)
        let signed = try checkpoint(head, known.checkpointSequence, known.checkpointTime)
        var bindings = PostgresBindings()
        bindings.append(head.sequence)
        bindings.append(head.hash)
        bindings.append(known.head.sequence)
        bindings.append(known.head.hash)
        var sql = """
            WITH moved AS (UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1 AND seq = $3 AND hash = $4 RETURNING seq),
            added AS (INSERT INTO audit_entries (\(Self.columns)) SELECT * FROM (VALUES \(Self.values(entries[...], after: 4, into: &bindings))) AS v
                      WHERE EXISTS (SELECT 1 FROM moved))
            """
        if let signed {
            let base = bindings.count
            bindings.append(signed.sequence)
            bindings.append(signed.hash)
            bindings.append(AuditChain.microseconds(signed.time))
            try bindings.append(signed.signature)
            sql += ", signed AS (INSERT INTO audit_checkpoints SELECT $\(base + 1), $\(base + 2), $\(base + 3), $\(base + 4) WHERE EXISTS (SELECT 1 FROM moved))"
        }
        sql += " SELECT count(*) FROM moved"
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        // One statement outside an explicit transaction: it commits (or not) as a whole.
        let moved = try await database.read { connection in try await connection.scalar(query, as: Int64.self, logger: logger) } ?? 0
        guard moved == 1 else { return nil }
        tail.value.withLock { $0 = AuditTail(head: head, checkpointSequence: signed?.sequence ?? known.checkpointSequence,
                                       checkpointTime: signed?.time ?? known.checkpointTime) }
        return head
    }

    /// The append in a transaction holding the head row's lock (the first append of a process, or after another
    /// server's); remembers the tail it leaves.
    func locked(_ drafts: [AuditDraft], checkpoint: @escaping @Sendable (AuditHead, Int64, Date?) throws -> AuditCheckpoint?) async throws -> AuditHead {
        let tail = try await database.write { connection in
            let current = try await connection.all("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE", logger: logger) { row in
                let (seq, hash) = try row.decode((Int64, String).self)
                return AuditHead(sequence: seq, hash: hash)
            }.first ?? AuditHead.genesis
            let previous = try await connection.all("SELECT seq, time_us FROM audit_checkpoints ORDER BY seq DESC LIMIT 1", logger: logger) { row in
                try row.decode((Int64, Int64).self)
            }.first
            var tail = AuditTail(head: current, checkpointSequence: previous?.0 ?? 0, checkpointTime: previous.map { Date(microseconds: $0.1) })
            let entries = AuditChain.link(drafts, after: current)
            guard let last = entries.last else { return tail }
            for chunk in stride(from: 0, to: entries.count, by: 4_000) {
                var bindings = PostgresBindings()
                let rows = Self.values(entries[chunk..<min(chunk + 4_000, entries.count)], after: 0, into: &bindings)
                try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO audit_entries (\(Self.columns)) VALUES " + rows, binds: bindings), logger: logger)
            }
            tail.head = AuditHead(sequence: last.sequence, hash: last.hash)
            try await connection.query("UPDATE audit_head SET seq = \(tail.head.sequence), hash = \(tail.head.hash) WHERE id = 1", logger: logger)
            if let signed = try checkpoint(tail.head, tail.checkpointSequence, tail.checkpointTime) {
                try await connection.query("""
                    INSERT INTO audit_checkpoints VALUES (\(signed.sequence), \(signed.hash), \(AuditChain.microseconds(signed.time)), \(signed.signature))
                    """, logger: logger)
                tail.checkpointSequence = signed.sequence
                tail.checkpointTime = signed.time
            }
            return tail
        }
        self.tail.value.withLock { $0 = tail }
        return tail.head
    }

    private func entries(_ query: PostgresQuery) async throws -> [AuditEntry] {
        try await database.read { connection in try await connection.all(query, logger: logger, Self.entry) }
    }

    func entries(after: Int64, limit: Int) async throws -> [AuditEntry] {
        try await entries(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2", binds: Self.binds(after, limit)))
    }

    func checkpoints() async throws -> [AuditCheckpoint] {
        try await database.read { connection in
            try await connection.all("SELECT seq, hash, time_us, signature FROM audit_checkpoints ORDER BY seq", logger: logger) { row in
                let (seq, hash, time, signature) = try row.decode((Int64, String, Int64, Data).self)
                return AuditCheckpoint(sequence: seq, hash: hash, time: Date(microseconds: time), signature: signature)
            }
        }
    }

    func entries(target: String, limit: Int) async throws -> [AuditEntry] {
        try await entries(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM audit_entries WHERE target = $1 AND target <> '' ORDER BY seq DESC LIMIT $2",
                                        binds: Self.binds(target, limit)))
    }

    func entries(actor: String, limit: Int) async throws -> [AuditEntry] {
        try await entries(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM audit_entries WHERE actor = $1 ORDER BY seq DESC LIMIT $2",
                                        binds: Self.binds(actor, limit)))
    }

    static func binds(_ key: some PostgresNonThrowingEncodable, _ limit: Int) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(key)
        bindings.append(limit)
        return bindings
    }

    func sealedSigningKey() async throws -> Data? {
        try await database.read { connection in
            try await connection.scalar("SELECT sealed FROM server_keys WHERE name = 'audit-checkpoint'", as: Data.self, logger: logger)
        }
    }

    func storeSigningKeyIfAbsent(_ sealed: Data) async throws -> Data {
        try await database.write { connection in
            try await connection.query("INSERT INTO server_keys VALUES ('audit-checkpoint', \(sealed)) ON CONFLICT (name) DO NOTHING", logger: logger)
            return try await connection.scalar("SELECT sealed FROM server_keys WHERE name = 'audit-checkpoint'", as: Data.self, logger: logger) ?? sealed
        }
    }

    func replaceSealedSigningKey(_ sealed: Data) async throws {
        _ = try await database.write { connection in
            try await connection.query("UPDATE server_keys SET sealed = \(sealed) WHERE name = 'audit-checkpoint'", logger: logger)
        }
    }
}
