import CanCuocChip
import CanCuocCore
import CanCuocStore
import Foundation

/// Card production for a batch: each pending item personalised from the register (card number = PIN, chip
/// files signed by the Document Signer, MRZ, QR text) with the face captured at intake, stored with its
/// application's move in one transaction per group, and written into the batch's folder for the card printer.
/// Interrupted anywhere, a new run picks up the pending items and writes the folder afresh: nothing is counted
/// twice.
public struct BatchProducer: Sendable {
    public let store: any RegisterStore
    public let keys: KeyRing
    public let signer: DocumentSigner
    public let catalog: AdminUnitCatalog
    public let calendar: HolidayCalendar
    public let clock: @Sendable () -> Date
    /// Items read, personalised and stored together (one read, one transaction).
    public var groupSize = 250
    /// Cards made at once; one per core.
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init(store: any RegisterStore, keys: KeyRing, signer: DocumentSigner, catalog: AdminUnitCatalog = .shared,
                calendar: HolidayCalendar = .shipped, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.keys = keys
        self.signer = signer
        self.catalog = catalog
        self.calendar = calendar
        self.clock = clock
    }

    public struct Outcome: Sendable, Equatable {
        public var personalised = 0
        public var failed = 0
    }

    /// What a run did: the personalisation (nil when the batch was already personalised) and the folder written.
    public struct Run: Sendable {
        public var outcome: Outcome?
        public var folder: URL
    }

    /// Personalises an open batch's pending items and exports the batch into `parent` (the cards done by an
    /// earlier, interrupted run come from the register); a batch already personalised or exported is exported again.
    public func run(batchID: Int64, actor: String, to parent: URL) async throws -> Run {
        guard let batch = try await store.batches.batch(id: batchID) else { throw BatchError.notFound(batchID) }
        guard [.open, .personalised, .exported].contains(batch.state) else { throw BatchError.wrongState(expected: .personalised, actual: batch.state) }
        let folder = try BatchFolder(batchID: batchID, parent: parent)
        do {
            var entries = try await storedEntries(batchID: batchID, folder: folder)
            var outcome: Outcome?
            if batch.state == .open {
                let personalised = try await personalise(batch: batch, actor: actor, folder: folder)
                outcome = personalised.outcome
                entries += personalised.entries
            }
            guard let finished = try await store.batches.batch(id: batchID) else { throw BatchError.notFound(batchID) }
            let failures = try await store.batches.items(batchID: batchID).filter { $0.state == .failed }
            try folder.finish(entries: entries, batch: finished, failures: failures, exportedAt: clock())
            if finished.state == .personalised {
                try await store.batches.setState(batchID: batchID, from: .personalised, to: .exported, exportedTo: folder.folder.path, at: clock())
            }
            return Run(outcome: outcome, folder: folder.folder)
        } catch {
            folder.abandon()
            throw error
        }
    }

    /// Writes a personalised (or exported) batch's folder again from the register; returns the folder.
    public func export(batchID: Int64, to parent: URL) async throws -> URL {
        guard let batch = try await store.batches.batch(id: batchID) else { throw BatchError.notFound(batchID) }
        guard batch.state == .personalised || batch.state == .exported else { throw BatchError.wrongState(expected: .personalised, actual: batch.state) }
        return try await run(batchID: batchID, actor: "", to: parent).folder
    }

    /// Personalises the batch's pending items without writing a folder; returns what this run did.
    public func personalise(batchID: Int64, actor: String) async throws -> Outcome {
        guard let batch = try await store.batches.batch(id: batchID) else { throw BatchError.notFound(batchID) }
        return try await personalise(batch: batch, actor: actor, folder: nil).outcome
    }

    /// Group by group: one read for the group, the cards made on every core, then the group stored in one
    /// transaction and its files written. Three stages overlap so no core waits: the next group is read while
    /// this one is made, and up to two groups are being stored and written meanwhile.
    func personalise(batch: ProductionBatch, actor: String, folder: BatchFolder?) async throws -> (outcome: Outcome, entries: [BatchFolder.Entry]) {
        guard batch.state == .open else { throw BatchError.wrongState(expected: .open, actual: batch.state) }
        let pending = try await store.batches.items(batchID: batch.id).filter { $0.state == .pending }.map(\.applicationID)
        let issuedOn = LocalDate(clock())
        let stageDue = try ApplicationService(store: store, calendar: calendar, catalog: catalog, clock: clock).stageDue(of: .personalised, from: issuedOn)
        let groups = stride(from: 0, to: pending.count, by: groupSize).map { Array(pending[$0..<min($0 + groupSize, pending.count)]) }
        var failed = 0
        var stored = Stored()
        var storing: [Task<Stored, any Error>] = []
        var reading: Task<[ProductionInput], any Error>?
        do {
            for (index, group) in groups.enumerated() {
                let inputs = try await (reading ?? read(group)).value
                reading = index + 1 < groups.count ? read(groups[index + 1]) : nil
                let made = await make(inputs, issuedOn: issuedOn)
                var cards: [MadeCard] = []
                for result in made {
                    switch result {
                    case .success(let card): cards.append(card)
                    case .failure(let failure):
                        try await store.batches.fail(batchID: batch.id, applicationID: failure.applicationID, problem: failure.problem)
                        failed += 1
                    }
                }
                if storing.count >= 2 { stored.add(try await storing.removeFirst().value) }
                storing.append(store(cards, batchID: batch.id, actor: actor, stageDue: stageDue, folder: folder))
            }
            while !storing.isEmpty { stored.add(try await storing.removeFirst().value) }
        } catch {
            // Let the groups being stored finish before the caller removes the folder they write into.
            _ = try? await reading?.value
            for task in storing { _ = try? await task.value }
            throw error
        }
        // A batch whose items were all done by an earlier run (or all failed) is closed here.
        try await store.batches.complete(batchID: batch.id, cards: [], actor: actor, at: clock(), stageDue: stageDue)
        return (Outcome(personalised: stored.cards, failed: failed), stored.entries)
    }

