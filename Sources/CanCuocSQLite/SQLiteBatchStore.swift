import CanCuocCore
import CanCuocStore
import Foundation
import GRDB

/// Production batches in the SQLite file.
struct SQLiteBatchStore: BatchStore {
    let writer: any DatabaseWriter

    static let select = """
        SELECT b.id, b.province_code, b.state, b.created_at, b.created_by, b.exported_to, b.updated_at,
               (SELECT COUNT(*) FROM batch_items i WHERE i.batch_id = b.id AND i.state = 'pending'),
               (SELECT COUNT(*) FROM batch_items i WHERE i.batch_id = b.id AND i.state = 'done'),
               (SELECT COUNT(*) FROM batch_items i WHERE i.batch_id = b.id AND i.state = 'failed')
        FROM batches b
        """

    static func batch(_ row: Row) throws -> ProductionBatch {
        ProductionBatch(id: row[0], provinceCode: row[1], state: try .stored(row[2], column: "batches.state"), createdAt: Date(microseconds: row[3]),
                        createdBy: row[4], exportedTo: row[5], updatedAt: Date(microseconds: row[6]), pending: row[7], done: row[8], failed: row[9])
    }

    func create(provinceCodes: Set<String>, limit: Int, actor: String, at: Date) async throws -> ProductionBatch {
        guard (1...20_000).contains(limit) else { throw BatchError.badSize(limit) }
        return try await writer.write { db in
            let provinces = provinceCodes.sorted()
            let chosen = try Row.fetchAll(db, sql: """
                SELECT a.id, a.province_code FROM applications a
                WHERE a.state = 'approved' AND a.province_code IN (\(databaseQuestionMarks(count: provinces.count)))
                AND NOT EXISTS (SELECT 1 FROM batch_items i WHERE i.application_id = a.id AND i.state != 'failed')
                ORDER BY a.stage_due, a.id LIMIT ?
                """, arguments: StatementArguments(provinces) + [limit])
            guard let first = chosen.first else { throw BatchError.nothingToProduce }
            let time = AuditChain.microseconds(at)
            try db.execute(sql: "INSERT INTO batches (province_code, state, created_at, created_by, updated_at) VALUES (?, 'open', ?, ?, ?)",
                           arguments: [first[1] as String, time, actor, time])
            let id = db.lastInsertedRowID
            let insert = try db.makeStatement(sql: "INSERT INTO batch_items (batch_id, application_id, province_code, state) VALUES (?, ?, ?, 'pending')")
            for row in chosen {
                try insert.execute(arguments: [id, row[0] as Int64, row[1] as String])
            }
            return try Row.fetchOne(db, sql: Self.select + " WHERE b.id = ?", arguments: [id]).map(Self.batch)!
        }
    }

    func batch(id: Int64) async throws -> ProductionBatch? {
        try await writer.read { db in try Row.fetchOne(db, sql: Self.select + " WHERE b.id = ?", arguments: [id]).map(Self.batch) }
    }

    func batches(provinceCodes: Set<String>, limit: Int) async throws -> [ProductionBatch] {
        let provinces = provinceCodes.sorted()
        return try await writer.read { db in
            try Row.fetchAll(db, sql: Self.select + " WHERE b.province_code IN (\(databaseQuestionMarks(count: provinces.count))) ORDER BY b.id DESC LIMIT ?",
                             arguments: StatementArguments(provinces) + [limit]).map(Self.batch)
        }
    }

