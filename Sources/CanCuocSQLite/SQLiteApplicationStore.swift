import CanCuocCore
import CanCuocStore
import Foundation
import GRDB

/// Card applications in the SQLite file.
struct SQLiteApplicationStore: ApplicationStore {
    let writer: any DatabaseWriter

    static let columns = "id, province_code, resident_id, pin, kind, reason, state, receipt_code, request_id, site, application_date, due_date, fee_vnd, exemption, created_at, updated_at"

    static func application(_ row: Row, events: [ApplicationEvent]) throws -> ApplicationRecord {
        let kindText: String = row[4], stateText: String = row[6]
        guard let kind = ApplicationKind(rawValue: kindText), let state = ApplicationState(rawValue: stateText) else {
            throw ApplicationError.notFound(row[0])
        }
        return ApplicationRecord(
            id: row[0], provinceCode: row[1], residentID: row[2], pin: row[3], kind: kind, reason: (row[5] as String?).flatMap(ApplicationReason.init),
            state: state, receiptCode: row[7], requestID: row[8], site: row[9], applicationDate: try LocalDate(iso: row[10]),
            dueDate: try LocalDate(iso: row[11]), feeVND: row[12], exemption: row[13], createdAt: Date(microseconds: row[14]),
            updatedAt: Date(microseconds: row[15]), events: events)
    }

    static func read(_ db: Database, id: Int64) throws -> ApplicationRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(columns) FROM applications WHERE id = ?", arguments: [id]) else { return nil }
        let events = try Row.fetchAll(db, sql: "SELECT seq, from_state, to_state, actor, at, note FROM application_events WHERE application_id = ? ORDER BY seq",
                                      arguments: [id]).map { row in
            ApplicationEvent(sequence: row[0], from: (row[1] as String?).flatMap(ApplicationState.init), to: ApplicationState(rawValue: row[2]) ?? .received,
                             actor: row[3], at: Date(microseconds: row[4]), note: row[5])
        }
        return try application(row, events: events)
    }

    func create(_ a: ApplicationRecord, actor: String) async throws -> (record: ApplicationRecord, created: Bool) {
        try await writer.write { db in
            if let requestID = a.requestID,
               let existing = try Int64.fetchOne(db, sql: "SELECT id FROM applications WHERE request_id = ? AND province_code = ?", arguments: [requestID, a.provinceCode]) {
                return (try Self.read(db, id: existing)!, false)
            }
            if let open = try Row.fetchOne(db, sql: """
                SELECT id, receipt_code FROM applications WHERE resident_id = ? AND province_code = ? AND state NOT IN ('handed-over', 'refused', 'cancelled')
                """, arguments: [a.residentID, a.provinceCode]) {
                throw ApplicationError.openApplicationExists(id: open[0], receiptCode: open[1])
            }
            try db.execute(sql: """
                INSERT INTO applications (province_code, resident_id, pin, kind, reason, state, receipt_code, request_id, site, application_date, due_date, fee_vnd, exemption, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [a.provinceCode, a.residentID, a.pin, a.kind.rawValue, a.reason?.rawValue, a.state.rawValue, a.receiptCode, a.requestID,
                                 a.site, a.applicationDate.description, a.dueDate.description, a.feeVND, a.exemption,
                                 AuditChain.microseconds(a.createdAt), AuditChain.microseconds(a.updatedAt)])
            let id = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO application_events VALUES (?, 1, ?, NULL, ?, ?, ?, ?)",
                           arguments: [id, a.provinceCode, a.state.rawValue, actor, AuditChain.microseconds(a.createdAt), "tiếp nhận"])
            return (try Self.read(db, id: id)!, true)
        }
    }

    func application(id: Int64) async throws -> ApplicationRecord? {
        try await writer.read { db in try Self.read(db, id: id) }
    }

    func advance(id: Int64, from: ApplicationState, to: ApplicationState, actor: String, at: Date, note: String) async throws -> ApplicationRecord {
        try await writer.write { db in
            try db.execute(sql: "UPDATE applications SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
                           arguments: [to.rawValue, AuditChain.microseconds(at), id, from.rawValue])
            guard db.changesCount == 1 else {
                guard let current = try String.fetchOne(db, sql: "SELECT state FROM applications WHERE id = ?", arguments: [id]) else { throw ApplicationError.notFound(id) }
                throw ApplicationError.stateChanged(expected: from, actual: ApplicationState(rawValue: current) ?? from)
            }
            try db.execute(sql: """
                INSERT INTO application_events
                SELECT ?, COALESCE(MAX(seq), 0) + 1, (SELECT province_code FROM applications WHERE id = ?), ?, ?, ?, ?, ? FROM application_events WHERE application_id = ?
                """, arguments: [id, id, from.rawValue, to.rawValue, actor, AuditChain.microseconds(at), note, id])
            return try Self.read(db, id: id)!
        }
    }
}
