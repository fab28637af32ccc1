import CanCuocCore
import CanCuocStore
import Foundation
import PostgresNIO

/// The resident register on PostgreSQL. Writers lock the row they change (`FOR UPDATE`), so the
/// version check and the new version are one step even with several servers writing.
struct PostgresResidentStore: ResidentStore {
    let database: PostgresDatabase
    var logger: Logger { database.logger }

    func create(_ resident: Resident, context: ChangeContext) async throws -> CreatedResident {
        try await database.write { connection in
            var record = resident
            var warning: PINBucketWarning?
            if let pin = record.pin {
                try await PostgresPINAllocator.recordIssued([pin], on: connection, logger: logger)
            } else {
                let allocation = try await PostgresPINAllocator.allocate(PINBucket.forNewRecord(record), on: connection, logger: logger)
                record.pin = allocation.pin
                warning = allocation.warning
            }
            let version = RecordVersion(number: 1, recordedAt: PostgresTime.stored(context.at), recordedBy: context.actor, reason: context.reason)
            let values = ResidentColumns.values(record, id: nil, version: version)
            let sql = PostgresResidentRow.insertWithoutIDSQL + " RETURNING id"
            record.id = try await connection.scalar(PostgresQuery(unsafeSQL: sql, binds: PostgresResidentRow.bindings(values.dropFirst())), as: Int64.self, logger: logger) ?? 0
            return CreatedResident(record: VersionedResident(resident: record, version: version), bucketWarning: warning)
        }
    }

    func correct(_ updated: Resident, expectedVersion: Int, context: ChangeContext) async throws -> VersionedResident {
        try await database.write { connection in
            let current = try await current(id: updated.id, expectedVersion: expectedVersion, on: connection)
            if updated.pin != current.resident.pin {
                throw StoreError.invalid([FieldProblem(field: "pin", code: "pin_immutable", message: "a PIN changes only by re-establishment")])
            }
            return try await replace(current, with: updated, context: context, on: connection)
        }
    }

    func reestablishPIN(id: ResidentID, sex: Sex, birthDate: PartialDate, birthRegistrationProvince: String, expectedVersion: Int, context: ChangeContext) async throws -> VersionedResident {
        try await database.write { connection in
            let current = try await current(id: id, expectedVersion: expectedVersion, on: connection)
            var updated = current.resident
            updated.sex = sex
            updated.birthDate = birthDate
            let bucket = PINBucket(provinceCode: birthRegistrationProvince, sex: sex, birthYear: birthDate.year)
            let allocation = try await PostgresPINAllocator.allocate(bucket, on: connection, logger: logger)
            updated.pin = allocation.pin
            try await connection.query("""
                INSERT INTO pin_links(old_pin, new_pin, resident_id, linked_at, reason)
                VALUES (\(current.resident.pin?.digits), \(allocation.pin.digits), \(id), \(PostgresTime.stored(context.at)), \(context.reason))
                """, logger: logger)
            return try await replace(current, with: updated, context: context, on: connection)
        }
    }

    func delete(id: ResidentID, context: ChangeContext) async throws {
        try await database.write { connection in
            guard let current = try await fetch(id: id, lock: true, on: connection) else { throw StoreError.notFound }
            let r = current.resident
            try await archive(current, on: connection)
            try await connection.query("""
                INSERT INTO resident_deletions(resident_id, province_code, deleted_at, deleted_by, reason)
                VALUES (\(id), \(r.provinceCode), \(PostgresTime.stored(context.at)), \(context.actor), \(context.reason))
                """, logger: logger)
            if let household = r.householdId {
                try await connection.query("UPDATE households SET head_id = NULL WHERE id = \(household) AND province_code = \(r.provinceCode) AND head_id = \(id)", logger: logger)
            }
            try await connection.query("DELETE FROM residents WHERE id = \(id) AND province_code = \(r.provinceCode)", logger: logger)
        }
    }

    func resident(id: ResidentID) async throws -> VersionedResident? {
        try await database.rows(ResidentByID(key: id), limit: 1).first
    }

