import CanCuocCore

/// One backend: the stores of every aggregate, opened on one database.
public protocol RegisterStore: Sendable {
    var residents: any ResidentStore { get }
    var households: any HouseholdStore { get }
    var pins: any PINAllocator { get }
    var bulk: any BulkLoader { get }
    var accounts: any AccountStore { get }
    var audit: any AuditStore { get }
    var cards: any CardStore { get }
    var applications: any ApplicationStore { get }
    var batches: any BatchStore { get }
    var sessions: any SessionStore { get }
    /// A short name for /healthz and logs ("sqlite", "postgres").
    var backendName: String { get }
    /// Checks that the database answers.
    func ping() async throws
    /// The store's meaning of an error its database library threw, when it has one the caller can act on
    /// (the database busy with another process's write). The backends map what they can where they call the
    /// database; this catches the rest without the library's types leaking above the store.
    func storeError(for error: any Error) -> StoreError?
}

extension RegisterStore {
    public func storeError(for error: any Error) -> StoreError? { nil }
}

/// Loads many residents at once (seed, import): one transaction, all or nothing.
public protocol BulkLoader: Sendable {
    /// Does the per-row work that needs no database (encoding rows) so that it can run while the
    /// previous batch is being written.
    func prepare(_ batch: BulkBatch) throws -> PreparedBatch
    /// Inserts a prepared batch; see `load(_:context:)`.
    func load(_ prepared: PreparedBatch, context: ChangeContext) async throws -> Int
    /// Inserts households and residents. Residents refer to households by their position in
    /// `households` (`householdIndex`). Given PINs must be unused; missing ones are allocated.
    /// Returns the count loaded.
    func load(_ batch: BulkBatch, context: ChangeContext) async throws -> Int
    /// Runs `body` (which calls `load`) with the backend prepared for loading many rows into an empty
    /// register: secondary indexes are built once at the end rather than row by row. On a register
    /// that is not empty it simply runs `body`.
    func fastLoad<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T
    /// Loads everything `produce` hands to the sink in one transaction: all or nothing. Returns the count
    /// of residents loaded.
    func loadStreaming(context: ChangeContext, _ produce: @escaping @Sendable (inout any BulkSink) throws -> Void) async throws -> Int
    /// Which of these PINs or old ID numbers are already in the register.
    func existingPINs(among pins: [PIN]) async throws -> Set<PIN>
    func existingOldIDs(among ids: [String]) async throws -> Set<String>
    /// Streams every current record, ordered by id, in pages.
    func forEachResident(pageSize: Int, _ body: ([Resident]) throws -> Void) async throws
}

/// A batch with the backend's own encoding of its rows (opaque to callers).
public struct PreparedBatch: Sendable {
    public let batch: BulkBatch
    public let payload: any Sendable

    public init(batch: BulkBatch, payload: any Sendable) {
        self.batch = batch
        self.payload = payload
    }
}

public struct BulkBatch: Sendable {
    public var households: [Household]
    /// Each resident with the index of its household in `households`, if any.
    public var residents: [(resident: Resident, householdIndex: Int?)]

    public init(households: [Household] = [], residents: [(resident: Resident, householdIndex: Int?)] = []) {
        self.households = households
        self.residents = residents
    }
}

public enum StoreError: Error, Equatable, Sendable {
    case notFound
    case duplicatePIN(String)
    case duplicateOldID
    case versionConflict(expected: Int, actual: Int)
    case invalid([FieldProblem])
    case bucketExhausted(String)
    case unknownHousehold(HouseholdID)
    /// The database cannot be reached (down, restarting, failing over); the request may be retried.
    case unavailable
    /// Another process held the database's write lock for longer than a write waits (a bulk import, a
    /// command run beside the server); the request may be retried.
    case busy
    /// A stored value the code does not know (a damaged or hand-edited row).
    case corrupt(column: String)

    public var code: String {
        switch self {
        case .notFound: "not_found"
        case .duplicatePIN: "duplicate_pin"
        case .duplicateOldID: "duplicate_old_id"
        case .versionConflict: "version_conflict"
        case .invalid: "invalid_record"
        case .bucketExhausted: "pin_bucket_exhausted"
        case .unknownHousehold: "unknown_household"
        case .unavailable: "database_unavailable"
        case .busy: "database_busy"
        case .corrupt: "corrupt_row"
        }
    }

    public var message: String {
        switch self {
        case .notFound: "no such record"
        case .duplicatePIN: "this personal identification number is already in the register"
        case .duplicateOldID: "this old identity card number already belongs to another record"
        case let .versionConflict(expected, actual): "the record changed meanwhile (you edited version \(expected), it is now at version \(actual)); reload and apply your change again"
        case .invalid(let problems): problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        case .bucketExhausted(let bucket): "every serial of PIN bucket \(bucket) has been issued"
        case .unknownHousehold(let id): "household \(id) does not exist"
        case .corrupt(let column): "a stored \(column) value is not one the system knows"
        case .unavailable: "the database cannot be reached at the moment; try again shortly"
        case .busy: "the register is busy with another write (a bulk import, or a command run beside the server); try again shortly"
        }
    }
}
