import CanCuocCore
import CanCuocStore
import PostgresNIO

struct PostgresHouseholdStore: HouseholdStore {
    let database: PostgresDatabase

    func create(_ household: Household) async throws -> Household {
        try await database.write { connection in
            var stored = household
            stored.id = try await connection.scalar("""
                INSERT INTO households(province_code, address_unit, address_street, head_id)
                VALUES (\(household.provinceCode), \(household.address.unit.description), \(household.address.street), \(household.headId))
                RETURNING id
                """, as: Int64.self, logger: database.logger) ?? 0
            return stored
        }
    }

    func household(id: HouseholdID) async throws -> Household? {
        try await database.read { connection in
            try await connection.all("SELECT id, province_code, address_unit, address_street, head_id FROM households WHERE id = \(id)", logger: database.logger) { row in
                let (id, province, unit, street, head) = try row.decode((Int64, String, String, String, Int64?).self)
                guard let ref = UnitRef(text: unit) else { throw ResidentColumns.ColumnError.missing("address_unit") }
                return Household(id: id, provinceCode: province, address: Address(unit: ref, street: street), headId: head)
            }.first
        }
    }

    func members(of id: HouseholdID) async throws -> [VersionedResident] {
        try await database.read { connection in
            try await connection.all(PostgresQuery(unsafeSQL: """
                SELECT \(PostgresResidentRow.selectList) FROM residents r WHERE r.household_id = $1
                ORDER BY CASE r.relation_to_head WHEN 'head' THEN 0 ELSE 1 END, r.birth_year, r.id
                """, binds: .single(id)), logger: database.logger, PostgresResidentRow.decode)
        }
    }
}
