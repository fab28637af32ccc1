import CanCuocCore
import Foundation

/// A production batch: approved applications grouped for the card printer, personalised, exported as one
/// folder, then marked printed and dispatched together.
public struct ProductionBatch: Sendable, Hashable {
    public enum State: String, CaseIterable, Sendable, Codable {
        /// Items are waiting to be (or being) personalised.
        case open
        /// Every item personalised (or failed); ready to export.
        case personalised
        /// The folder for the printer is written.
        case exported
        case printed
        case dispatched

        public var vietnamese: String {
            switch self {
            case .open: "Đang cá thể hóa"
            case .personalised: "Đã cá thể hóa"
            case .exported: "Đã xuất cho máy in"
            case .printed: "Đã in"
            case .dispatched: "Đã chuyển nơi trả"
            }
        }
    }

    public var id: Int64
    public var provinceCode: String
    public var state: State
    public var createdAt: Date
    public var createdBy: String
    public var exportedTo: String?
    public var updatedAt: Date
    public var pending: Int
    public var done: Int
    public var failed: Int

    public init(id: Int64, provinceCode: String, state: State, createdAt: Date, createdBy: String, exportedTo: String?, updatedAt: Date,
                pending: Int = 0, done: Int = 0, failed: Int = 0) {
        self.id = id
        self.provinceCode = provinceCode
        self.state = state
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.exportedTo = exportedTo
        self.updatedAt = updatedAt
        self.pending = pending
        self.done = done
        self.failed = failed
    }

    public var size: Int { pending + done + failed }
}

public struct BatchItem: Sendable, Hashable {
    public enum State: String, Sendable, Codable {
        case pending, done, failed
    }

    public var batchID: Int64
    public var applicationID: Int64
    public var state: State
    public var cardID: Int64?
    public var problem: String

    public init(batchID: Int64, applicationID: Int64, state: State, cardID: Int64?, problem: String) {
        self.batchID = batchID
        self.applicationID = applicationID
        self.state = state
        self.cardID = cardID
        self.problem = problem
    }
}

public enum BatchError: Error, Equatable, Sendable, CustomStringConvertible {
    case nothingToProduce
    case notFound(Int64)
    case wrongState(expected: ProductionBatch.State, actual: ProductionBatch.State)
    case badSize(Int)

    public var code: String {
        switch self {
        case .nothingToProduce: "nothing_to_produce"
        case .notFound: "not_found"
        case .wrongState: "wrong_batch_state"
        case .badSize: "bad_size"
        }
    }

    public var description: String {
        switch self {
        case .nothingToProduce: "no approved application is waiting for production"
        case .notFound(let id): "no batch \(id)"
        case let .wrongState(expected, actual): "the batch is \(actual.rawValue), not \(expected.rawValue)"
        case .badSize(let size): "a batch holds 1 to 20000 applications, not \(size)"
        }
    }
}

/// Production batches. Every step that counts is one transaction: an item is personalised (card stored, the
/// application moved to personalised, the item done) together or not at all, so a batch interrupted anywhere
/// resumes with its pending items and never counts a card twice.
public protocol BatchStore: Sendable {
    /// Groups up to `limit` approved applications of these provinces that are in no batch, most urgent first.
    func create(provinceCodes: Set<String>, limit: Int, actor: String, at: Date) async throws -> ProductionBatch
    func batch(id: Int64) async throws -> ProductionBatch?
    /// The newest batches of these provinces.
    func batches(provinceCodes: Set<String>, limit: Int) async throws -> [ProductionBatch]
    func items(batchID: Int64) async throws -> [BatchItem]
    /// What personalising these applications needs, in their order, read in one snapshot (one query per kind
    /// of row, not per item: a batch reads ten thousand of them).
    func productionInputs(applicationIDs: [Int64]) async throws -> [ProductionInput]
    /// Stores each card and moves its application from approved to personalised, in one transaction; an
    /// application no longer approved (cancelled meanwhile) fails its item instead, and an item no longer pending
    /// is left alone. Returns the cards stored (with their ids).
    @discardableResult
    func complete(batchID: Int64, cards: [StoredCard], actor: String, at: Date, stageDue: LocalDate?) async throws -> [StoredCard]
    /// Marks an item failed with the reason (no face, record no longer eligible ...); its application stays approved.
    func fail(batchID: Int64, applicationID: Int64, problem: String) async throws
    /// The cards of the batch's done items with their applications' receipt codes, in application order, a page
    /// after `after` (for the export).
    func exportPage(batchID: Int64, after: Int64, limit: Int) async throws -> [(applicationID: Int64, receiptCode: String, card: StoredCard)]
    /// Moves the batch on; `exportedTo` with `.exported`.
    func setState(batchID: Int64, from: ProductionBatch.State, to: ProductionBatch.State, exportedTo: String?, at: Date) async throws
    /// Moves every application of the batch's done items from `from` to `to` (printed, dispatched), with
    /// their events, in one transaction; returns how many moved.
    func advanceApplications(batchID: Int64, from: ApplicationState, to: ApplicationState, actor: String, at: Date, note: String,
                             stageDue: LocalDate?) async throws -> Int
}
