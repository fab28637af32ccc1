import CanCuocCore
import CanCuocStore
import PostgresNIO

/// PIN allocation on PostgreSQL, safe with many writers: the `issued_pins` primary key decides which
/// of two concurrent transactions gets a serial (`ON CONFLICT DO NOTHING` waits for the other to finish),
/// and the bucket's counter row is bumped atomically.
struct PostgresPINAllocator: PINAllocator {
    let database: PostgresDatabase

    func allocate(_ bucket: PINBucket) async throws -> PINAllocation {
        try await database.write { connection in try await Self.allocate(bucket, on: connection, logger: database.logger) }
    }

    func recordIssued(_ pins: [PIN]) async throws {
        try await database.write { connection in try await Self.recordIssued(pins, on: connection, logger: database.logger) }
    }

    func issuedCount(_ bucket: PINBucket) async throws -> Int {
        try await database.read { connection in try await Self.issuedCount(bucket, on: connection, logger: database.logger) }
    }

    static func issuedCount(_ bucket: PINBucket, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        Int(try await connection.scalar("SELECT issued FROM pin_buckets WHERE prefix = \(bucket.prefix)", as: Int64.self, logger: logger) ?? 0)
    }

    /// Draws a serial uniformly from the bucket's unused serials: by rejection sampling (64 random
    /// candidates per round trip; the server keeps the first unused one, which is uniform over the free
    /// serials), and, if a nearly full bucket defeats 2,048 tries, by listing its free serials.
    static func allocate(_ bucket: PINBucket, on connection: PostgresConnection, logger: Logger) async throws -> PINAllocation {
        let capacity = PINBucket.serialCount
        guard try await issuedCount(bucket, on: connection, logger: logger) < capacity else { throw StoreError.bucketExhausted(bucket.prefix) }
        var generator = SystemRandomNumberGenerator()
        var chosen: PIN?
        for _ in 0..<32 {
            let candidates = (0..<64).map { _ in PIN(bucket: bucket, serial: Int.random(in: 0..<capacity, using: &generator)).digits }
            if let pin = try await connection.scalar("""
                INSERT INTO issued_pins(pin)
                SELECT c.pin FROM unnest(\(candidates)::text[]) WITH ORDINALITY AS c(pin, n)
                WHERE NOT EXISTS (SELECT 1 FROM issued_pins i WHERE i.pin = c.pin) ORDER BY c.n LIMIT 1
                ON CONFLICT DO NOTHING RETURNING pin
                """, as: String.self, logger: logger) {
                chosen = try PIN(pin, bornAbroad: true)
                break
            }
        }
        if chosen == nil {
            // The server lists the free serials (few, by now): a million used ones need not travel.
            let free = try await connection.all("""
                SELECT s FROM generate_series(0, \(Int64(capacity - 1))) AS s
                WHERE NOT EXISTS (SELECT 1 FROM issued_pins WHERE pin = \(bucket.prefix) || lpad(s::text, 6, '0'))
                """, logger: logger) { Int(try $0.decode(Int64.self)) }
            guard let serial = free.randomElement(using: &generator) else { throw StoreError.bucketExhausted(bucket.prefix) }
            let pick = PIN(bucket: bucket, serial: serial)
            try await connection.query("INSERT INTO issued_pins(pin) VALUES (\(pick.digits))", logger: logger)
            chosen = pick
        }
        let issued = try await connection.scalar("""
            INSERT INTO pin_buckets(prefix, issued) VALUES (\(bucket.prefix), 1)
            ON CONFLICT (prefix) DO UPDATE SET issued = pin_buckets.issued + 1 RETURNING issued
            """, as: Int64.self, logger: logger) ?? 1
        return PINAllocation(pin: chosen!, warning: PINBucketWarning.check(bucket, issued: Int(issued)))
    }

    /// Records PINs given from outside (import, seed). Throws `duplicatePIN` for one already issued.
    /// Many PINs travel by COPY (a duplicate fails it); a few by one INSERT.
    static func recordIssued(_ pins: [PIN], on connection: PostgresConnection, logger: Logger) async throws {
        try await recordIssued(digits: pins.map(\.digits), on: connection, logger: logger)
    }

    static func recordIssued(digits unsorted: [String], on connection: PostgresConnection, logger: Logger) async throws {
        let digits = unsorted.sorted()
        guard !digits.isEmpty else { return }
        if digits.count > 1_000 {
            // A PIN issued before fails the COPY; PostgresDatabase turns that into `duplicatePIN`.
            try await PostgresBulkWriter.copy(table: "issued_pins", columns: ["pin"], count: digits.count, on: connection, logger: logger) { index, buffer in
                buffer.writeString(digits[index])
                buffer.writeInteger(UInt8(ascii: "\n"))
            }
        } else {
            let inserted = Set(try await connection.all("INSERT INTO issued_pins(pin) SELECT unnest(\(digits)::text[]) ON CONFLICT DO NOTHING RETURNING pin", logger: logger) {
                try $0.decode(String.self)
            })
            if inserted.count != digits.count {
                var seen: Set<String> = []
                let duplicate = digits.first { !inserted.contains($0) || !seen.insert($0).inserted } ?? digits[0]
                throw StoreError.duplicatePIN(duplicate)
            }
        }
        try await bumpBuckets(digits, on: connection, logger: logger)
    }

    /// Adds the given PINs to their buckets' issued counts.
    static func bumpBuckets(_ digits: [String], on connection: PostgresConnection, logger: Logger) async throws {
        var perBucket: [String: Int64] = [:]
        for pin in digits { perBucket[String(pin.prefix(6)), default: 0] += 1 }
        let prefixes = Array(perBucket.keys)
        let counts = prefixes.map { perBucket[$0]! }
        try await connection.query("""
            INSERT INTO pin_buckets(prefix, issued) SELECT * FROM unnest(\(prefixes)::text[], \(counts)::bigint[])
            ON CONFLICT (prefix) DO UPDATE SET issued = pin_buckets.issued + excluded.issued
            """, logger: logger)
    }
}
