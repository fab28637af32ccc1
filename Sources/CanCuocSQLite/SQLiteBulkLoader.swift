import CanCuocCore
import CanCuocStore
import Foundation
import GRDB

/// Seed and import: many rows in one transaction, prepared statements reused.
struct SQLiteBulkLoader: BulkLoader {
    let writer: any DatabaseWriter

    func load(_ batch: BulkBatch, context: ChangeContext) async throws -> Int {
        try await writer.write { db in
            var householdIds: [HouseholdID] = []
            householdIds.reserveCapacity(batch.households.count)
            for household in batch.households {
                householdIds.append(try SQLiteHouseholdStore.insert(household, in: db).id)
            }
            try SQLitePINAllocator.recordIssued(batch.residents.compactMap(\.resident.pin), in: db)
            let version = RecordVersion(number: 1, recordedAt: context.at, recordedBy: context.actor, reason: context.reason)
            let insert = try db.cachedStatement(sql: ResidentRow.insertSQL)
            let setHead = try db.cachedStatement(sql: "UPDATE households SET head_id = ? WHERE id = ?")
            for (resident, index) in batch.residents {
                var record = resident
                if record.pin == nil {
                    record.pin = try SQLitePINAllocator.allocate(SQLiteResidentStore.bucket(for: record), in: db).pin
                }
                if let index { record.householdId = householdIds[index] }
                insert.setUncheckedArguments(try ResidentRow.arguments(record, id: nil, version: version))
                try SQLiteResidentStore.mapConstraint { try insert.execute() }
                if record.relationToHead == .head, let household = record.householdId {
                    try setHead.execute(arguments: [db.lastInsertedRowID, household])
                }
            }
            return batch.residents.count
        }
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
