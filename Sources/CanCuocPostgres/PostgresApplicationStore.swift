import CanCuocCore
import CanCuocStore
import Foundation
import PostgresNIO

/// Card applications on PostgreSQL: shared by every server, so the one-open-application rule, request ids and
/// compare-and-set moves hold across them.
struct PostgresApplicationStore: ApplicationStore {
    let database: PostgresDatabase
    var logger: Logger { database.logger }

    static let columns = "id, province_code, resident_id, pin, kind, reason, state, receipt_code, request_id, site, application_date, due_date, fee_vnd, exemption, created_at, updated_at, commune, stage_due, collected_document"

    static func read(_ connection: PostgresConnection, id: Int64, logger: Logger) async throws -> ApplicationRecord? {
        let events = try await connection.all("SELECT seq, from_state, to_state, actor, at, note FROM application_events WHERE application_id = \(id) ORDER BY seq",
                                              logger: logger) { row in
            let (seq, from, to, actor, at, note) = try row.decode((Int, String?, String, String, Int64, String).self)
            return ApplicationEvent(sequence: seq, from: from.flatMap(ApplicationState.init), to: try .stored(to, column: "application_events.to_state"),
                                    actor: actor, at: Date(microseconds: at), note: note)
        }
        return try await connection.all(PostgresQuery(unsafeSQL: "SELECT \(columns) FROM applications WHERE id = $1", binds: .single(id)), logger: logger) {
            try decode($0, events: events)
        }.first
    }

    static func decode(_ row: PostgresRow, events: [ApplicationEvent]) throws -> ApplicationRecord {
        try decode(cells: Array(row), events: events)
    }

    /// An application from `columns`' cells (also when they are part of a wider row).
    static func decode(cells c: [PostgresCell], events: [ApplicationEvent]) throws -> ApplicationRecord {
        let id = try c[0].decode(Int64.self)
        guard let kind = ApplicationKind(rawValue: try c[4].decode(String.self)), let state = ApplicationState(rawValue: try c[6].decode(String.self)) else {
            throw ApplicationError.notFound(id)
        }
        return ApplicationRecord(
            id: id, provinceCode: try c[1].decode(String.self), residentID: try c[2].decode(Int64.self),
            pin: try c[3].decode(String.self), kind: kind, reason: try c[5].decode(String?.self).flatMap(ApplicationReason.init), state: state,
            receiptCode: try c[7].decode(String.self), requestID: try c[8].decode(String?.self), site: try c[9].decode(String.self),
            applicationDate: try LocalDate(iso: try c[10].decode(String.self)), dueDate: try LocalDate(iso: try c[11].decode(String.self)),
            feeVND: try c[12].decode(Int.self), exemption: try c[13].decode(String?.self), commune: try c[16].decode(String?.self).flatMap(UnitRef.init(text:)),
            stageDue: try c[17].decode(String?.self).map(LocalDate.init(iso:)), collectedDocument: try c[18].decode(String?.self), createdAt: Date(microseconds: try c[14].decode(Int64.self)),
            updatedAt: Date(microseconds: try c[15].decode(Int64.self)), events: events)
    }

    /// The application already taken with `a`'s request id, if any.
    static func submitted(_ a: ApplicationRecord, on connection: PostgresConnection, logger: Logger) async throws -> ApplicationRecord? {
        guard let requestID = a.requestID,
              let id = try await connection.scalar("SELECT id FROM applications WHERE request_id = \(requestID) AND province_code = \(a.provinceCode)",
                                                   as: Int64.self, logger: logger) else { return nil }
        return try await read(connection, id: id, logger: logger)
    }

    func create(_ a: ApplicationRecord, actor: String) async throws -> (record: ApplicationRecord, created: Bool) {
        do {
            return try await database.write { connection in
                if let existing = try await Self.submitted(a, on: connection, logger: logger) { return (existing, false) }
                let id = try await connection.scalar("""
                    INSERT INTO applications (province_code, resident_id, pin, kind, reason, state, receipt_code, request_id, site, application_date, due_date, fee_vnd, exemption, created_at, updated_at, commune, stage_due, collected_document)
                    VALUES (\(a.provinceCode), \(a.residentID), \(a.pin), \(a.kind.rawValue), \(a.reason?.rawValue), \(a.state.rawValue), \(a.receiptCode), \(a.requestID),
                            \(a.site), \(a.applicationDate.description), \(a.dueDate.description), \(a.feeVND), \(a.exemption),
                            \(AuditChain.microseconds(a.createdAt)), \(AuditChain.microseconds(a.updatedAt)), \(a.commune?.description), \(a.stageDue?.description), \(a.collectedDocument))
                    RETURNING id
                    """, as: Int64.self, logger: logger) ?? 0
                try await connection.query("""
                    INSERT INTO application_events VALUES (\(a.provinceCode), \(id), 1, NULL, \(a.state.rawValue), \(actor), \(AuditChain.microseconds(a.createdAt)), \("tiếp nhận"))
                    """, logger: logger)
                return (try await Self.read(connection, id: id, logger: logger)!, true)
            }
        } catch where PostgresFailure.sqlState(error) == "23505" {
            // A concurrent submission won: the same request id, or another open application of the resident.
            return try await database.read { connection -> (record: ApplicationRecord, created: Bool) in
                if let existing = try await Self.submitted(a, on: connection, logger: logger) { return (existing, false) }
                let open = try await connection.all("""
                    SELECT id, receipt_code FROM applications WHERE resident_id = \(a.residentID) AND province_code = \(a.provinceCode)
                    AND state NOT IN ('handed-over', 'refused', 'cancelled')
                    """, logger: logger) { try $0.decode((Int64, String).self) }.first
                throw ApplicationError.openApplicationExists(id: open?.0 ?? 0, receiptCode: open?.1 ?? "")
            }
        }
    }