    func resident(pin: PIN) async throws -> VersionedResident? {
        try await database.rows(ResidentByPIN(key: pin.digits), limit: 1).first
    }

    func history(id: ResidentID) async throws -> [VersionedResident] {
        try await database.read { connection in
            var versions: [VersionedResident] = []
            if let current = try await fetch(id: id, lock: false, on: connection) { versions.append(current) }
            versions += try await connection.all("""
                SELECT snapshot::text, version, recorded_at, recorded_by, reason FROM resident_versions
                WHERE resident_id = \(id) ORDER BY version DESC
                """, logger: logger, Self.decodeVersion)
            return versions
        }
    }

    func resident(id: ResidentID, asOf at: Date) async throws -> VersionedResident? {
        try await database.read { connection in
            if let deletedAt = try await connection.scalar("SELECT deleted_at FROM resident_deletions WHERE resident_id = \(id)", as: Date.self, logger: logger),
               deletedAt <= at {
                return nil
            }
            if let current = try await fetch(id: id, lock: false, on: connection), current.version.recordedAt <= at {
                return current
            }
            return try await connection.all("""
                SELECT snapshot::text, version, recorded_at, recorded_by, reason FROM resident_versions
                WHERE resident_id = \(id) AND recorded_at <= \(at) ORDER BY version DESC LIMIT 1
                """, logger: logger, Self.decodeVersion).first
        }
    }

    func currentPIN(for cancelled: PIN) async throws -> PIN? {
        try await database.read { connection in
            var pin = cancelled.digits
            var seen: Set<String> = [pin]
            while let next = try await connection.scalar("SELECT new_pin FROM pin_links WHERE old_pin = \(pin)", as: String.self, logger: logger),
                  seen.insert(next).inserted {
                pin = next
            }
            return pin == cancelled.digits ? nil : try PIN(pin, bornAbroad: true)
        }
    }

    func search(_ query: ResidentQuery) async throws -> Page<VersionedResident> {
        if query.communes?.isEmpty == true || query.provinceCodes?.isEmpty == true {
            return Page(items: [], page: query.page, perPage: query.perPage, hasMore: false)
        }
        // The two hot single-key searches go through prepared statements.
        if query.page == 1, query.nameWords.isEmpty, query.birthDate == nil, query.communes == nil, query.provinceCodes == nil {
            if let pin = query.pin, query.oldIdNumber == nil {
                let found = try await database.rows(ResidentByPIN(key: pin.digits), limit: 1)
                return Page(items: found, page: 1, perPage: query.perPage, hasMore: false)
            }
            if let old = query.oldIdNumber, query.pin == nil {
                let found = try await database.rows(ResidentsByOldID(key: old), limit: query.perPage + 1)
                return Page(items: Array(found.prefix(query.perPage)), page: 1, perPage: query.perPage, hasMore: found.count > query.perPage)
            }
        }
        let (whereClause, bound) = Self.filter(query)
        let sql = "SELECT \(PostgresResidentRow.selectList) FROM residents r \(whereClause) ORDER BY r.id LIMIT \(query.perPage + 1) OFFSET \((query.page - 1) * query.perPage)"
        let rows = try await database.read { connection in
            try await connection.all(PostgresQuery(unsafeSQL: sql, binds: bound), logger: logger, PostgresResidentRow.decode)
        }
        return Page(items: Array(rows.prefix(query.perPage)), page: query.page, perPage: query.perPage, hasMore: rows.count > query.perPage)
    }

