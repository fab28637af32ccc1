import CanCuocCore
import CanCuocStore
import Foundation
import Testing

@Suite struct PINAllocationTests {
    /// 8 concurrent tasks x 10,000 allocations from one bucket (SQLite; 8 x 1,500 on PostgreSQL, where
    /// each is a transaction over the network): every PIN distinct.
    @Test(arguments: Backend.durable)
    func allocationIsUniqueUnderConcurrency(backend: Backend) async throws {
        let store = try await backend.open()
        let perTask = backend == .postgres ? 1_500 : 10_000
        let bucket = PINBucket(provinceCode: "038", sex: .male, birthYear: 2021)
        let pins = try await withThrowingTaskGroup(of: [PIN].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var mine: [PIN] = []
                    mine.reserveCapacity(perTask)
                    for _ in 0..<perTask { mine.append(try await store.pins.allocate(bucket).pin) }
                    return mine
                }
            }
            var all: [PIN] = []
            for try await batch in group { all += batch }
            return all
        }
        #expect(pins.count == 8 * perTask)
        #expect(Set(pins).count == 8 * perTask)
        #expect(pins.allSatisfy { $0.bucket == bucket })
        #expect(try await store.pins.issuedCount(bucket) == 8 * perTask)
        // Serials are drawn at random, not in sequence.
        let serials = pins.prefix(1_000).map(\.serial)
        #expect(serials != serials.sorted())
    }

    @Test(arguments: Backend.allCases)
    func warnsAt90PercentAndStopsWhenFull(backend: Backend) async throws {
        let store = try await backend.open()
        let bucket = PINBucket(provinceCode: "038", sex: .female, birthYear: 1950)
        try await store.pins.recordIssued((0..<899_999).map { PIN(bucket: bucket, serial: $0) })
        let first = try await store.pins.allocate(bucket)
        #expect(first.warning?.issued == 900_000)
        #expect(first.pin.serial >= 899_999)

        // A bucket with three free serials gives exactly those three, then says it is exhausted.
        let nearlyFull = PINBucket(provinceCode: "038", sex: .male, birthYear: 1951)
        let free: Set<Int> = [12, 500_000, 999_999]
        try await store.pins.recordIssued((0..<PINBucket.serialCount).filter { !free.contains($0) }.map { PIN(bucket: nearlyFull, serial: $0) })
        var got: Set<Int> = []
        for _ in 0..<3 { got.insert(try await store.pins.allocate(nearlyFull).pin.serial) }
        #expect(got == free)
        await #expect(throws: StoreError.bucketExhausted(nearlyFull.prefix)) { try await store.pins.allocate(nearlyFull) }
        // Recording an issued PIN twice is refused, all or nothing.
        await #expect(throws: StoreError.self) { try await store.pins.recordIssued([PIN(bucket: bucket, serial: 999_999), first.pin]) }
        #expect(try await store.pins.issuedCount(bucket) == 900_000)
    }
}
