import CanCuocCore
import PostgresNIO

/// The hot lookups, as server-side prepared statements (PostgresNIO prepares each once per connection).
/// Each selects whole current records by one key.
protocol ResidentLookup: PostgresPreparedStatement where Row == VersionedResident {
    associatedtype Key: PostgresNonThrowingEncodable & Sendable
    var key: Key { get }
}

extension ResidentLookup {
    func makeBindings() throws -> PostgresBindings { .single(key) }
    func decodeRow(_ row: PostgresRow) throws -> VersionedResident { try PostgresResidentRow.decode(row) }
}

struct ResidentByPIN: ResidentLookup {
    static let sql = "SELECT \(PostgresResidentRow.selectList) FROM residents r WHERE r.pin = $1"
    let key: String
}

struct ResidentByID: ResidentLookup {
    static let sql = "SELECT \(PostgresResidentRow.selectList) FROM residents r WHERE r.id = $1"
    let key: ResidentID
}

/// The first page of a search by old ID number (the statement's own limit: one row more than a page
/// of 200, so the caller can tell whether there are more).
struct ResidentsByOldID: ResidentLookup {
    static let sql = "SELECT \(PostgresResidentRow.selectList) FROM residents r WHERE r.old_id = $1 ORDER BY r.id LIMIT 201"
    let key: String
}

extension PostgresBindings {
    /// Bindings of one value.
    static func single(_ value: some PostgresNonThrowingEncodable) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(value)
        return bindings
    }
}
