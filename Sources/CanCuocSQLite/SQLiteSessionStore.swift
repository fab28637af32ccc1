import CanCuocCore
import CanCuocStore
import Foundation
import GRDB

/// Mobile sessions in the SQLite file.
struct SQLiteSessionStore: SessionStore {
    let writer: any DatabaseWriter

    static let columns = "id, province_code, place, place_name, commune, starts_on, ends_on, shifts, machines, officers, state, created_by, created_at, updated_at"

    static func session(_ row: Row) throws -> MobileSession {
        let officers: String = row[9]
        return MobileSession(
            id: row[0], provinceCode: row[1], place: try .stored(row[2], column: "mobile_sessions.place"), placeName: row[3],
            commune: try .stored(row[4], column: "mobile_sessions.commune"), startsOn: try LocalDate(iso: row[5]), endsOn: try LocalDate(iso: row[6]),
            shifts: row[7], machines: row[8], officers: officers.split(separator: ",").map(String.init),
            state: try .stored(row[10], column: "mobile_sessions.state"), createdBy: row[11], createdAt: Date(microseconds: row[12]), updatedAt: Date(microseconds: row[13]))
    }

    func create(_ s: MobileSession) async throws -> MobileSession {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO mobile_sessions (province_code, place, place_name, commune, starts_on, ends_on, shifts, machines, officers, state, created_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [s.provinceCode, s.place.rawValue, s.placeName, s.commune.description, s.startsOn.description, s.endsOn.description,
                                 s.shifts, s.machines, s.officers.joined(separator: ","), s.state.rawValue, s.createdBy,
                                 AuditChain.microseconds(s.createdAt), AuditChain.microseconds(s.updatedAt)])
            var saved = s
            saved.id = db.lastInsertedRowID
            return saved
        }
    }

    func session(id: Int64) async throws -> MobileSession? {
        try await writer.read { db in try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM mobile_sessions WHERE id = ?", arguments: [id]).map(Self.session) }
    }

    func sessions(provinceCodes: Set<String>, limit: Int) async throws -> [MobileSession] {
        let codes = provinceCodes.sorted()
        return try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM mobile_sessions WHERE province_code IN (\(databaseQuestionMarks(count: codes.count))) ORDER BY starts_on DESC, id DESC LIMIT ?",
                             arguments: StatementArguments(codes) + [limit]).map(Self.session)
        }
    }

    func setState(id: Int64, from: MobileSession.State, to: MobileSession.State, at: Date) async throws -> MobileSession {
        try await writer.write { db in
            try db.execute(sql: "UPDATE mobile_sessions SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
                           arguments: [to.rawValue, AuditChain.microseconds(at), id, from.rawValue])
            guard let session = try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM mobile_sessions WHERE id = ?", arguments: [id]).map(Self.session) else {
                throw SessionError.notFound(id)
            }
            guard db.changesCount == 1 else { throw SessionError.wrongState(expected: from, actual: session.state) }
            return session
        }
    }

    func invite(sessionID: Int64, provinceCode: String, residents: [ResidentID]) async throws -> Int {
        try await writer.write { db in
            let statement = try db.makeStatement(sql: "INSERT OR IGNORE INTO session_invitees (session_id, resident_id, province_code) SELECT ?, id, ? FROM residents WHERE id = ?")
            var added = 0
            for resident in residents {
                try statement.execute(arguments: [sessionID, provinceCode, resident])
                added += db.changesCount
            }
            return added
        }
    }

    func invitees(sessionID: Int64) async throws -> [ResidentID] {
        try await writer.read { db in try ResidentID.fetchAll(db, sql: "SELECT resident_id FROM session_invitees WHERE session_id = ? ORDER BY resident_id", arguments: [sessionID]) }
    }

    func throughput(sessionID: Int64) async throws -> [LocalDate: Int] {
        try await writer.read { db in
            var days: [LocalDate: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT application_date, COUNT(*) FROM applications WHERE site = ? GROUP BY application_date",
                                        arguments: ["session:\(sessionID)"]) {
                days[try LocalDate(iso: row[0])] = row[1]
            }
            return days
        }
    }
}
