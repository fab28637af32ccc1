import CanCuocCore
import CanCuocStore
import Foundation
import GRDB

struct SQLiteResidentStore: ResidentStore {
    let writer: any DatabaseWriter
    /// Look-ups by PIN read here.
    let pointReader: SQLitePointReader
    let clock: @Sendable () -> Date

    func create(_ resident: Resident, context: ChangeContext) async throws -> CreatedResident {
        try await writer.write { db in
            var record = resident
            var warning: PINBucketWarning?
            if let pin = record.pin {
                try SQLitePINAllocator.recordIssued([pin], in: db)
            } else {
                let allocation = try SQLitePINAllocator.allocate(PINBucket.forNewRecord(record), in: db)
                record.pin = allocation.pin
                warning = allocation.warning
            }
            let version = RecordVersion(number: 1, recordedAt: context.at, recordedBy: context.actor, reason: context.reason)
            try Self.mapConstraint { try db.execute(sql: ResidentRow.insertSQL, arguments: ResidentRow.arguments(record, id: nil, version: version)) }
            record.id = db.lastInsertedRowID
            return CreatedResident(record: VersionedResident(resident: record, version: version), bucketWarning: warning)
        }
    }

    func correct(_ updated: Resident, expectedVersion: Int, context: ChangeContext) async throws -> VersionedResident {
        try await writer.write { db in
            let current = try Self.current(id: updated.id, in: db, expectedVersion: expectedVersion)
            if updated.pin != current.resident.pin {
                throw StoreError.invalid([FieldProblem(field: "pin", code: "pin_immutable", message: "a PIN changes only by re-establishment")])
            }
            return try Self.replace(current, with: updated, context: context, in: db)
        }
    }

    func reestablishPIN(id: ResidentID, sex: Sex, birthDate: PartialDate, birthRegistrationProvince: String, expectedVersion: Int, context: ChangeContext) async throws -> VersionedResident {
        try await writer.write { db in
            let current = try Self.current(id: id, in: db, expectedVersion: expectedVersion)
            var updated = current.resident
            updated.sex = sex
            updated.birthDate = birthDate
            let bucket = PINBucket(provinceCode: birthRegistrationProvince, sex: sex, birthYear: birthDate.year)
            let allocation = try SQLitePINAllocator.allocate(bucket, in: db)
            updated.pin = allocation.pin
            try db.execute(sql: "INSERT INTO pin_links(old_pin, new_pin, resident_id, linked_at, reason) VALUES (?, ?, ?, ?, ?)",
                           arguments: [current.resident.pin?.digits, allocation.pin.digits, id, context.at.timeIntervalSince1970, context.reason])
            return try Self.replace(current, with: updated, context: context, in: db)
        }
    }

    func delete(id: ResidentID, context: ChangeContext) async throws {
        try await writer.write { db in
            guard let current = try Self.fetch(id: id, in: db) else { throw StoreError.notFound }
            try Self.archive(current, in: db)
            try db.execute(sql: "INSERT INTO resident_deletions(resident_id, deleted_at, deleted_by, reason) VALUES (?, ?, ?, ?)",
                           arguments: [id, context.at.timeIntervalSince1970, context.actor, context.reason])
            try db.execute(sql: "UPDATE households SET head_id = NULL WHERE head_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM residents WHERE id = ?", arguments: [id])
        }
    }

    func resident(id: ResidentID) async throws -> VersionedResident? {
        try await writer.read { db in try Self.fetch(id: id, in: db) }
    }

