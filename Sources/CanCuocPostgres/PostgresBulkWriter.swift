import CanCuocCore
import CanCuocStore
import PostgresNIO

/// Rows ready for COPY: households and residents with their ids already numbered.
struct BulkChunk: Sendable {
    var households: [(id: HouseholdID, household: Household, head: ResidentID?)] = []
    /// Resident rows in `ResidentColumns` order, ids and household ids set; a null PIN is allocated on write.
    var residents: [(row: [ColumnValue], bucket: PINBucket)] = []
}

/// Writes chunks with COPY inside the caller's transaction: issued PINs first (a PIN already issued
/// fails the whole load), then households, then residents.
enum PostgresBulkWriter {
    /// COPY data goes out in pieces of about this many bytes.
    static let pieceSize = 1 << 20

    static func write(_ chunk: BulkChunk, context: ChangeContext, on connection: PostgresConnection, logger: Logger) async throws {
        var rows = chunk.residents.map(\.row)
        var given: [String] = []  // PINs the rows bring
        given.reserveCapacity(rows.count)
        let versionValues = ResidentColumns.versionValues(RecordVersion(number: 1, recordedAt: PostgresTime.stored(context.at), recordedBy: context.actor, reason: context.reason))
        for index in rows.indices {
            rows[index].replaceSubrange(ResidentColumns.versionColumns, with: versionValues)
            if let pin = rows[index][ResidentColumns.pinColumn].text {
                given.append(pin)
            } else {
                let allocation = try await PostgresPINAllocator.allocate(chunk.residents[index].bucket, on: connection, logger: logger)
                rows[index][ResidentColumns.pinColumn] = .text(allocation.pin.digits)
            }
        }
        try await PostgresPINAllocator.recordIssued(digits: given, on: connection, logger: logger)
        if !chunk.households.isEmpty {
            try await copy(table: "households", columns: ["id", "province_code", "address_unit", "address_street", "head_id"],
                           count: chunk.households.count, on: connection, logger: logger) { index, buffer in
                let (id, household, head) = chunk.households[index]
                buffer.writeString(String(id) + "\t")
                CopyText.write(household.provinceCode, into: &buffer)
                buffer.writeString("\t" + household.address.unit.description + "\t")
                CopyText.write(household.address.street, into: &buffer)
                buffer.writeString(head.map { "\t\($0)\n" } ?? "\t\\N\n")
            }
        }
        try await copy(table: "residents", columns: ResidentColumns.names, count: rows.count, on: connection, logger: logger) { index, buffer in
            PostgresResidentRow.copyLine(rows[index], into: &buffer)
        }
    }

    /// `COPY table FROM STDIN`, the lines written by `line(index, buffer)`.
    static func copy(table: String, columns: [String], count: Int, on connection: PostgresConnection, logger: Logger,
                     _ line: (Int, inout ByteBuffer) -> Void) async throws {
        guard count > 0 else { return }
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(pieceSize + 4096)
            for index in 0..<count {
                line(index, &buffer)
                if buffer.readableBytes >= pieceSize {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
    }

    /// `count` fresh ids from a table's identity sequence (concurrent writers get others).
    static func reserveIDs(_ table: String, count: Int, on connection: PostgresConnection, logger: Logger) async throws -> [Int64] {
        guard count > 0 else { return [] }
        let sequence = table + "_id_seq"
        return try await connection.all("SELECT nextval(\(sequence)::regclass) FROM generate_series(1, \(count))", logger: logger) {
            try $0.decode(Int64.self)
        }
    }

    /// Sets the heads of households written earlier in the same load.
    static func setHeads(_ heads: [(household: HouseholdID, head: ResidentID)], on connection: PostgresConnection, logger: Logger) async throws {
        guard !heads.isEmpty else { return }
        try await connection.query("""
            UPDATE households h SET head_id = u.head FROM unnest(\(heads.map(\.household))::bigint[], \(heads.map(\.head))::bigint[]) AS u(id, head)
            WHERE h.id = u.id AND h.head_id IS NULL
            """, logger: logger)
    }
}