    func application(id: Int64) async throws -> ApplicationRecord? {
        try await database.read { connection in try await Self.read(connection, id: id, logger: logger) }
    }

    func advance(id: Int64, from: ApplicationState, to: ApplicationState, actor: String, at: Date, note: String, stageDue: LocalDate?) async throws -> ApplicationRecord {
        try await database.write { connection in
            try await Self.move(connection, id: id, from: from, to: to, actor: actor, at: at, note: note, stageDue: stageDue, logger: logger)
            return try await Self.read(connection, id: id, logger: logger)!
        }
    }

    /// The compare-and-set move with its event, inside the caller's transaction.
    static func move(_ connection: PostgresConnection, id: Int64, from: ApplicationState, to: ApplicationState, actor: String, at: Date, note: String,
                     stageDue: LocalDate?, logger: Logger) async throws {
        let province = try await connection.scalar("""
            UPDATE applications SET state = \(to.rawValue), updated_at = \(AuditChain.microseconds(at)), stage_due = \(stageDue?.description)
            WHERE id = \(id) AND state = \(from.rawValue) RETURNING province_code
            """, as: String.self, logger: logger)
        guard let province else {
            guard let current = try await connection.scalar("SELECT state FROM applications WHERE id = \(id)", as: String.self, logger: logger) else {
                throw ApplicationError.notFound(id)
            }
            throw ApplicationError.stateChanged(expected: from, actual: ApplicationState(rawValue: current) ?? from)
        }
        try await connection.query("""
            INSERT INTO application_events
            SELECT \(province), \(id), COALESCE(MAX(seq), 0) + 1, \(from.rawValue), \(to.rawValue), \(actor), \(AuditChain.microseconds(at)), \(note)
            FROM application_events WHERE application_id = \(id)
            """, logger: logger)
    }

    func application(receiptCode: String) async throws -> ApplicationRecord? {
        try await database.read { connection in
            try await connection.all(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM applications WHERE receipt_code = $1", binds: .single(receiptCode)),
                                     logger: logger) { try Self.decode($0, events: []) }.first
        }
    }

    /// The area and filters as SQL, the queue's index (area, state, stage_due, id) doing the work.
    static func filter(_ query: ApplicationQuery, states: [ApplicationState]) -> (String, PostgresBindings) {
        var binds = PostgresBindings()
        func parameter() -> String { "$\(binds.count)" }
        binds.append(states.map(\.rawValue))
        var conditions = ["state = ANY(\(parameter())::text[])"]
        if let codes = query.provinceCodes { binds.append(codes.sorted()); conditions.append("province_code = ANY(\(parameter())::text[])") }
        if let communes = query.communes { binds.append(communes.map(\.description)); conditions.append("commune = ANY(\(parameter())::text[])") }
        if let site = query.site { binds.append(site); conditions.append("site = \(parameter())") }
        if let day = query.overdueOn { binds.append(day.description); conditions.append("stage_due < \(parameter())") }
        return (conditions.joined(separator: " AND "), binds)
    }

    func queue(_ query: ApplicationQuery) async throws -> Page<ApplicationRecord> {
        guard !query.isEmptyArea else { return Page(items: [], page: query.page, perPage: query.perPage, hasMore: false) }
        let (condition, binds) = Self.filter(query, states: query.effectiveStates)
        let sql = "SELECT \(Self.columns) FROM applications WHERE \(condition) ORDER BY stage_due, id LIMIT \(query.perPage + 1) OFFSET \((query.page - 1) * query.perPage)"
        let rows = try await database.read { connection in
            try await connection.all(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) { try Self.decode($0, events: []) }
        }
        return Page(items: Array(rows.prefix(query.perPage)), page: query.page, perPage: query.perPage, hasMore: rows.count > query.perPage)
    }

