import CanCuocStore
import Foundation
import PostgresNIO

/// The audit chain on PostgreSQL. Each append locks the single head row (`FOR UPDATE`), so appends from
/// several servers queue up and extend one chain without forks.
struct PostgresAuditStore: AuditStore {
    let database: PostgresDatabase
    var logger: Logger { database.logger }

    static let columns = "seq, time_us, actor, role, unit, action, target, purpose, client, request_id, outcome, prev_hash, hash"

    static func entry(_ row: PostgresRow) throws -> AuditEntry {
        let (seq, time, actor, role, unit, action, target, purpose, client, request, outcome, previous, hash) =
            try row.decode((Int64, Int64, String, String, String, String, String, String, String, String, String, String, String).self)
        return AuditEntry(sequence: seq, draft: AuditDraft(time: Date(microseconds: time), actor: actor, role: role, unit: unit, action: action,
                                                           target: target, purpose: purpose, clientAddress: client, requestID: request, outcome: outcome),
                          previousHash: previous, hash: hash)
    }

    func append(_ drafts: [AuditDraft], checkpoint: @escaping @Sendable (AuditHead, Int64, Date?) throws -> AuditCheckpoint?) async throws -> AuditHead {
        try await database.write { connection in
            let current = try await connection.all("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE", logger: logger) { row in
                let (seq, hash) = try row.decode((Int64, String).self)
                return AuditHead(sequence: seq, hash: hash)
            }.first ?? AuditHead.genesis
            let entries = AuditChain.link(drafts, after: current)
            guard let last = entries.last else { return current }
            // One multi-row INSERT per batch (13 parameters a row, well under the 65,535 limit per statement
            // for batches up to 5,000 entries; larger batches go in several statements).
            for chunk in stride(from: 0, to: entries.count, by: 4_000) {
                var sql = "INSERT INTO audit_entries (\(Self.columns)) VALUES "
                var bindings = PostgresBindings()
                for (offset, entry) in entries[chunk..<min(chunk + 4_000, entries.count)].enumerated() {
                    let d = entry.draft
                    let base = offset * 13
                    sql += (offset == 0 ? "(" : ",(") + (1...13).map { "$\(base + $0)" }.joined(separator: ",") + ")"
                    bindings.append(entry.sequence)
                    bindings.append(AuditChain.microseconds(d.time))
                    for text in [d.actor, d.role, d.unit, d.action, d.target, d.purpose, d.clientAddress, d.requestID, d.outcome, entry.previousHash, entry.hash] {
                        bindings.append(text)
                    }
                }
                try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            }
            let head = AuditHead(sequence: last.sequence, hash: last.hash)
            try await connection.query("UPDATE audit_head SET seq = \(head.sequence), hash = \(head.hash) WHERE id = 1", logger: logger)
            let previous = try await connection.all("SELECT seq, time_us FROM audit_checkpoints ORDER BY seq DESC LIMIT 1", logger: logger) { row in
                try row.decode((Int64, Int64).self)
            }.first
            if let signed = try checkpoint(head, previous?.0 ?? 0, previous.map { Date(microseconds: $0.1) }) {
                try await connection.query("""
                    INSERT INTO audit_checkpoints VALUES (\(signed.sequence), \(signed.hash), \(AuditChain.microseconds(signed.time)), \(signed.signature))
                    """, logger: logger)
            }
            return head
        }
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
