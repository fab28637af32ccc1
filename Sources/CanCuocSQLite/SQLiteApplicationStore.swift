import CanCuocCore
import CanCuocStore
import Foundation
import GRDB

/// Card applications in the SQLite file.
struct SQLiteApplicationStore: ApplicationStore {
    let writer: any DatabaseWriter

    static let columns = "id, province_code, resident_id, pin, kind, reason, state, receipt_code, request_id, site, application_date, due_date, fee_vnd, exemption, created_at, updated_at, commune, stage_due, collected_document"

    static func application(_ row: Row, events: [ApplicationEvent]) throws -> ApplicationRecord {
        let kindText: String = row[4], stateText: String = row[6]
        guard let kind = ApplicationKind(rawValue: kindText), let state = ApplicationState(rawValue: stateText) else {
            throw ApplicationError.notFound(row[0])
        }
        return ApplicationRecord(
            id: row[0], provinceCode: row[1], residentID: row[2], pin: row[3], kind: kind, reason: (row[5] as String?).flatMap(ApplicationReason.init),
            state: state, receiptCode: row[7], requestID: row[8], site: row[9], applicationDate: try LocalDate(iso: row[10]),
            dueDate: try LocalDate(iso: row[11]), feeVND: row[12], exemption: row[13], commune: (row[16] as String?).flatMap(UnitRef.init(text:)),
            stageDue: try (row[17] as String?).map(LocalDate.init(iso:)), collectedDocument: row[18], createdAt: Date(microseconds: row[14]),
            updatedAt: Date(microseconds: row[15]), events: events)
    }

