import CanCuocCore
import PostgresNIO

/// The hot lookups, as server-side prepared statements (PostgresNIO prepares each once per connection).
struct ResidentByPIN: PostgresPreparedStatement {
    static let sql = "SELECT \(PostgresResidentRow.selectList) FROM residents r WHERE r.pin = $1"
    typealias Row = VersionedResident
    let pin: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(pin)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> VersionedResident { try PostgresResidentRow.decode(row) }
}

struct ResidentByOldID: PostgresPreparedStatement {
    static let sql = "SELECT \(PostgresResidentRow.selectList) FROM residents r WHERE r.old_id = $1 ORDER BY r.id"
    typealias Row = VersionedResident
    let oldID: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(oldID)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> VersionedResident { try PostgresResidentRow.decode(row) }
}

struct ResidentByID: PostgresPreparedStatement {
    static let sql = "SELECT \(PostgresResidentRow.selectList) FROM residents r WHERE r.id = $1"
    typealias Row = VersionedResident
    let id: ResidentID

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> VersionedResident { try PostgresResidentRow.decode(row) }
}
