import CanCuocCore
import CanCuocStore
import GRDB

/// PIN allocation on SQLite. SQLite has a single writer, so a write transaction that checks the
/// ledger and inserts is atomic; the `issued_pins` primary key is the last line of defence.
struct SQLitePINAllocator: PINAllocator {
    let writer: any DatabaseWriter

    func allocate(_ bucket: PINBucket) async throws -> PINAllocation {
        try await writer.write { db in try Self.allocate(bucket, in: db) }
    }

    func recordIssued(_ pins: [PIN]) async throws {
        try await writer.write { db in try Self.recordIssued(pins, in: db) }
    }

    func issuedCount(_ bucket: PINBucket) async throws -> Int {
        try await writer.read { db in try Self.issuedCount(bucket, in: db) }
    }

    static func issuedCount(_ bucket: PINBucket, in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT issued FROM pin_buckets WHERE prefix = ?", arguments: [bucket.prefix]) ?? 0
    }

    /// Draws a serial uniformly from the bucket's unused serials: by rejection sampling (each try one
    /// index probe; uniform over the free serials), and, if a nearly full bucket defeats 2,000 tries,
    /// by listing its free serials.
    static func allocate(_ bucket: PINBucket, in db: Database) throws -> PINAllocation {
        let issued = try issuedCount(bucket, in: db)
        let capacity = PINBucket.serialCount
        guard issued < capacity else { throw StoreError.bucketExhausted(bucket.prefix) }
        var generator = SystemRandomNumberGenerator()
        var chosen: PIN?
        do {
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO issued_pins(pin) VALUES (?)")
            for _ in 0..<2_000 {
                let candidate = PIN(bucket: bucket, serial: Int.random(in: 0..<capacity, using: &generator))
                try insert.execute(arguments: [candidate.digits])
                if db.changesCount == 1 { chosen = candidate; break }
            }
        }
        if chosen == nil {
            let used = try String.fetchSet(db, sql: "SELECT pin FROM issued_pins WHERE pin BETWEEN ? AND ?",
                                           arguments: [bucket.prefix + "000000", bucket.prefix + "999999"])
            let free = (0..<capacity).lazy.map { PIN(bucket: bucket, serial: $0) }.filter { !used.contains($0.digits) }
            guard let pick = Array(free).randomElement(using: &generator) else { throw StoreError.bucketExhausted(bucket.prefix) }
            try db.execute(sql: "INSERT INTO issued_pins(pin) VALUES (?)", arguments: [pick.digits])
            chosen = pick
        }
        try db.execute(sql: """
            INSERT INTO pin_buckets(prefix, issued) VALUES (?, 1)
            ON CONFLICT(prefix) DO UPDATE SET issued = issued + 1
            """, arguments: [bucket.prefix])
        return PINAllocation(pin: chosen!, warning: PINBucketWarning.check(bucket, issued: issued + 1))
    }

    /// Records PINs given from outside (import, seed). Throws `duplicatePIN` for one already issued.
    static func recordIssued(_ pins: [PIN], in db: Database) throws {
        let insert = try SQLiteBulkInsert(db, sql: "INSERT OR IGNORE INTO issued_pins(pin) VALUES (?)")
        var perBucket: [String: Int] = [:]
        for pin in pins.sorted() {
            try insert.insert([pin.digits.databaseValue])
            guard db.changesCount == 1 else { throw StoreError.duplicatePIN(pin.digits) }
            perBucket[String(pin.digits.prefix(6)), default: 0] += 1
        }
        let bump = try db.cachedStatement(sql: """
            INSERT INTO pin_buckets(prefix, issued) VALUES (?, ?)
            ON CONFLICT(prefix) DO UPDATE SET issued = issued + excluded.issued
            """)
        for (prefix, count) in perBucket { try bump.execute(arguments: [prefix, count]) }
    }
}
