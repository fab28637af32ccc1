import CanCuocCore
import CanCuocStore
import Foundation
import GRDB

/// Streams rows into SQLite within the caller's transaction. Ids are numbered here (this transaction is
/// the only writer), so a household's head is known as soon as the head's row is written.
struct SQLiteBulkSink: BulkSink {
    let db: Database
    private let version: RecordVersion
    private var nextHousehold: HouseholdID
    private var nextResident: ResidentID
    private let insertHousehold: SQLiteBulkInsert
    private let insertResident: SQLiteBulkInsert
    private let insertPIN: SQLiteBulkInsert
    private let setHead: Statement
    private var perBucket: [String: Int] = [:]
    /// Nothing to conflict with: no record and no PIN ever issued when the load began (the old ID
    /// index may be dropped for the load then, so it must not be searched).
    private let startedEmpty: Bool
    private(set) var residents = 0

    init(db: Database, context: ChangeContext) throws {
        self.db = db
        version = RecordVersion(number: 1, recordedAt: context.at, recordedBy: context.actor, reason: context.reason)
        nextHousehold = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM households") ?? 0) + 1
        nextResident = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM residents") ?? 0) + 1
        insertHousehold = try SQLiteBulkInsert(db, sql: "INSERT INTO households(id, province_code, address_unit, address_street, head_id) VALUES (?, ?, ?, ?, NULL)")
        insertResident = try SQLiteBulkInsert(db, sql: ResidentRow.insertSQL)
        insertPIN = try SQLiteBulkInsert(db, sql: "INSERT OR IGNORE INTO issued_pins(pin) VALUES (?)")
        setHead = try db.makeStatement(sql: "UPDATE households SET head_id = ? WHERE id = ? AND head_id IS NULL")
        startedEmpty = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM residents) AND NOT EXISTS (SELECT 1 FROM issued_pins)") ?? false
    }

    func alreadyRegistered(pins: [PIN], oldIDs: [String]) throws -> (pins: Set<PIN>, oldIDs: Set<String>) {
        guard !startedEmpty else { return ([], []) }
        let issued = try db.cachedStatement(sql: "SELECT 1 FROM issued_pins WHERE pin = ?")
        let onFile = try db.cachedStatement(sql: "SELECT 1 FROM residents WHERE old_id = ?")
        return (try Set(pins.filter { try Int.fetchOne(issued, arguments: [$0.digits]) != nil }),
                try Set(oldIDs.filter { try Int.fetchOne(onFile, arguments: [$0]) != nil }))
    }

    mutating func add(_ household: Household) throws -> HouseholdID {
        let id = nextHousehold
        nextHousehold += 1
        try insertHousehold.insert([id.databaseValue, household.provinceCode.databaseValue,
                                    household.address.unit.description.databaseValue, household.address.street.databaseValue])
        return id
    }

    mutating func add(_ resident: EncodedResident) throws {
        var record = resident
        record.assign(id: nextResident)
        nextResident += 1
        if let pin = record.resident.pin {
            try insertPIN.insert([pin.digits.databaseValue])
            guard db.changesCount == 1 else { throw StoreError.duplicatePIN(pin.digits) }
            perBucket[String(pin.digits.prefix(6)), default: 0] += 1
        } else {
            record.assign(pin: try SQLitePINAllocator.allocate(PINBucket.forNewRecord(record.resident), in: db).pin)
        }
        record.stamp(version)
        try SQLiteResidentStore.mapConstraint { try insertResident.insert(record.columns) }
        if record.resident.relationToHead == .head, let household = record.householdId {
            try setHead.execute(arguments: [record.resident.id, household])
        }
        residents += 1
    }

    /// Adds the bucket counts of the PINs given in the rows.
    func finish() throws {
        let bump = try db.cachedStatement(sql: """
            INSERT INTO pin_buckets(prefix, issued) VALUES (?, ?)
            ON CONFLICT(prefix) DO UPDATE SET issued = issued + excluded.issued
            """)
        for (prefix, count) in perBucket { try bump.execute(arguments: [prefix, count]) }
    }
}
