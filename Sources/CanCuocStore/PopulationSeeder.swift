import CanCuocCore
import Foundation

/// `cancuoc seed`: generates a province's population and loads it in batches of whole households.
public struct PopulationSeeder: Sendable {
    public let store: any RegisterStore

    public init(store: any RegisterStore) { self.store = store }

    public func run(provinceCode: String, people: Int, seed: UInt64, batchSize: Int = 25_000, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Int {
        let existing = try await store.residents.count()
        guard existing == 0 else { throw SeedError.registerNotEmpty(existing) }
        var generator = try PopulationGenerator(provinceCode: provinceCode, people: people, seed: seed)
        let context = ChangeContext(actor: "seed", reason: "synthetic population (seed \(seed))", at: Date())
        var loaded = 0
        var batch = BulkBatch()
        while let output = generator.next() {
            let index = batch.households.count
            batch.households.append(output.household)
            for member in output.members { batch.residents.append((member, index)) }
            if batch.residents.count >= batchSize {
                loaded += try await store.bulk.load(batch, context: context)
                progress(loaded, people)
                batch = BulkBatch()
            }
        }
        if !batch.residents.isEmpty {
            loaded += try await store.bulk.load(batch, context: context)
            progress(loaded, people)
        }
        return loaded
    }
}

public enum SeedError: Error, CustomStringConvertible {
    case registerNotEmpty(Int)

    public var description: String {
        switch self {
        case .registerNotEmpty(let count): "the register already holds \(count) residents; seed fills an empty register"
        }
    }
}