    /// What storing groups gave: the cards stored and their folder entries.
    struct Stored: Sendable {
        var cards = 0
        var entries: [BatchFolder.Entry] = []

        mutating func add(_ other: Stored) {
            cards += other.cards
            entries += other.entries
        }
    }

    func read(_ group: [Int64]) -> Task<[ProductionInput], any Error> {
        Task { [store] in try await store.batches.productionInputs(applicationIDs: group) }
    }

    /// Stores a group's cards in one transaction, then writes the folders of those stored.
    func store(_ cards: [MadeCard], batchID: Int64, actor: String, stageDue: LocalDate?, folder: BatchFolder?) -> Task<Stored, any Error> {
        Task { [store, clock] in
            let stored = try await store.batches.complete(batchID: batchID, cards: cards.map(\.stored), actor: actor, at: clock(), stageDue: stageDue)
            guard let folder else { return Stored(cards: stored.count) }
            let made = Dictionary(cards.map { ($0.stored.applicationID ?? 0, $0) }, uniquingKeysWith: { first, _ in first })
            return Stored(cards: stored.count, entries: try stored.compactMap { card in
                guard let applicationID = card.applicationID, let source = made[applicationID] else { return nil }
                return try folder.write(applicationID: applicationID, receiptCode: source.receiptCode, card: card, files: source.files)
            })
        }
    }

    public struct ItemFailure: Error {
        public let applicationID: Int64
        public let problem: String
    }

    /// A card made for an item, with what its folder needs.
    public struct MadeCard: Sendable {
        public let stored: StoredCard
        public let receiptCode: String
        /// Every chip file, DG2 included (the stored card keeps the face sealed instead).
        public let files: [LDSFile: [UInt8]]
    }

    /// The group's cards made on `workers` tasks, in the group's order.
    func make(_ inputs: [ProductionInput], issuedOn: LocalDate) async -> [Result<MadeCard, ItemFailure>] {
        let size = max(1, (inputs.count + workers - 1) / workers)
        let slices = stride(from: 0, to: inputs.count, by: size).map { Array(inputs[$0..<min($0 + size, inputs.count)]) }
        return await withTaskGroup(of: (Int, [Result<MadeCard, ItemFailure>]).self) { tasks in
            for (index, slice) in slices.enumerated() {
                tasks.addTask { (index, slice.map { card(for: $0, issuedOn: issuedOn) }) }
            }
            var parts = [[Result<MadeCard, ItemFailure>]](repeating: [], count: slices.count)
            for await (index, part) in tasks { parts[index] = part }
            return parts.flatMap { $0 }
        }
    }

    /// One application's card from the register (for a single item; a batch reads a group at once).
    public func card(for applicationID: Int64, issuedOn: LocalDate) async throws -> Result<MadeCard, ItemFailure> {
        let inputs = try await store.batches.productionInputs(applicationIDs: [applicationID])
        guard let input = inputs.first else { return .failure(ItemFailure(applicationID: applicationID, problem: "the application is gone")) }
        return card(for: input, issuedOn: issuedOn)
    }

    /// One item's card, or why it cannot be made.
    func card(for input: ProductionInput, issuedOn: LocalDate) -> Result<MadeCard, ItemFailure> {
        func fail(_ problem: String) -> Result<MadeCard, ItemFailure> { .failure(ItemFailure(applicationID: input.applicationID, problem: problem)) }
        do {
            guard let application = input.application else { return fail("the application is gone") }
            guard application.state == .approved else { return fail("the application is \(application.state.rawValue), not approved") }
            guard let resident = input.resident else { return fail("the resident's record is gone") }
            guard let sealed = input.face, !sealed.isUnavailable else { return fail("no face photo was captured") }
            let face = [UInt8](try keys.open(sealed.sealed, context: StoredBiometric.context(applicationID: application.id, kind: .face)))
            let data = try CardData(resident: resident, issuedOn: issuedOn, cancelledPIN: input.cancelledPIN, catalog: catalog)
            let card = try PersonalisedCard(data: data, faceJPEG: face, signer: signer, signingTime: clock())
            var stored = try StoredCard(card, residentID: resident.id, provinceCode: application.provinceCode, face: face, keys: keys)
            stored.applicationID = application.id
            stored.createdAt = clock()
            return .success(MadeCard(stored: stored, receiptCode: application.receiptCode, files: card.files))
        } catch {
            return fail("\(error)")
        }
    }

    /// The folder entries of the cards an earlier run already stored, read back from the register.
    func storedEntries(batchID: Int64, folder: BatchFolder) async throws -> [BatchFolder.Entry] {
        var entries: [BatchFolder.Entry] = []
        var after: Int64 = 0
        while true {
            let page = try await store.batches.exportPage(batchID: batchID, after: after, limit: 500)
            guard let last = page.last else { return entries }
            after = last.applicationID
            for (applicationID, receiptCode, card) in page {
                entries.append(try folder.write(applicationID: applicationID, receiptCode: receiptCode, card: card, files: try card.chipFiles(keys: keys)))
            }
        }
    }
}
