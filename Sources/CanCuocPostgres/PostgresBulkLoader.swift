import CanCuocCore
import CanCuocStore
import Foundation
import PostgresNIO

/// Seed and import on PostgreSQL: rows travel by COPY; a load into an empty register builds the
/// secondary indexes once at the end.
struct PostgresBulkLoader: BulkLoader {
    let database: PostgresDatabase
    var logger: Logger { database.logger }

    /// Rows encoded ahead; ids and households are filled in at write time, the version by `PostgresBulkWriter`.
    struct EncodedRows: Sendable {
        let rows: [EncodedResident]
    }

    func prepare(_ batch: BulkBatch) throws -> PreparedBatch {
        PreparedBatch(batch: batch, payload: EncodedRows(rows: batch.residents.map { EncodedResident($0.resident) }))
    }

    func load(_ batch: BulkBatch, context: ChangeContext) async throws -> Int {
        try await load(prepare(batch), context: context)
    }

    func load(_ prepared: PreparedBatch, context: ChangeContext) async throws -> Int {
        guard let encoded = prepared.payload as? EncodedRows else { return try await load(prepared.batch, context: context) }
        let batch = prepared.batch
        return try await database.write { connection in
            let householdIDs = try await PostgresBulkWriter.reserveIDs("households", count: batch.households.count, on: connection, logger: logger)
            let residentIDs = try await PostgresBulkWriter.reserveIDs("residents", count: batch.residents.count, on: connection, logger: logger)
            var chunk = BulkChunk()
            chunk.households = batch.households.enumerated().map { (householdIDs[$0], $1, nil) }
            chunk.residents.reserveCapacity(batch.residents.count)
            for (position, (resident, index)) in batch.residents.enumerated() {
                var row = encoded.rows[position]
                row.assign(id: residentIDs[position])
                if let index {
                    row.householdId = householdIDs[index]
                    if resident.relationToHead == .head, chunk.households[index].head == nil { chunk.households[index].head = residentIDs[position] }
                }
                chunk.residents.append((row.columns, PINBucket.forNewRecord(resident)))
            }
            try await PostgresBulkWriter.write(chunk, context: context, on: connection, logger: logger)
            return batch.residents.count
        }
    }

    func loadStreaming(context: ChangeContext, _ produce: @escaping @Sendable (inout any BulkSink) throws -> Void) async throws -> Int {
        let logger = logger
        let loader = self
        let lookUp: @Sendable ([PIN], [String]) async throws -> (pins: Set<PIN>, oldIDs: Set<String>) = { pins, oldIDs in
            (try await loader.existingPINs(among: pins), try await loader.existingOldIDs(among: oldIDs))
        }
        return try await database.write { connection in
            // The producer is synchronous and may run long: it gets a thread of its own and waits
            // for the database through AsyncWait, leaving Swift's cooperative threads free.
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                let thread = Thread {
                    let sink = PostgresStreamingSink(connection: connection, logger: logger, context: context, lookUp: lookUp)
                    do {
                        var any: any BulkSink = sink
                        try produce(&any)
                        try sink.finish()
                        continuation.resume(returning: sink.residents)
                    } catch {
                        sink.abandon()
                        continuation.resume(throwing: error)
                    }
                }
                thread.stackSize = 8 << 20
                thread.start()
            }
        }
    }

    func fastLoad<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        let empty = try await database.read { connection in
            try await connection.scalar("SELECT NOT EXISTS (SELECT 1 FROM residents)", as: Bool.self, logger: logger) ?? false
        }
        guard empty else { return try await body() }
        try await database.write { connection in try await PostgresIndexes.drop(on: connection, logger: logger) }
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        try await database.read { connection in
            // Sorting for the index builds in memory rather than in temporary files.
            try await connection.query("SET maintenance_work_mem = '256MB'", logger: logger)
            try await PostgresIndexes.restore(on: connection, logger: logger)
            try await connection.query("RESET maintenance_work_mem", logger: logger)
            // Statistics for the planner, and the visibility map and hint bits set once now rather than
            // by the first readers (which would write while they serve officers).
            try await connection.query("VACUUM (ANALYZE) households", logger: logger)
            try await connection.query("VACUUM (ANALYZE) residents", logger: logger)
            try await connection.query("VACUUM (ANALYZE) issued_pins", logger: logger)
        }
        return try result.get()
    }

    func existingPINs(among pins: [PIN]) async throws -> Set<PIN> {
        guard !pins.isEmpty else { return [] }
        let byDigits = Dictionary(pins.map { ($0.digits, $0) }, uniquingKeysWith: { first, _ in first })
        return try await database.read { connection in
            Set(try await connection.all("SELECT pin FROM issued_pins WHERE pin = ANY(\(Array(byDigits.keys))::text[])", logger: logger) {
                byDigits[try $0.decode(String.self)]
            }.compactMap { $0 })
        }
    }

    func existingOldIDs(among ids: [String]) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try await database.read { connection in
            Set(try await connection.all("SELECT DISTINCT old_id FROM residents WHERE old_id = ANY(\(ids)::text[])", logger: logger) { try $0.decode(String.self) })
        }
    }

    func forEachResident(pageSize: Int, _ body: ([Resident]) throws -> Void) async throws {
        var after: ResidentID = 0
        while true {
            let start = after
            let page = try await database.read { connection in
                try await connection.all(PostgresQuery(unsafeSQL: "SELECT \(PostgresResidentRow.selectList) FROM residents r WHERE r.id > $1 ORDER BY r.id LIMIT \(pageSize)",
                                                       binds: .single(start)), logger: logger) { try PostgresResidentRow.decode($0).resident }
            }
            guard let last = page.last else { return }
            try body(page)
            after = last.id
        }
    }
}
