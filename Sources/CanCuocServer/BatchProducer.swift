import CanCuocChip
import CanCuocCore
import CanCuocStore
import Crypto
import Foundation

/// Card production for a batch: each pending item personalised from the register (card number = PIN, chip
/// files signed by the Document Signer, MRZ, QR) with the face captured at intake, stored with its
/// application's move in one transaction per group, then the batch exported for the card printer as one
/// folder. Interrupted anywhere, `personalise` picks up the pending items and `export` rewrites the folder:
/// nothing is counted twice.
public struct BatchProducer: Sendable {
    public let store: any RegisterStore
    public let keys: KeyRing
    public let signer: DocumentSigner
    public let catalog: AdminUnitCatalog
    public let calendar: HolidayCalendar
    public let clock: @Sendable () -> Date
    /// Items personalised per transaction.
    public var groupSize = 250

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

    /// Personalises the batch's pending items; returns what this run did.
    public func personalise(batchID: Int64, actor: String) async throws -> Outcome {
        guard let batch = try await store.batches.batch(id: batchID) else { throw BatchError.notFound(batchID) }
        guard batch.state == .open else { throw BatchError.wrongState(expected: .open, actual: batch.state) }
        let pending = try await store.batches.items(batchID: batchID).filter { $0.state == .pending }.map(\.applicationID)
        let issuedOn = LocalDate(clock())
        let stageDue = try ApplicationService(store: store, calendar: calendar, catalog: catalog, clock: clock).stageDue(of: .personalised, from: issuedOn)
        var outcome = Outcome()
        var start = 0
        while start < pending.count {
            let group = Array(pending[start..<min(start + groupSize, pending.count)])
            start += group.count
            let made = try await withThrowingTaskGroup(of: Result<StoredCard, ItemFailure>.self) { tasks in
                for id in group { tasks.addTask { await card(for: id, issuedOn: issuedOn) } }
                var made: [Result<StoredCard, ItemFailure>] = []
                for try await result in tasks { made.append(result) }
                return made
            }
            var cards: [StoredCard] = []
            for result in made {
                switch result {
                case .success(let card): cards.append(card)
                case .failure(let failure):
                    try await store.batches.fail(batchID: batchID, applicationID: failure.applicationID, problem: failure.problem)
                    outcome.failed += 1
                }
            }
            try await store.batches.complete(batchID: batchID, cards: cards, actor: actor, at: clock(), stageDue: stageDue)
            outcome.personalised += cards.count
        }
        // A batch whose items were all done by an earlier run is closed here.
        if pending.isEmpty { try await store.batches.complete(batchID: batchID, cards: [], actor: actor, at: clock(), stageDue: stageDue) }
        return outcome
    }

    public struct ItemFailure: Error {
        public let applicationID: Int64
        public let problem: String
    }

    /// One application's card, or why it cannot be made.
    public func card(for applicationID: Int64, issuedOn: LocalDate) async -> Result<StoredCard, ItemFailure> {
        func fail(_ problem: String) -> Result<StoredCard, ItemFailure> { .failure(ItemFailure(applicationID: applicationID, problem: problem)) }
        do {
            guard let application = try await store.applications.application(id: applicationID) else { return fail("the application is gone") }
            guard application.state == .approved else { return fail("the application is \(application.state.rawValue), not approved") }
            guard let resident = try await store.residents.resident(id: application.residentID)?.resident else { return fail("the resident's record is gone") }
            let history = try await store.residents.history(id: application.residentID)
            guard let face = try await BiometricService(store: store, keys: keys).face(applicationID: applicationID) else {
                return fail("no face photo was captured")
            }
            let data = try CardData(resident: resident, issuedOn: issuedOn, cancelledPIN: history.cancelledPIN, catalog: catalog)
            let card = try PersonalisedCard(data: data, faceJPEG: face, signer: signer, signingTime: clock())
            var stored = try StoredCard(card, residentID: resident.id, provinceCode: application.provinceCode, face: face, keys: keys)
            stored.applicationID = applicationID
            stored.createdAt = clock()
            return .success(stored)
        } catch {
            return fail("\(error)")
        }
    }