    static func read(_ db: Database, id: Int64) throws -> ApplicationRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(columns) FROM applications WHERE id = ?", arguments: [id]) else { return nil }
        let events = try Row.fetchAll(db, sql: "SELECT seq, from_state, to_state, actor, at, note FROM application_events WHERE application_id = ? ORDER BY seq",
                                      arguments: [id]).map { row in
            ApplicationEvent(sequence: row[0], from: (row[1] as String?).flatMap(ApplicationState.init), to: try .stored(row[2], column: "application_events.to_state"),
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
                INSERT INTO applications (province_code, resident_id, pin, kind, reason, state, receipt_code, request_id, site, application_date, due_date, fee_vnd, exemption, created_at, updated_at, commune, stage_due, collected_document)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [a.provinceCode, a.residentID, a.pin, a.kind.rawValue, a.reason?.rawValue, a.state.rawValue, a.receiptCode, a.requestID,
                                 a.site, a.applicationDate.description, a.dueDate.description, a.feeVND, a.exemption,
                                 AuditChain.microseconds(a.createdAt), AuditChain.microseconds(a.updatedAt),
                                 a.commune?.description, a.stageDue?.description, a.collectedDocument])
            let id = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO application_events VALUES (?, 1, ?, NULL, ?, ?, ?, ?)",
                           arguments: [id, a.provinceCode, a.state.rawValue, actor, AuditChain.microseconds(a.createdAt), "tiếp nhận"])
            return (try Self.read(db, id: id)!, true)
        }
    }

    func application(id: Int64) async throws -> ApplicationRecord? {
        try await writer.read { db in try Self.read(db, id: id) }
    }

    func advance(id: Int64, from: ApplicationState, to: ApplicationState, actor: String, at: Date, note: String, stageDue: LocalDate?) async throws -> ApplicationRecord {
        try await writer.write { db in
            try Self.move(db, id: id, from: from, to: to, actor: actor, at: at, note: note, stageDue: stageDue)
            return try Self.read(db, id: id)!
        }
    }

    /// The compare-and-set move with its event, inside the caller's transaction.
    static func move(_ db: Database, id: Int64, from: ApplicationState, to: ApplicationState, actor: String, at: Date, note: String, stageDue: LocalDate?) throws {
        try db.cachedStatement(sql: "UPDATE applications SET state = ?, updated_at = ?, stage_due = ? WHERE id = ? AND state = ?")
            .execute(arguments: [to.rawValue, AuditChain.microseconds(at), stageDue?.description, id, from.rawValue])
        guard db.changesCount == 1 else {
            guard let current = try String.fetchOne(db, sql: "SELECT state FROM applications WHERE id = ?", arguments: [id]) else { throw ApplicationError.notFound(id) }
            throw ApplicationError.stateChanged(expected: from, actual: ApplicationState(rawValue: current) ?? from)
        }
        try db.cachedStatement(sql: """
            INSERT INTO application_events
            SELECT ?, COALESCE(MAX(seq), 0) + 1, (SELECT province_code FROM applications WHERE id = ?), ?, ?, ?, ?, ? FROM application_events WHERE application_id = ?
            """).execute(arguments: [id, id, from.rawValue, to.rawValue, actor, AuditChain.microseconds(at), note, id])
    }

    func application(receiptCode: String) async throws -> ApplicationRecord? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM applications WHERE receipt_code = ?", arguments: [receiptCode])
                .map { try Self.application($0, events: []) }
        }
    }

    /// The area and filters as SQL, the queue's index (area, state, stage_due, id) doing the work.
    static func filter(_ query: ApplicationQuery, states: [ApplicationState]) -> (String, StatementArguments) {
        var clauses = ["state IN (\(databaseQuestionMarks(count: states.count)))"]
        var arguments = StatementArguments(states.map(\.rawValue))
        if let codes = query.provinceCodes {
            clauses.append("province_code IN (\(databaseQuestionMarks(count: codes.count)))")
            arguments += StatementArguments(codes.sorted())
        }
        if let communes = query.communes {
            clauses.append("commune IN (\(databaseQuestionMarks(count: communes.count)))")
            arguments += StatementArguments(communes.map(\.description))
        }
        if let site = query.site {
            clauses.append("site = ?")
            arguments += [site]
        }
        if let day = query.overdueOn {
            clauses.append("stage_due < ?")
            arguments += [day.description]
        }
        return (clauses.joined(separator: " AND "), arguments)
    }

    func queue(_ query: ApplicationQuery) async throws -> Page<ApplicationRecord> {
        guard !query.isEmptyArea else { return Page(items: [], page: query.page, perPage: query.perPage, hasMore: false) }
        let (condition, arguments) = Self.filter(query, states: query.effectiveStates)
        let rows = try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.columns) FROM applications WHERE \(condition)
                ORDER BY stage_due\(query.effectiveStates.contains(where: \.isFinal) ? " NULLS LAST" : ""), id LIMIT \(query.perPage + 1) OFFSET \((query.page - 1) * query.perPage)
                """, arguments: arguments).map { try Self.application($0, events: []) }
        }
        return Page(items: Array(rows.prefix(query.perPage)), page: query.page, perPage: query.perPage, hasMore: rows.count > query.perPage)
    }

    func counts(_ query: ApplicationQuery) async throws -> [ApplicationState: Int] {
        guard !query.isEmptyArea else { return [:] }
        return try await writer.read { db in
            var counts: [ApplicationState: Int] = [:]
            for state in query.effectiveStates {
                let (condition, arguments) = Self.filter(query, states: [state])
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM applications WHERE \(condition) LIMIT \(ApplicationQuery.countCap + 1))",
                                             arguments: arguments) ?? 0
                if count > 0 { counts[state] = count }
            }
            return counts
        }
    }

    static let biometricColumns = "application_id, province_code, kind, format, width, height, byte_count, sealed, captured_at, captured_by"

    static func biometric(_ row: Row) -> StoredBiometric? {
        guard let kind = BiometricKind(rawValue: row[2]) else { return nil }
        return StoredBiometric(applicationID: row[0], provinceCode: row[1], kind: kind, format: row[3], width: row[4], height: row[5],
                               byteCount: row[6], sealed: row[7], capturedAt: Date(microseconds: row[8]), capturedBy: row[9])
    }

    func saveBiometrics(_ list: [StoredBiometric]) async throws {
        guard let applicationID = list.first?.applicationID else { return }
        guard list.allSatisfy({ $0.applicationID == applicationID }) else { throw ApplicationError.badBiometric("biometrics of one application at a time") }
        try await writer.write { db in
            guard let state = try String.fetchOne(db, sql: "SELECT state FROM applications WHERE id = ?", arguments: [applicationID]) else {
                throw ApplicationError.notFound(applicationID)
            }
            guard state == ApplicationState.received.rawValue else {
                throw ApplicationError.stateChanged(expected: .received, actual: ApplicationState(rawValue: state) ?? .received)
            }
            let insert = try db.makeStatement(sql: "INSERT OR REPLACE INTO application_biometrics (\(Self.biometricColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            for b in list {
                try insert.execute(arguments: [b.applicationID, b.provinceCode, b.kind.rawValue, b.format, b.width, b.height, b.byteCount, b.sealed,
                                               AuditChain.microseconds(b.capturedAt), b.capturedBy])
            }
        }
    }

    func biometrics(applicationID: Int64) async throws -> [StoredBiometric] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.biometricColumns) FROM application_biometrics WHERE application_id = ? ORDER BY kind",
                             arguments: [applicationID]).compactMap(Self.biometric)
        }
    }

    func biometric(applicationID: Int64, kind: BiometricKind) async throws -> StoredBiometric? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.biometricColumns) FROM application_biometrics WHERE application_id = ? AND kind = ?",
                             arguments: [applicationID, kind.rawValue]).flatMap(Self.biometric)
        }
    }

    func sealedBiometrics(afterApplication after: Int64, limit: Int) async throws -> [StoredBiometric] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.biometricColumns) FROM application_biometrics WHERE application_id IN
                (SELECT DISTINCT application_id FROM application_biometrics WHERE application_id > ? ORDER BY application_id LIMIT ?)
                ORDER BY application_id, kind
                """, arguments: [after, limit]).compactMap(Self.biometric)
        }
    }

    func replaceSealedBiometric(applicationID: Int64, kind: BiometricKind, sealed: Data) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE application_biometrics SET sealed = ? WHERE application_id = ? AND kind = ?", arguments: [sealed, applicationID, kind.rawValue])
        }
    }
}