    /// The WHERE of a query's criteria and its parameters, shared by search and count.
    static func filter(_ query: ResidentQuery) -> (String, PostgresBindings) {
        var conditions: [String] = []
        var binds = PostgresBindings()
        func parameter() -> String { "$\(binds.count)" }
        if let pin = query.pin { binds.append(pin.digits); conditions.append("r.pin = \(parameter())") }
        if let old = query.oldIdNumber { binds.append(old); conditions.append("r.old_id = \(parameter())") }
        if let provinces = query.provinceCodes { binds.append(provinces.sorted()); conditions.append("r.province_code = ANY(\(parameter())::text[])") }
        if let groups = SearchTerms.groups(for: query) {
            // Groups of one word must all be present (@>); a group of several needs any one (&&).
            let required = groups.filter { $0.count == 1 }.map { $0[0] }
            if !required.isEmpty { binds.append(required); conditions.append("r.search_terms @> \(parameter())::text[]") }
            for group in groups where group.count > 1 {
                binds.append(group)
                conditions.append("r.search_terms && \(parameter())::text[]")
            }
        }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), binds)
    }

    func count(_ query: ResidentQuery) async throws -> Int {
        if query.communes?.isEmpty == true || query.provinceCodes?.isEmpty == true { return 0 }
        let (whereClause, bound) = Self.filter(query)
        return try await database.read { connection in
            Int(try await connection.scalar(PostgresQuery(unsafeSQL: "SELECT count(*) FROM residents r \(whereClause)", binds: bound), as: Int64.self, logger: logger) ?? 0)
        }
    }

    func count() async throws -> Int {
        try await database.read { connection in
            Int(try await connection.scalar("SELECT count(*) FROM residents", as: Int64.self, logger: logger) ?? 0)
        }
    }

    // MARK: Steps inside a transaction

    func fetch(id: ResidentID, lock: Bool, on connection: PostgresConnection) async throws -> VersionedResident? {
        let sql = "SELECT \(PostgresResidentRow.selectList) FROM residents r WHERE r.id = $1" + (lock ? " FOR UPDATE" : "")
        return try await connection.all(PostgresQuery(unsafeSQL: sql, binds: .single(id)), logger: logger, PostgresResidentRow.decode).first
    }

    func current(id: ResidentID, expectedVersion: Int, on connection: PostgresConnection) async throws -> VersionedResident {
        guard let current = try await fetch(id: id, lock: true, on: connection) else { throw StoreError.notFound }
        guard current.version.number == expectedVersion else {
            throw StoreError.versionConflict(expected: expectedVersion, actual: current.version.number)
        }
        return current
    }

    func archive(_ current: VersionedResident, on connection: PostgresConnection) async throws {
        let r = current.resident
        let snapshot = try RecordJSON.encode(r)
        try await connection.query("""
            INSERT INTO resident_versions(resident_id, version, province_code, recorded_at, recorded_by, reason, snapshot)
            VALUES (\(r.id), \(Int64(current.version.number)), \(r.provinceCode), \(current.version.recordedAt),
                    \(current.version.recordedBy), \(current.version.reason), \(snapshot)::jsonb)
            """, logger: logger)
    }

    func replace(_ current: VersionedResident, with updated: Resident, context: ChangeContext, on connection: PostgresConnection) async throws -> VersionedResident {
        try await archive(current, on: connection)
        var record = updated
        record.id = current.resident.id
        // A version's time never goes backwards, so as-of reads stay well ordered.
        let at = max(PostgresTime.stored(context.at), current.version.recordedAt)
        let version = RecordVersion(number: current.version.number + 1, recordedAt: at, recordedBy: context.actor, reason: context.reason)
        let values = ResidentColumns.values(record, id: record.id, version: version)
        try await connection.query(PostgresQuery(unsafeSQL: PostgresResidentRow.updateSQL, binds: PostgresResidentRow.bindings(values[...])), logger: logger)
        return VersionedResident(resident: record, version: version)
    }

    static func decodeVersion(_ row: PostgresRow) throws -> VersionedResident {
        let (snapshot, number, recordedAt, recordedBy, reason) = try row.decode((String, Int64, Date, String, String).self)
        let resident = try RecordJSON.decode(Resident.self, from: snapshot)
        return VersionedResident(resident: resident, version: RecordVersion(number: Int(number), recordedAt: recordedAt, recordedBy: recordedBy, reason: reason))
    }
}