    /// Writes the batch's folder for the card printer: `batch-<id>/` with one folder per card (its chip files and
    /// card.json), `manifest.jsonl` (one line per card) and `batch.json` (counts and failures). Written under a
    /// temporary name and renamed into place; the batch becomes exported. Returns the folder.
    public func export(batchID: Int64, to parent: URL) async throws -> URL {
        guard let batch = try await store.batches.batch(id: batchID) else { throw BatchError.notFound(batchID) }
        guard batch.state == .personalised || batch.state == .exported else { throw BatchError.wrongState(expected: .personalised, actual: batch.state) }
        let manager = FileManager.default
        let folder = parent.appendingPathComponent("batch-\(batchID)")
        let staging = parent.appendingPathComponent(".batch-\(batchID).partial")
        try? manager.removeItem(at: staging)
        try manager.createDirectory(at: staging, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let failures: [[String: Any]] = try await store.batches.items(batchID: batchID).filter { $0.state == .failed }.map {
            ["application_id": $0.applicationID, "problem": $0.problem]
        }
        var manifest = Data()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            var after: Int64 = 0
            while true {
                let page = try await store.batches.exportPage(batchID: batchID, after: after, limit: 500)
                guard let last = page.last else { break }
                after = last.applicationID
                for (applicationID, receiptCode, card) in page {
                    let name = String(applicationID)
                    let cardFolder = staging.appendingPathComponent(name)
                    try manager.createDirectory(at: cardFolder, withIntermediateDirectories: false)
                    for file in LDSFile.allCases {
                        if let bytes = card.files[file.rawValue] { try FastFileWriter.write(bytes, to: cardFolder.appendingPathComponent(file.fileName).path) }
                    }
                    try FastFileWriter.write(Data(card.record.utf8), to: cardFolder.appendingPathComponent("card.json").path)
                    let line = ManifestLine(
                        applicationId: applicationID, receiptCode: receiptCode, cardId: card.id, cardNumber: card.pin,
                        folder: name, issuedOn: card.issuedOn.description, expiresOn: card.expiresOn?.description,
                        efSodSha256: card.files["EF.SOD"].map { Hex.string(SHA256.hash(data: $0), uppercase: true) } ?? "")
                    manifest.append(try encoder.encode(line))
                    manifest.append(0x0A)
                }
            }
            try manifest.write(to: staging.appendingPathComponent("manifest.jsonl"))
            let summary: [String: Any] = [
                "batch_id": batchID, "province_code": batch.provinceCode, "cards": batch.done, "failed": batch.failed,
                "created_at": ISO8601DateFormatter().string(from: batch.createdAt), "exported_at": ISO8601DateFormatter().string(from: clock()),
                "failures": failures,
            ]
            try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .prettyPrinted]).write(to: staging.appendingPathComponent("batch.json"))
            try? manager.removeItem(at: folder)
            try manager.moveItem(at: staging, to: folder)
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
        if batch.state == .personalised {
            try await store.batches.setState(batchID: batchID, from: .personalised, to: .exported, exportedTo: folder.path, at: clock())
        }
        return folder
    }

    struct ManifestLine: Encodable {
        let applicationId: Int64
        let receiptCode: String
        let cardId: Int64
        let cardNumber: String
        let folder: String
        let issuedOn: String
        let expiresOn: String?
        let efSodSha256: String

        enum CodingKeys: String, CodingKey {
            case applicationId = "application_id", receiptCode = "receipt_code", cardId = "card_id", cardNumber = "card_number", folder
            case issuedOn = "issued_on", expiresOn = "expires_on", efSodSha256 = "ef_sod_sha256"
        }
    }
}
