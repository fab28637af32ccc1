import CanCuocCore
import CanCuocStore
import Foundation
import PostgresNIO

/// Mobile sessions on PostgreSQL.
struct PostgresSessionStore: SessionStore {
    let database: PostgresDatabase
    var logger: Logger { database.logger }

    static let columns = "id, province_code, place, place_name, commune, starts_on, ends_on, shifts, machines, officers, state, created_by, created_at, updated_at"

    static func session(_ row: PostgresRow) throws -> MobileSession {
        let c = Array(row)
        return MobileSession(
            id: try c[0].decode(Int64.self), provinceCode: try c[1].decode(String.self),
            place: try .stored(try c[2].decode(String.self), column: "mobile_sessions.place"), placeName: try c[3].decode(String.self),
            commune: try .stored(try c[4].decode(String.self), column: "mobile_sessions.commune"),
            startsOn: try LocalDate(iso: try c[5].decode(String.self)), endsOn: try LocalDate(iso: try c[6].decode(String.self)),
            shifts: try c[7].decode(Int.self), machines: try c[8].decode(Int.self),
            officers: try c[9].decode(String.self).split(separator: ",").map(String.init),
            state: try .stored(try c[10].decode(String.self), column: "mobile_sessions.state"), createdBy: try c[11].decode(String.self),
            createdAt: Date(microseconds: try c[12].decode(Int64.self)), updatedAt: Date(microseconds: try c[13].decode(Int64.self)))
    }

    static func read(_ connection: PostgresConnection, id: Int64, logger: Logger) async throws -> MobileSession? {
        try await connection.all(PostgresQuery(unsafeSQL: "SELECT \(columns) FROM mobile_sessions WHERE id = $1", binds: .single(id)), logger: logger, session).first
    }

    func create(_ s: MobileSession) async throws -> MobileSession {
        try await database.write { connection in
            let id = try await connection.scalar("""
                INSERT INTO mobile_sessions (province_code, place, place_name, commune, starts_on, ends_on, shifts, machines, officers, state, created_by, created_at, updated_at)
                VALUES (\(s.provinceCode), \(s.place.rawValue), \(s.placeName), \(s.commune.description), \(s.startsOn.description), \(s.endsOn.description),
                        \(s.shifts), \(s.machines), \(s.officers.joined(separator: ",")), \(s.state.rawValue), \(s.createdBy),
                        \(AuditChain.microseconds(s.createdAt)), \(AuditChain.microseconds(s.updatedAt)))
                RETURNING id
                """, as: Int64.self, logger: logger) ?? 0
            var saved = s
            saved.id = id
            return saved
        }
    }

    func session(id: Int64) async throws -> MobileSession? {
        try await database.read { connection in try await Self.read(connection, id: id, logger: logger) }
    }

    func sessions(provinceCodes: Set<String>, limit: Int) async throws -> [MobileSession] {
        try await database.read { connection in
            var binds = PostgresBindings()
            binds.append(provinceCodes.sorted())
            binds.append(limit)
            return try await connection.all(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM mobile_sessions WHERE province_code = ANY($1::text[]) ORDER BY starts_on DESC, id DESC LIMIT $2",
                                                          binds: binds), logger: logger, Self.session)
        }
    }

    func setState(id: Int64, from: MobileSession.State, to: MobileSession.State, at: Date) async throws -> MobileSession {
        try await database.write { connection in
            let changed = try await connection.scalar("""
                UPDATE mobile_sessions SET state = \(to.rawValue), updated_at = \(AuditChain.microseconds(at)) WHERE id = \(id) AND state = \(from.rawValue) RETURNING id
                """, as: Int64.self, logger: logger)
            guard let session = try await Self.read(connection, id: id, logger: logger) else { throw SessionError.notFound(id) }
            guard changed != nil else { throw SessionError.wrongState(expected: from, actual: session.state) }
            return session
        }
    }

    func invite(sessionID: Int64, provinceCode: String, residents: [ResidentID]) async throws -> Int {
        guard !residents.isEmpty else { return 0 }
        return try await database.write { connection in
            let added = try await connection.all("""
                INSERT INTO session_invitees (province_code, session_id, resident_id)
                SELECT \(provinceCode), \(sessionID), r.id FROM residents r WHERE r.id = ANY(\(residents))
                ON CONFLICT DO NOTHING RETURNING resident_id
                """, logger: logger) { try $0.decode(Int64.self) }
            return added.count
        }
    }

    func invitees(sessionID: Int64) async throws -> [ResidentID] {
        try await database.read { connection in
            try await connection.all("SELECT resident_id FROM session_invitees WHERE session_id = \(sessionID) ORDER BY resident_id", logger: logger) { try $0.decode(Int64.self) }
        }
    }

    func throughput(sessionID: Int64) async throws -> [LocalDate: Int] {
        try await database.read { connection in
            let rows = try await connection.all("SELECT application_date, count(*) FROM applications WHERE site = \("session:\(sessionID)") GROUP BY application_date",
                                                logger: logger) { try $0.decode((String, Int64).self) }
            var days: [LocalDate: Int] = [:]
            for (day, count) in rows { days[try LocalDate(iso: day)] = Int(count) }
            return days
        }
    }
}