    func counts(_ query: ApplicationQuery) async throws -> [ApplicationState: Int] {
        guard !query.isEmptyArea else { return [:] }
        return try await database.read { connection in
            var counts: [ApplicationState: Int] = [:]
            for state in query.effectiveStates {
                let (condition, binds) = Self.filter(query, states: [state])
                let count = try await connection.scalar(PostgresQuery(unsafeSQL: """
                    SELECT count(*) FROM (SELECT 1 FROM applications WHERE \(condition) LIMIT \(ApplicationQuery.countCap + 1)) AS capped
                    """, binds: binds), as: Int64.self, logger: logger) ?? 0
                if count > 0 { counts[state] = Int(count) }
            }
            return counts
        }
    }

    static let biometricColumns = "application_id, province_code, kind, format, width, height, byte_count, sealed, captured_at, captured_by"

    static func biometric(_ row: PostgresRow) throws -> StoredBiometric? {
        try biometric(cells: Array(row))
    }

    static func biometric(cells c: [PostgresCell]) throws -> StoredBiometric? {
        guard let kind = BiometricKind(rawValue: try c[2].decode(String.self)) else { return nil }
        return StoredBiometric(applicationID: try c[0].decode(Int64.self), provinceCode: try c[1].decode(String.self), kind: kind,
                               format: try c[3].decode(String.self), width: try c[4].decode(Int.self), height: try c[5].decode(Int.self),
                               byteCount: try c[6].decode(Int.self), sealed: try c[7].decode(Data.self),
                               capturedAt: Date(microseconds: try c[8].decode(Int64.self)), capturedBy: try c[9].decode(String.self))
    }

    func saveBiometrics(_ list: [StoredBiometric]) async throws {
        guard let applicationID = list.first?.applicationID else { return }
        guard list.allSatisfy({ $0.applicationID == applicationID }) else { throw ApplicationError.badBiometric("biometrics of one application at a time") }
        try await database.write { connection in
            // The row lock keeps a concurrent move from passing between the check and the write.
            guard let state = try await connection.scalar("SELECT state FROM applications WHERE id = \(applicationID) FOR UPDATE", as: String.self, logger: logger) else {
                throw ApplicationError.notFound(applicationID)
            }
            guard state == ApplicationState.received.rawValue else {
                throw ApplicationError.stateChanged(expected: .received, actual: ApplicationState(rawValue: state) ?? .received)
            }
            for b in list {
                try await connection.query("""
                    INSERT INTO application_biometrics (\(unescaped: Self.biometricColumns))
                    VALUES (\(b.applicationID), \(b.provinceCode), \(b.kind.rawValue), \(b.format), \(b.width), \(b.height), \(b.byteCount), \(b.sealed),
                            \(AuditChain.microseconds(b.capturedAt)), \(b.capturedBy))
                    ON CONFLICT (province_code, application_id, kind) DO UPDATE SET format = EXCLUDED.format, width = EXCLUDED.width,
                        height = EXCLUDED.height, byte_count = EXCLUDED.byte_count, sealed = EXCLUDED.sealed, captured_at = EXCLUDED.captured_at,
                        captured_by = EXCLUDED.captured_by
                    """, logger: logger)
            }
        }
    }

    func biometrics(applicationID: Int64) async throws -> [StoredBiometric] {
        try await database.read { connection in
            try await connection.all("SELECT \(unescaped: Self.biometricColumns) FROM application_biometrics WHERE application_id = \(applicationID) ORDER BY kind",
                                     logger: logger) { try Self.biometric($0) }.compactMap { $0 }
        }
    }

    func biometric(applicationID: Int64, kind: BiometricKind) async throws -> StoredBiometric? {
        try await database.read { connection in
            try await connection.all("""
                SELECT \(unescaped: Self.biometricColumns) FROM application_biometrics WHERE application_id = \(applicationID) AND kind = \(kind.rawValue)
                """, logger: logger) { try Self.biometric($0) }.compactMap { $0 }.first
        }
    }

    func sealedBiometrics(afterApplication after: Int64, limit: Int) async throws -> [StoredBiometric] {
        try await database.read { connection in
            try await connection.all("""
                SELECT \(unescaped: Self.biometricColumns) FROM application_biometrics WHERE application_id IN
                (SELECT DISTINCT application_id FROM application_biometrics WHERE application_id > \(after) ORDER BY application_id LIMIT \(limit))
                ORDER BY application_id, kind
                """, logger: logger) { try Self.biometric($0) }.compactMap { $0 }
        }
    }

    func replaceSealedBiometric(applicationID: Int64, kind: BiometricKind, sealed: Data) async throws {
        try await database.write { connection in
            _ = try await connection.query("UPDATE application_biometrics SET sealed = \(sealed) WHERE application_id = \(applicationID) AND kind = \(kind.rawValue)",
                                           logger: logger)
        }
    }
}
