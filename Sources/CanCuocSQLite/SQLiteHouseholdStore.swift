import CanCuocCore
import CanCuocStore
import GRDB

struct SQLiteHouseholdStore: HouseholdStore {
    let writer: any DatabaseWriter

    func create(_ household: Household) async throws -> Household {
        try await writer.write { db in try Self.insert(household, in: db) }
    }

    func household(id: HouseholdID) async throws -> Household? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM households WHERE id = ?", arguments: [id]).map { row in
                Household(id: row["id"], provinceCode: row["province_code"],
                          address: Address(unit: UnitRef(text: row["address_unit"])!, street: row["address_street"]),
                          headId: row["head_id"])
            }
        }
    }

    func members(of id: HouseholdID) async throws -> [VersionedResident] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(ResidentRow.selectList) FROM residents WHERE household_id = ?
                ORDER BY CASE relation_to_head WHEN 'head' THEN 0 ELSE 1 END, birth_year, id
                """, arguments: [id]).map(ResidentRow.decode)
        }
    }

    static func insert(_ household: Household, in db: Database) throws -> Household {
        try db.cachedStatement(sql: "INSERT INTO households(province_code, address_unit, address_street, head_id) VALUES (?, ?, ?, ?)")
            .execute(arguments: [household.provinceCode, household.address.unit.description, household.address.street, household.headId])
        var stored = household
        stored.id = db.lastInsertedRowID
        return stored
    }
}