    func resident(pin: PIN) async throws -> VersionedResident? {
        try pointReader.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(ResidentRow.selectList) FROM residents WHERE pin = ?"), arguments: [pin.digits])
                .map(ResidentRow.decode)
        }
    }

    func history(id: ResidentID) async throws -> [VersionedResident] {
        try await writer.read { db in
            var versions: [VersionedResident] = []
            if let current = try Self.fetch(id: id, in: db) { versions.append(current) }
            let rows = try Row.fetchAll(db, sql: "SELECT snapshot, version, recorded_at, recorded_by, reason FROM resident_versions WHERE resident_id = ? ORDER BY version DESC", arguments: [id])
            for row in rows { versions.append(try Self.decodeVersion(row)) }
            return versions
        }
    }

    func resident(id: ResidentID, asOf at: Date) async throws -> VersionedResident? {
        try await writer.read { db in
            let moment = at.timeIntervalSince1970
            if let deletedAt = try Double.fetchOne(db, sql: "SELECT deleted_at FROM resident_deletions WHERE resident_id = ?", arguments: [id]), deletedAt <= moment {
                return nil
            }
            if let current = try Self.fetch(id: id, in: db), current.version.recordedAt.timeIntervalSince1970 <= moment {
                return current
            }
            let row = try Row.fetchOne(db, sql: """
                SELECT snapshot, version, recorded_at, recorded_by, reason FROM resident_versions
                WHERE resident_id = ? AND recorded_at <= ? ORDER BY version DESC LIMIT 1
                """, arguments: [id, moment])
            return try row.map(Self.decodeVersion)
        }
    }

    func currentPIN(for cancelled: PIN) async throws -> PIN? {
        try await writer.read { db in
            var pin = cancelled.digits
            var seen: Set<String> = [pin]
            while let next = try String.fetchOne(db, sql: "SELECT new_pin FROM pin_links WHERE old_pin = ?", arguments: [pin]), seen.insert(next).inserted {
                pin = next
            }
            return pin == cancelled.digits ? nil : try PIN(pin, bornAbroad: true)
        }
    }

    /// The FROM and WHERE of a query's criteria, shared by search and count.
    struct Filter {
        var from = "residents r"
        var order = "r.id"
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []

        init(_ query: ResidentQuery) {
            if let pin = query.pin { conditions.append("r.pin = ?"); arguments.append(pin.digits) }
            if let old = query.oldIdNumber { conditions.append("r.old_id = ?"); arguments.append(old) }
            if let provinces = query.provinceCodes {
                conditions.append("r.province_code IN (" + provinces.map { _ in "?" }.joined(separator: ",") + ")")
                arguments.append(contentsOf: provinces.sorted().map { $0 as (any DatabaseValueConvertible)? })
            }
            if let groups = SearchTerms.groups(for: query) {
                // The full-text index yields matches in id order, so LIMIT stops the scan early.
                from = "resident_terms t JOIN residents r ON r.id = t.rowid"
                order = "t.rowid"
                conditions.append("resident_terms MATCH ?")
                arguments.append(groups.map { group in
                    group.count == 1 ? "\"\(group[0])\"" : "(" + group.map { "\"\($0)\"" }.joined(separator: " OR ") + ")"
                }.joined(separator: " AND "))
            }
        }

        var whereClause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }
    }

    func search(_ query: ResidentQuery) async throws -> Page<VersionedResident> {
        if query.communes?.isEmpty == true || query.provinceCodes?.isEmpty == true {
            return Page(items: [], page: query.page, perPage: query.perPage, hasMore: false)
        }
        return try await writer.read { db in
            let filter = Filter(query)
            let arguments = filter.arguments + [query.perPage + 1, (query.page - 1) * query.perPage]
            let columns = ResidentRow.columns.map { "r." + $0 }.joined(separator: ", ")
            let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT \(columns) FROM \(filter.from) \(filter.whereClause) ORDER BY \(filter.order) LIMIT ? OFFSET ?"),
                                        arguments: StatementArguments(arguments))
            let items = try rows.prefix(query.perPage).map(ResidentRow.decode)
            return Page(items: items, page: query.page, perPage: query.perPage, hasMore: rows.count > query.perPage)
        }
    }

    func count(_ query: ResidentQuery) async throws -> Int {
        if query.communes?.isEmpty == true || query.provinceCodes?.isEmpty == true { return 0 }
        return try await writer.read { db in
            let filter = Filter(query)
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM \(filter.from) \(filter.whereClause)", arguments: StatementArguments(filter.arguments)) ?? 0
        }
    }

    func count() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM residents") ?? 0 }
    }

    // MARK: Helpers running inside a transaction

    static func fetch(id: ResidentID, in db: Database) throws -> VersionedResident? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(ResidentRow.selectList) FROM residents WHERE id = ?"), arguments: [id])
            .map(ResidentRow.decode)
    }

    static func current(id: ResidentID, in db: Database, expectedVersion: Int) throws -> VersionedResident {
        guard let current = try fetch(id: id, in: db) else { throw StoreError.notFound }
        guard current.version.number == expectedVersion else {
            throw StoreError.versionConflict(expected: expectedVersion, actual: current.version.number)
        }
        return current
    }

    static func archive(_ current: VersionedResident, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO resident_versions(resident_id, version, province_code, recorded_at, recorded_by, reason, snapshot)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [current.resident.id, current.version.number, current.resident.provinceCode,
                             current.version.recordedAt.timeIntervalSince1970, current.version.recordedBy,
                             current.version.reason, try RecordJSON.encode(current.resident)])
    }

    static func replace(_ current: VersionedResident, with updated: Resident, context: ChangeContext, in db: Database) throws -> VersionedResident {
        try archive(current, in: db)
        var record = updated
        record.id = current.resident.id
        // A version's time never goes backwards, so as-of reads stay well ordered.
        let at = max(context.at, current.version.recordedAt)
        let version = RecordVersion(number: current.version.number + 1, recordedAt: at, recordedBy: context.actor, reason: context.reason)
        var values = ResidentRow.values(record, id: record.id, version: version)
        values.removeFirst()
        values.append(record.id.databaseValue)
        try mapConstraint { try db.execute(sql: ResidentRow.updateSQL, arguments: StatementArguments(values)) }
        return VersionedResident(resident: record, version: version)
    }

    static func decodeVersion(_ row: Row) throws -> VersionedResident {
        let resident = try RecordJSON.decode(Resident.self, from: row["snapshot"])
        let version = RecordVersion(number: row["version"], recordedAt: Date(timeIntervalSince1970: row["recorded_at"]),
                                    recordedBy: row["recorded_by"], reason: row["reason"])
        return VersionedResident(resident: resident, version: version)
    }

    /// Turns unique-index violations into the store's own errors.
    static func mapConstraint<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            let message = error.message ?? ""
            if message.contains("old_id") { throw StoreError.duplicateOldID }
            if message.contains("pin") { throw StoreError.duplicatePIN("") }
            throw error
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            throw StoreError.invalid([FieldProblem(field: "household_id", code: "unknown_household", message: "the household does not exist")])
        }
    }
}
