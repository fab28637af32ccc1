import AsyncAlgorithms
import CanCuocCore
import Foundation

/// `cancuoc seed`: generates a province's population and loads it in batches of whole households.
/// Generation and loading overlap (one batch in flight), so both cores work.
public struct PopulationSeeder: Sendable {
    public let store: any RegisterStore

    public init(store: any RegisterStore) { self.store = store }

    public func run(provinceCode: String, people: Int, seed: UInt64, batchSize: Int = 25_000, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Int {
        let existing = try await store.residents.count()
        guard existing == 0 else { throw SeedError.registerNotEmpty(existing) }
        // Fail fast on a bad province, before anything runs.
        _ = try PopulationGenerator(provinceCode: provinceCode, people: 0, seed: seed)
        let context = ChangeContext(actor: "seed", reason: "synthetic population (seed \(seed))", at: Date())
        let batches = AsyncThrowingChannel<PreparedBatch, any Error>()
        let bulk = store.bulk
        let producer = Task {
            do {
                try await Self.produce(provinceCode: provinceCode, people: people, seed: seed, batchSize: batchSize, bulk: bulk, into: batches)
            } catch {
                batches.fail(error)
            }
        }
        defer { producer.cancel() }
        return try await bulk.fastLoad {
            var loaded = 0
            for try await batch in batches {
                loaded += try await bulk.load(batch, context: context)
                progress(loaded, people)
            }
            return loaded
        }
    }

    /// Generates and prepares batches of whole households; runs beside the loading.
    static func produce(provinceCode: String, people: Int, seed: UInt64, batchSize: Int, bulk: any BulkLoader,
                        into batches: AsyncThrowingChannel<PreparedBatch, any Error>) async throws {
            var generator = try PopulationGenerator(provinceCode: provinceCode, people: people, seed: seed)
            var batch = BulkBatch()
            while let output = generator.next() {
                if Task.isCancelled { break }
                let index = batch.households.count
                batch.households.append(output.household)
                for member in output.members { batch.residents.append((member, index)) }
                if batch.residents.count >= batchSize {
                    await batches.send(try bulk.prepare(batch))
                    batch = BulkBatch()
                }
            }
            if !batch.residents.isEmpty { await batches.send(try bulk.prepare(batch)) }
            batches.finish()
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
