import CanCuocCore
import CanCuocStore
import PostgresNIO

/// Receives an import's rows on the producer's own thread and writes them in chunks with COPY, one
/// chunk in flight while the next fills, all in the caller's transaction.
final class PostgresStreamingSink: BulkSink {
    static let chunkSize = 20_000
    static let idBlock = 20_000

    let connection: PostgresConnection
    let logger: Logger
    let context: ChangeContext
    private var chunk = BulkChunk()
    private var chunkHouseholds: [HouseholdID: Int] = [:]
    private var lateHeads: [(household: HouseholdID, head: ResidentID)] = []
    private var householdIDs: ArraySlice<Int64> = []
    private var residentIDs: ArraySlice<Int64> = []
    private var inFlight: Task<Void, any Error>?
    private(set) var residents = 0

    /// Looks keys up in the committed register, on another connection (this one is busy copying).
    let lookUp: @Sendable ([PIN], [String]) async throws -> (pins: Set<PIN>, oldIDs: Set<String>)

    init(connection: PostgresConnection, logger: Logger, context: ChangeContext,
         lookUp: @escaping @Sendable ([PIN], [String]) async throws -> (pins: Set<PIN>, oldIDs: Set<String>)) {
        self.connection = connection
        self.logger = logger
        self.context = context
        self.lookUp = lookUp
    }

    func alreadyRegistered(pins: [PIN], oldIDs: [String]) throws -> (pins: Set<PIN>, oldIDs: Set<String>) {
        let lookUp = lookUp
        return try AsyncWait.run { try await lookUp(pins, oldIDs) }
    }

    func add(_ household: Household) throws -> HouseholdID {
        let id = try nextID(&householdIDs, table: "households")
        chunkHouseholds[id] = chunk.households.count
        chunk.households.append((id, household, nil))
        return id
    }

    func add(_ resident: EncodedResident) throws {
        var record = resident
        record.assign(id: try nextID(&residentIDs, table: "residents"))
        let id = record.resident.id
        if record.resident.relationToHead == .head, let household = record.householdId {
            if let index = chunkHouseholds[household] {
                if chunk.households[index].head == nil { chunk.households[index].head = id }
            } else {
                lateHeads.append((household, id))
            }
        }
        // The version columns are written from the context by PostgresBulkWriter.
        chunk.residents.append((record.columns, PINBucket.forNewRecord(record.resident)))
        residents += 1
        if chunk.residents.count >= Self.chunkSize { try flush() }
    }

    /// Writes what is left and the heads of households written in earlier chunks.
    func finish() throws {
        try flush()
        try waitForWrite()
        let heads = lateHeads
        let connection = connection, logger = logger
        try AsyncWait.run { try await PostgresBulkWriter.setHeads(heads, on: connection, logger: logger) }
    }

    /// Waits for the chunk in flight, ignoring its outcome (the load is failing anyway).
    func abandon() {
        _ = try? waitForWrite()
    }

    private func flush() throws {
        try waitForWrite()
        guard !chunk.residents.isEmpty || !chunk.households.isEmpty else { return }
        let ready = chunk, context = context, connection = connection, logger = logger
        chunk = BulkChunk()
        chunkHouseholds = [:]
        inFlight = Task { try await PostgresBulkWriter.write(ready, context: context, on: connection, logger: logger) }
    }

    private func waitForWrite() throws {
        guard let task = inFlight else { return }
        inFlight = nil
        try AsyncWait.run { try await task.value }
    }

    /// Ids come from the table's sequence in blocks; the connection must be idle to ask for more.
    private func nextID(_ pool: inout ArraySlice<Int64>, table: String) throws -> Int64 {
        if pool.isEmpty {
            try waitForWrite()
            let connection = connection, logger = logger
            pool = try AsyncWait.run { try await PostgresBulkWriter.reserveIDs(table, count: Self.idBlock, on: connection, logger: logger) }[...]
        }
        return pool.removeFirst()
    }
}
