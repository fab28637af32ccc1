import CanCuocCore
import CanCuocStore
import Foundation
import PostgresNIO

/// Production batches on PostgreSQL: every server sees the same batches; a batch's steps are transactions.
struct PostgresBatchStore: BatchStore {
    let database: PostgresDatabase
    var logger: Logger { database.logger }

    static let select = """
        SELECT b.id, b.province_code, b.state, b.created_at, b.created_by, b.exported_to, b.updated_at,
               (SELECT count(*) FROM batch_items i WHERE i.batch_id = b.id AND i.state = 'pending'),
               (SELECT count(*) FROM batch_items i WHERE i.batch_id = b.id AND i.state = 'done'),
               (SELECT count(*) FROM batch_items i WHERE i.batch_id = b.id AND i.state = 'failed')
        FROM batches b
        """

    static func batch(_ row: PostgresRow) throws -> ProductionBatch {
        let c = Array(row)
        return ProductionBatch(
            id: try c[0].decode(Int64.self), provinceCode: try c[1].decode(String.self),
            state: try .stored(try c[2].decode(String.self), column: "batches.state"), createdAt: Date(microseconds: try c[3].decode(Int64.self)),
            createdBy: try c[4].decode(String.self), exportedTo: try c[5].decode(String?.self), updatedAt: Date(microseconds: try c[6].decode(Int64.self)),
            pending: Int(try c[7].decode(Int64.self)), done: Int(try c[8].decode(Int64.self)), failed: Int(try c[9].decode(Int64.self)))
    }

    static func read(_ connection: PostgresConnection, id: Int64, logger: Logger) async throws -> ProductionBatch? {
        try await connection.all(PostgresQuery(unsafeSQL: select + " WHERE b.id = $1", binds: .single(id)), logger: logger, batch).first
    }

    func create(provinceCodes: Set<String>, limit: Int, actor: String, at: Date) async throws -> ProductionBatch {
        guard (1...20_000).contains(limit) else { throw BatchError.badSize(limit) }
        // Another server grouping some of the same applications at the same moment breaks the unique index: try
        // again with the rest, a few times.
        for _ in 1..<5 {
            do {
                return try await insertBatch(provinces: provinceCodes.sorted(), limit: limit, actor: actor, at: at)
            } catch where PostgresFailure.sqlState(error) == "23505" {
                continue
            }
        }
        return try await insertBatch(provinces: provinceCodes.sorted(), limit: limit, actor: actor, at: at)
    }

    func insertBatch(provinces: [String], limit: Int, actor: String, at: Date) async throws -> ProductionBatch {
        let time = AuditChain.microseconds(at)
        return try await database.write { connection in
            let chosen = try await connection.all("""
                SELECT a.id, a.province_code FROM applications a
                WHERE a.state = 'approved' AND a.province_code = ANY(\(provinces))
                AND NOT EXISTS (SELECT 1 FROM batch_items i WHERE i.application_id = a.id AND i.state <> 'failed')
                ORDER BY a.stage_due, a.id LIMIT \(limit)
                FOR UPDATE OF a SKIP LOCKED
                """, logger: logger) { try $0.decode((Int64, String).self) }
            guard let first = chosen.first else { throw BatchError.nothingToProduce }
            let id = try await connection.scalar("""
                INSERT INTO batches (province_code, state, created_at, created_by, updated_at) VALUES (\(first.1), 'open', \(time), \(actor), \(time)) RETURNING id
                """, as: Int64.self, logger: logger) ?? 0
            try await connection.query("""
                INSERT INTO batch_items (province_code, batch_id, application_id, state)
                SELECT p, \(id), a, 'pending' FROM unnest(\(chosen.map(\.0))::bigint[], \(chosen.map(\.1))::text[]) AS t(a, p)
                """, logger: logger)
            return try await Self.read(connection, id: id, logger: logger)!
        }
    }

    func batch(id: Int64) async throws -> ProductionBatch? {
        try await database.read { connection in try await Self.read(connection, id: id, logger: logger) }
    }

    func batches(provinceCodes: Set<String>, limit: Int) async throws -> [ProductionBatch] {
        try await database.read { connection in
            var binds = PostgresBindings()
            binds.append(provinceCodes.sorted())
            binds.append(limit)
            return try await connection.all(PostgresQuery(unsafeSQL: Self.select + " WHERE b.province_code = ANY($1::text[]) ORDER BY b.id DESC LIMIT $2", binds: binds),
                                            logger: logger, Self.batch)
        }
    }