    func items(batchID: Int64) async throws -> [BatchItem] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT batch_id, application_id, state, card_id, problem FROM batch_items WHERE batch_id = ? ORDER BY application_id",
                             arguments: [batchID]).map {
                BatchItem(batchID: $0[0], applicationID: $0[1], state: try .stored($0[2], column: "batch_items.state"), cardID: $0[3], problem: $0[4])
            }
        }
    }

    func complete(batchID: Int64, cards: [StoredCard], actor: String, at: Date, stageDue: LocalDate?) async throws -> [StoredCard] {
        try await writer.write { db in
            var stored: [StoredCard] = []
            let itemState = try db.cachedStatement(sql: "SELECT state FROM batch_items WHERE batch_id = ? AND application_id = ?")
            let failed = try db.cachedStatement(sql: "UPDATE batch_items SET state = 'failed', problem = ? WHERE batch_id = ? AND application_id = ?")
            let done = try db.cachedStatement(sql: "UPDATE batch_items SET state = 'done', card_id = ? WHERE batch_id = ? AND application_id = ?")
            for card in cards {
                guard let applicationID = card.applicationID else { continue }
                guard try String.fetchOne(itemState, arguments: [batchID, applicationID]) == BatchItem.State.pending.rawValue else { continue }
                do {
                    try SQLiteApplicationStore.move(db, id: applicationID, from: .approved, to: .personalised, actor: actor, at: at,
                                                    note: "lô \(batchID)", stageDue: stageDue)
                } catch let error as ApplicationError {
                    try failed.execute(arguments: [error.description, batchID, applicationID])
                    continue
                }
                let saved = try SQLiteCardStore.insert(card, db)
                try done.execute(arguments: [saved.id, batchID, applicationID])
                stored.append(saved)
            }
            try Self.closeIfDone(db, batchID: batchID, at: at)
            return stored
        }
    }

    func productionInputs(applicationIDs: [Int64]) async throws -> [ProductionInput] {
        try await writer.read { db in
            // One snapshot, cached statements, one row of each kind per item.
            let application = try db.cachedStatement(sql: "SELECT \(SQLiteApplicationStore.columns) FROM applications WHERE id = ?")
            let face = try db.cachedStatement(sql: "SELECT \(SQLiteApplicationStore.biometricColumns) FROM application_biometrics WHERE application_id = ? AND kind = 'face'")
            let cancelled = try db.cachedStatement(sql: "SELECT old_pin FROM pin_links WHERE resident_id = ? AND new_pin = ? ORDER BY linked_at DESC LIMIT 1")
            return try applicationIDs.map { id in
                guard let record = try Row.fetchOne(application, arguments: [id]).map({ try SQLiteApplicationStore.application($0, events: []) }) else {
                    return ProductionInput(applicationID: id, application: nil, resident: nil, cancelledPIN: nil, face: nil)
                }
                let resident = try SQLiteResidentStore.fetch(id: record.residentID, in: db)?.resident
                let old = try resident?.pin.flatMap { pin in try String.fetchOne(cancelled, arguments: [record.residentID, pin.digits]) }
                return ProductionInput(applicationID: id, application: record, resident: resident, cancelledPIN: try old.map { try PIN($0, bornAbroad: true) },
                                       face: try Row.fetchOne(face, arguments: [id]).flatMap(SQLiteApplicationStore.biometric))
            }
        }
    }

    func exportPage(batchID: Int64, after: Int64, limit: Int) async throws -> [(applicationID: Int64, receiptCode: String, card: StoredCard)] {
        let columns = ColumnList.qualified(SQLiteCardStore.columns, "c")
        return try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(columns), i.application_id, a.receipt_code FROM batch_items i
                JOIN cards c ON c.id = i.card_id JOIN applications a ON a.id = i.application_id
                WHERE i.batch_id = ? AND i.state = 'done' AND i.application_id > ? ORDER BY i.application_id LIMIT ?
                """, arguments: [batchID, after, limit]).map { row in
                (row[20], row[21], try SQLiteCardStore.card(row))
            }
        }
    }

    func fail(batchID: Int64, applicationID: Int64, problem: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE batch_items SET state = 'failed', problem = ? WHERE batch_id = ? AND application_id = ? AND state = 'pending'",
                           arguments: [problem, batchID, applicationID])
            try Self.closeIfDone(db, batchID: batchID, at: Date())
        }
    }

    /// An open batch with nothing pending is personalised.
    static func closeIfDone(_ db: Database, batchID: Int64, at: Date) throws {
        try db.execute(sql: """
            UPDATE batches SET state = 'personalised', updated_at = ? WHERE id = ? AND state = 'open'
            AND NOT EXISTS (SELECT 1 FROM batch_items WHERE batch_id = ? AND state = 'pending')
            """, arguments: [AuditChain.microseconds(at), batchID, batchID])
    }

    func setState(batchID: Int64, from: ProductionBatch.State, to: ProductionBatch.State, exportedTo: String?, at: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE batches SET state = ?, exported_to = COALESCE(?, exported_to), updated_at = ? WHERE id = ? AND state = ?",
                           arguments: [to.rawValue, exportedTo, AuditChain.microseconds(at), batchID, from.rawValue])
            guard db.changesCount == 1 else {
                guard let current = try String.fetchOne(db, sql: "SELECT state FROM batches WHERE id = ?", arguments: [batchID]) else { throw BatchError.notFound(batchID) }
                throw BatchError.wrongState(expected: from, actual: ProductionBatch.State(rawValue: current) ?? from)
            }
        }
    }

    func advanceApplications(batchID: Int64, from: ApplicationState, to: ApplicationState, actor: String, at: Date, note: String,
                             stageDue: LocalDate?) async throws -> Int {
        try await writer.write { db in
            let ids = try Int64.fetchAll(db, sql: """
                SELECT a.id FROM batch_items i JOIN applications a ON a.id = i.application_id
                WHERE i.batch_id = ? AND i.state = 'done' AND a.state = ? ORDER BY a.id
                """, arguments: [batchID, from.rawValue])
            for id in ids {
                try SQLiteApplicationStore.move(db, id: id, from: from, to: to, actor: actor, at: at, note: note, stageDue: stageDue)
            }
            return ids.count
        }
    }
}
