import CanCuocStore
import Foundation
import PostgresNIO

/// The audit chain on PostgreSQL. The head row (`audit_head`) orders appends from every server into one chain
/// without forks. An append first tries, in one statement, to move the head from where this process last saw it
/// and to insert the entries (and a checkpoint) with it: one round trip, one commit. When another server moved
/// the head meanwhile, nothing is written and the append is redone in a transaction that locks the head row.
struct PostgresAuditStore: AuditStore {
    let database: PostgresDatabase
    /// The head and the last checkpoint as this process last wrote or read them.
    let tail = SharedMutex<AuditTail?>(nil)
    var logger: Logger { database.logger }

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

    /// The entries' columns as arrays (one parameter a column) for `unnestColumns`.
    static func bindColumns(_ entries: [AuditEntry], into bindings: inout PostgresBindings) {
        bindings.append(entries.map(\.sequence))
        bindings.append(entries.map { AuditChain.microseconds($0.draft.time) })
        for text in textColumns { bindings.append(entries.map(text)) }
    }

    static let textColumns: [@Sendable (AuditEntry) -> String] = [
        \.draft.actor, \.draft.role, \.draft.unit, \.draft.action, \.draft.target, \.draft.purpose, \.draft.clientAddress,
        \.draft.requestID, \.draft.outcome, \.previousHash, \.hash,
    ]
    /// Each array parameter's type, for the driver and as written in SQL.
    static let arrayTypes: [(type: PostgresDataType, sql: String)] =
        [(.int8Array, "bigint[]"), (.int8Array, "bigint[]")] + Array(repeating: (.textArray, "text[]"), count: textColumns.count)
    static var columnTypes: [PostgresDataType] { arrayTypes.map(\.type) }

    /// The rows of the arrays bound after `after` parameters. The text is the same for any number of entries,
    /// so PostgreSQL prepares and plans it once per connection instead of parsing a new `VALUES` list each time.
    static func unnestColumns(after: Int) -> String {
        "unnest(" + arrayTypes.enumerated().map { "$\(after + $0.offset + 1)::\($0.element.sql)" }.joined(separator: ", ") + ")"
    }

    func append(_ drafts: [AuditDraft], checkpoint: @escaping @Sendable (AuditHead, Int64, Date?) throws -> AuditCheckpoint?) async throws -> AuditHead {
        guard !drafts.isEmpty else { return try await locked(drafts, checkpoint: checkpoint) }
        if let known = tail.withLock({ $0 }) {
            do {
                if let head = try await moveHead(from: known, drafts, checkpoint: checkpoint) { return head }
            } catch {
                tail.withLock { $0 = nil }
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
        let move = AuditHeadMove(head: head, known: known.head, entries: entries, checkpoint: signed)
        let moved = try await database.rows(move, limit: 1).first ?? 0
        guard moved == 1 else { return nil }
        tail.withLock { $0 = AuditTail(head: head, checkpointSequence: signed?.sequence ?? known.checkpointSequence,
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
            var bindings = PostgresBindings()
            Self.bindColumns(entries, into: &bindings)
            try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO audit_entries (\(Self.columns)) SELECT * FROM \(Self.unnestColumns(after: 0))",
                                                     binds: bindings), logger: logger)
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
        self.tail.withLock { $0 = tail }
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

/// The one-statement append of `PostgresAuditStore.moveHead`, prepared: moves the head from `known` and inserts
/// the entries and the checkpoint (when one is due) only if it moved. Returns the number of heads moved (0 or 1).
struct AuditHeadMove: PostgresPreparedStatement {
    /// The checkpoint's parameters come after the two heads' four and the entries' arrays.
    private static let signedAt = 4 + PostgresAuditStore.arrayTypes.count
    static let sql = """
        WITH moved AS (UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1 AND seq = $3 AND hash = $4 RETURNING seq),
        added AS (INSERT INTO audit_entries (\(PostgresAuditStore.columns)) SELECT * FROM \(PostgresAuditStore.unnestColumns(after: 4))
                  WHERE EXISTS (SELECT 1 FROM moved)),
        signed AS (INSERT INTO audit_checkpoints
                   SELECT $\(signedAt + 1)::bigint, $\(signedAt + 2)::text, $\(signedAt + 3)::bigint, $\(signedAt + 4)::bytea
                   WHERE $\(signedAt + 1)::bigint IS NOT NULL AND EXISTS (SELECT 1 FROM moved))
        SELECT count(*) FROM moved
        """
    static let bindingDataTypes: [PostgresDataType] = [.int8, .text, .int8, .text] + PostgresAuditStore.columnTypes + [.int8, .text, .int8, .bytea]
    typealias Row = Int64

    let head: AuditHead
    let known: AuditHead
    let entries: [AuditEntry]
    let checkpoint: AuditCheckpoint?

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: Self.bindingDataTypes.count)
        bindings.append(head.sequence)
        bindings.append(head.hash)
        bindings.append(known.sequence)
        bindings.append(known.hash)
        PostgresAuditStore.bindColumns(entries, into: &bindings)
        bindings.append(checkpoint?.sequence)
        bindings.append(checkpoint?.hash)
        bindings.append(checkpoint.map { AuditChain.microseconds($0.time) })
        try bindings.append(checkpoint?.signature)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
}