    func items(batchID: Int64) async throws -> [BatchItem] {
        try await database.read { connection in
            try await connection.all("SELECT batch_id, application_id, state, card_id, problem FROM batch_items WHERE batch_id = \(batchID) ORDER BY application_id",
                                     logger: logger) { row in
                let (batch, application, state, card, problem) = try row.decode((Int64, Int64, String, Int64?, String).self)
                return BatchItem(batchID: batch, applicationID: application, state: try .stored(state, column: "batch_items.state"), cardID: card, problem: problem)
            }
        }
    }

    /// One statement (so one snapshot) for the whole group: the applications in the given order, each with its
    /// resident, the PIN its PIN replaced and its face.
    static let productionSQL: String = {
        let application = ColumnList.qualified(PostgresApplicationStore.columns, "a")
        let face = ColumnList.qualified(PostgresApplicationStore.biometricColumns, "f")
        return """
            SELECT w.id, a.id IS NOT NULL, r.id IS NOT NULL, f.application_id IS NOT NULL, l.old_pin, \(application), \(PostgresResidentRow.selectList), \(face)
            FROM unnest($1::bigint[]) WITH ORDINALITY AS w(id, n)
            LEFT JOIN applications a ON a.id = w.id
            LEFT JOIN residents r ON r.id = a.resident_id
            LEFT JOIN LATERAL (SELECT p.old_pin FROM pin_links p WHERE p.resident_id = a.resident_id AND p.new_pin = r.pin
                               ORDER BY p.linked_at DESC LIMIT 1) l ON true
            LEFT JOIN application_biometrics f ON f.application_id = a.id AND f.kind = 'face'
            ORDER BY w.n
            """
    }()

    func productionInputs(applicationIDs: [Int64]) async throws -> [ProductionInput] {
        let applicationWidth = ColumnList.count(PostgresApplicationStore.columns)
        let residentWidth = PostgresResidentRow.names.count
        let faceWidth = ColumnList.count(PostgresApplicationStore.biometricColumns)
        return try await database.read { connection in
            try await connection.all(PostgresQuery(unsafeSQL: Self.productionSQL, binds: .single(applicationIDs)), logger: logger) { row in
                let cells = Array(row)
                let id = try cells[0].decode(Int64.self)
                guard try cells[1].decode(Bool.self) else {
                    return ProductionInput(applicationID: id, application: nil, resident: nil, cancelledPIN: nil, face: nil)
                }
                var start = 5
                func next(_ width: Int) -> [PostgresCell] {
                    defer { start += width }
                    return Array(cells[start..<start + width])
                }
                let application = try PostgresApplicationStore.decode(cells: next(applicationWidth), events: [])
                let residentCells = next(residentWidth)
                let resident = try cells[2].decode(Bool.self) ? try PostgresResidentRow.decode(cells: residentCells).resident : nil
                let faceCells = next(faceWidth)
                let face = try cells[3].decode(Bool.self) ? try PostgresApplicationStore.biometric(cells: faceCells) : nil
                let old = try cells[4].decode(String?.self)
                return ProductionInput(applicationID: id, application: application, resident: resident,
                                       cancelledPIN: try old.map { try PIN($0, bornAbroad: true) }, face: face)
            }
        }
    }

    func complete(batchID: Int64, cards: [StoredCard], actor: String, at: Date, stageDue: LocalDate?) async throws -> [StoredCard] {
        try await database.write { connection in
            var stored: [StoredCard] = []
            for card in cards {
                guard let applicationID = card.applicationID else { continue }
                let state = try await connection.scalar("""
                    SELECT state FROM batch_items WHERE batch_id = \(batchID) AND application_id = \(applicationID) FOR UPDATE
                    """, as: String.self, logger: logger)
                guard state == BatchItem.State.pending.rawValue else { continue }
                // A failed move must not abort the transaction: check first, then move.
                let current = try await connection.scalar("SELECT state FROM applications WHERE id = \(applicationID) FOR UPDATE", as: String.self, logger: logger)
                guard current == ApplicationState.approved.rawValue else {
                    let problem = ApplicationError.stateChanged(expected: .approved, actual: ApplicationState(rawValue: current ?? "") ?? .cancelled).description
                    try await connection.query("""
                        UPDATE batch_items SET state = 'failed', problem = \(problem) WHERE batch_id = \(batchID) AND application_id = \(applicationID)
                        """, logger: logger)
                    continue
                }
                try await PostgresApplicationStore.move(connection, id: applicationID, from: .approved, to: .personalised, actor: actor, at: at,
                                                        note: "lô \(batchID)", stageDue: stageDue, logger: logger)
                let saved = try await PostgresCardStore.insert(card, on: connection, logger: logger)
                try await connection.query("""
                    UPDATE batch_items SET state = 'done', card_id = \(saved.id) WHERE batch_id = \(batchID) AND application_id = \(applicationID)
                    """, logger: logger)
                stored.append(saved)
            }
            try await Self.closeIfDone(connection, batchID: batchID, at: at, logger: logger)
            return stored
        }
    }

