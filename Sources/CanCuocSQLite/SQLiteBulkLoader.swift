import CanCuocCore
import CanCuocStore
import Foundation
import GRDB

/// Seed and import: many rows in one transaction, prepared statements reused.
struct SQLiteBulkLoader: BulkLoader {
    let writer: any DatabaseWriter

    func load(_ batch: BulkBatch, context: ChangeContext) async throws -> Int {
        try await load(prepare(batch), context: context)
    }

    /// Rows encoded ahead; ids, households, allocated PINs and the version are filled in at write time.
    struct EncodedRows: Sendable {
        let rows: [EncodedResident]
    }

    func prepare(_ batch: BulkBatch) throws -> PreparedBatch {
        PreparedBatch(batch: batch, payload: EncodedRows(rows: batch.residents.map { EncodedResident($0.resident) }))
    }

    func load(_ prepared: PreparedBatch, context: ChangeContext) async throws -> Int {
        guard let encoded = prepared.payload as? EncodedRows else { return try await load(prepared.batch, context: context) }
        let batch = prepared.batch
        return try await writer.write { db in
            // This transaction is the only writer: ids are numbered here, so each household row is
            // written once, with its head, and no row needs a second statement.
            let firstHousehold = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM households") ?? 0) + 1
            let firstResident = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM residents") ?? 0) + 1
            var heads = [ResidentID?](repeating: nil, count: batch.households.count)
            for (position, entry) in batch.residents.enumerated() where entry.resident.relationToHead == .head {
                if let index = entry.householdIndex, heads[index] == nil { heads[index] = firstResident + Int64(position) }
            }
            let insertHousehold = try SQLiteBulkInsert(db, sql: "INSERT INTO households(id, province_code, address_unit, address_street, head_id) VALUES (?, ?, ?, ?, ?)")
            for (index, household) in batch.households.enumerated() {
                try insertHousehold.insert([(firstHousehold + Int64(index)).databaseValue, household.provinceCode.databaseValue,
                                            household.address.unit.description.databaseValue, household.address.street.databaseValue,
                                            heads[index]?.databaseValue ?? .null])
            }
            try SQLitePINAllocator.recordIssued(batch.residents.compactMap(\.resident.pin), in: db)
            let version = RecordVersion(number: 1, recordedAt: context.at, recordedBy: context.actor, reason: context.reason)
            let insert = try SQLiteBulkInsert(db, sql: ResidentRow.insertSQL)
            for (position, (resident, index)) in batch.residents.enumerated() {
                var row = encoded.rows[position]
                row.assign(id: firstResident + Int64(position))
                row.stamp(version)
                if resident.pin == nil {
                    row.assign(pin: try SQLitePINAllocator.allocate(PINBucket.forNewRecord(resident), in: db).pin)
                }
                if let index { row.householdId = firstHousehold + Int64(index) }
                try SQLiteResidentStore.mapConstraint { try insert.insert(row.columns) }
            }
            return batch.residents.count
        }
    }

    func loadStreaming(context: ChangeContext, _ produce: @escaping @Sendable (inout any BulkSink) throws -> Void) async throws -> Int {
        try await writer.write { db in
            // A large load's pages stay in memory until the commit rather than spilling into the log as it goes.
            try db.execute(sql: "PRAGMA cache_size = -\(SQLiteRegister.bulkPageCacheKiB)")
            defer { try? db.execute(sql: "PRAGMA cache_size = -\(SQLiteRegister.pageCacheKiB)") }
            let concrete = try SQLiteBulkSink(db: db, context: context)
            var sink: any BulkSink = concrete
            try produce(&sink)
            guard let done = sink as? SQLiteBulkSink else { return 0 }
            try done.finish()
            return done.residents
        }
    }

    /// The page cache while the indexes are built: 64 MB. With 1 GB, seeding 1,000,000 residents took 2–5 s
    /// longer in each of three paired runs (41.0/36.2, 37.7/34.2, 33.9/32.0 s); the sorter's runs stay in
    /// memory either way (`temp_store`).
    static let indexBuildCacheKiB = 65_536

    func fastLoad<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        let empty = try await writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM residents LIMIT 1)") == 0 }
        guard empty else { return try await body() }
        try await writer.write { db in try SQLiteIndexes.drop(in: db) }
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        // Build the indexes once, sorting in memory rather than in temporary files.
        try await writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -\(Self.indexBuildCacheKiB); PRAGMA threads = 2")
            defer { try? db.execute(sql: "PRAGMA temp_store = DEFAULT; PRAGMA cache_size = -\(SQLiteRegister.pageCacheKiB); PRAGMA threads = 0") }
            try db.inTransaction {
                try SQLiteIndexes.restore(in: db)
                return .commit
            }
        }
        return try result.get()
    }

    func existingPINs(among pins: [PIN]) async throws -> Set<PIN> {
        try await writer.read { db in
            var found: Set<PIN> = []
            let statement = try db.cachedStatement(sql: "SELECT 1 FROM issued_pins WHERE pin = ?")
            for pin in pins where try Int.fetchOne(statement, arguments: [pin.digits]) != nil { found.insert(pin) }
            return found
        }
    }

    func existingOldIDs(among ids: [String]) async throws -> Set<String> {
        try await writer.read { db in
            var found: Set<String> = []
            let statement = try db.cachedStatement(sql: "SELECT 1 FROM residents WHERE old_id = ?")
            for id in ids where try Int.fetchOne(statement, arguments: [id]) != nil { found.insert(id) }
            return found
        }
    }

    func forEachResident(pageSize: Int, _ body: ([Resident]) throws -> Void) async throws {
        var after: ResidentID = 0
        while true {
            let start = after
            let page = try await writer.read { db in
                try Row.fetchAll(db, sql: "SELECT \(ResidentRow.selectList) FROM residents WHERE id > ? ORDER BY id LIMIT ?", arguments: [start, pageSize])
                    .map { try ResidentRow.decode($0).resident }
            }
            guard let last = page.last else { return }
            try body(page)
            after = last.id
        }
    }
}