    func exportPage(batchID: Int64, after: Int64, limit: Int) async throws -> [(applicationID: Int64, receiptCode: String, card: StoredCard)] {
        let columns = ColumnList.qualified(PostgresCardStore.columns, "c")
        return try await database.read { connection in
            var binds = PostgresBindings()
            binds.append(batchID)
            binds.append(after)
            binds.append(limit)
            return try await connection.all(PostgresQuery(unsafeSQL: """
                SELECT \(columns), i.application_id, a.receipt_code FROM batch_items i
                JOIN cards c ON c.id = i.card_id JOIN applications a ON a.id = i.application_id
                WHERE i.batch_id = $1 AND i.state = 'done' AND i.application_id > $2 ORDER BY i.application_id LIMIT $3
                """, binds: binds), logger: logger) { row in
                let card = try PostgresCardStore.card(row)
                let c = Array(row)
                return (try c[20].decode(Int64.self), try c[21].decode(String.self), card)
            }
        }
    }

    func fail(batchID: Int64, applicationID: Int64, problem: String) async throws {
        try await database.write { connection in
            try await connection.query("""
                UPDATE batch_items SET state = 'failed', problem = \(problem) WHERE batch_id = \(batchID) AND application_id = \(applicationID) AND state = 'pending'
                """, logger: logger)
            try await Self.closeIfDone(connection, batchID: batchID, at: Date(), logger: logger)
        }
    }

    static func closeIfDone(_ connection: PostgresConnection, batchID: Int64, at: Date, logger: Logger) async throws {
        try await connection.query("""
            UPDATE batches SET state = 'personalised', updated_at = \(AuditChain.microseconds(at)) WHERE id = \(batchID) AND state = 'open'
            AND NOT EXISTS (SELECT 1 FROM batch_items WHERE batch_id = \(batchID) AND state = 'pending')
            """, logger: logger)
    }

    func setState(batchID: Int64, from: ProductionBatch.State, to: ProductionBatch.State, exportedTo: String?, at: Date) async throws {
        try await database.write { connection in
            let changed = try await connection.scalar("""
                UPDATE batches SET state = \(to.rawValue), exported_to = COALESCE(\(exportedTo), exported_to), updated_at = \(AuditChain.microseconds(at))
                WHERE id = \(batchID) AND state = \(from.rawValue) RETURNING id
                """, as: Int64.self, logger: logger)
            guard changed == nil else { return }
            guard let current = try await connection.scalar("SELECT state FROM batches WHERE id = \(batchID)", as: String.self, logger: logger) else {
                throw BatchError.notFound(batchID)
            }
            throw BatchError.wrongState(expected: from, actual: ProductionBatch.State(rawValue: current) ?? from)
        }
    }

    func advanceApplications(batchID: Int64, from: ApplicationState, to: ApplicationState, actor: String, at: Date, note: String,
                             stageDue: LocalDate?) async throws -> Int {
        try await database.write { connection in
            let ids = try await connection.all("""
                SELECT a.id FROM batch_items i JOIN applications a ON a.id = i.application_id
                WHERE i.batch_id = \(batchID) AND i.state = 'done' AND a.state = \(from.rawValue) ORDER BY a.id FOR UPDATE OF a
                """, logger: logger) { try $0.decode(Int64.self) }
            for id in ids {
                try await PostgresApplicationStore.move(connection, id: id, from: from, to: to, actor: actor, at: at, note: note, stageDue: stageDue, logger: logger)
            }
            return ids.count
        }
    }
}
