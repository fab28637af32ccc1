import Foundation
import Synchronization

/// Appends audit entries with group commit: callers wait until their entry is committed (nothing is
/// returned to a user before its audit entry is stored), and every entry that arrives while one batch is
/// being written goes into the next batch, in one transaction.
///
/// The caller that finds no batch being written writes one itself, in its own task, and returns once it
/// is committed; callers arriving meanwhile wait, and when the batch is done the first of them is handed
/// the next one (its own entries and all the others waiting). Before, every batch was written by a task
/// of its own, which the caller then waited for: two more thread wake-ups per request. PIN look-ups at a
/// steady 1,000 a second on SQLite, before: median 0.62-0.76 ms, server CPU 0.48-0.56 ms a request;
/// after (with the synchronous SQLite append): 0.48-0.59 ms and 0.40-0.46 ms.
public final class AuditLog: Sendable {
    struct Waiting {
        let drafts: [AuditDraft]
        let continuation: CheckedContinuation<Turn, any Error>
    }

    /// What a waiting caller is woken for.
    enum Turn: Sendable {
        /// Its entries are committed.
        case written
        /// It writes the next batch.
        case lead
    }

    struct State {
        var waiting: [Waiting] = []
        var writing = false
        var signer: AuditSigner?
        var batches = 0
    }

    let store: any AuditStore
    /// The checkpoint key: given, or loaded from the store with `keys` on the first write (a server's
    /// PostgreSQL pool only runs once the server does).
    private let keys: KeyRing?
    let clock: @Sendable () -> Date
    /// A checkpoint is signed after this many entries, or `checkpointInterval` after the last one.
    let checkpointEvery: Int64
    let checkpointInterval: TimeInterval
    private let state: Mutex<State>

    /// Batches written so far (for metrics and tests).
    public var batches: Int { state.withLock { $0.batches } }

    public convenience init(store: any AuditStore, signer: AuditSigner, clock: @escaping @Sendable () -> Date = Date.init,
                checkpointEvery: Int64 = 1_000, checkpointInterval: TimeInterval = 60) {
        self.init(store: store, signer: signer, keys: nil, clock: clock, checkpointEvery: checkpointEvery, checkpointInterval: checkpointInterval)
    }

    public convenience init(store: any AuditStore, keys: KeyRing, clock: @escaping @Sendable () -> Date = Date.init,
                checkpointEvery: Int64 = 1_000, checkpointInterval: TimeInterval = 60) {
        self.init(store: store, signer: nil, keys: keys, clock: clock, checkpointEvery: checkpointEvery, checkpointInterval: checkpointInterval)
    }

    private init(store: any AuditStore, signer: AuditSigner?, keys: KeyRing?, clock: @escaping @Sendable () -> Date,
                 checkpointEvery: Int64, checkpointInterval: TimeInterval) {
        self.store = store
        self.keys = keys
        self.clock = clock
        self.checkpointEvery = checkpointEvery
        self.checkpointInterval = checkpointInterval
        state = Mutex(State(signer: signer))
    }

    /// Returns once the entry is committed; throws when it could not be stored.
    public func record(_ draft: AuditDraft) async throws {
        try await record([draft])
    }

    /// Returns once all the entries are committed (in one batch, in this order).
    public func record(_ drafts: [AuditDraft]) async throws {
        guard !drafts.isEmpty else { return }
        let leads = state.withLock { state in
            guard !state.writing else { return false }
            state.writing = true
            return true
        }
        if !leads {
            let turn = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Turn, any Error>) in
                let leadsNow = state.withLock { state in
                    guard state.writing else {
                        state.writing = true
                        return true
                    }
                    state.waiting.append(Waiting(drafts: drafts, continuation: continuation))
                    return false
                }
                // The batch ended between the two looks: this caller writes the next one.
                if leadsNow { continuation.resume(returning: .lead) }
            }
            if case .written = turn { return }
        }
        try await writeBatch(leading: drafts)
    }

    /// Writes `own` and every entry waiting, then hands the next batch to the first caller that queued
    /// meanwhile (or marks the log idle).
    private func writeBatch(leading own: [AuditDraft]) async throws {
        let followers = state.withLock { state in
            defer { state.waiting = [] }
            return state.waiting
        }
        let result: Result<Void, any Error>
        do {
            try await append(own + followers.flatMap(\.drafts))
            result = .success(())
        } catch {
            result = .failure(error)
        }
        for follower in followers {
            switch result {
            case .success: follower.continuation.resume(returning: .written)
            case .failure(let error): follower.continuation.resume(throwing: error)
            }
        }
        let next = state.withLock { state -> Waiting? in
            state.batches += 1
            guard !state.waiting.isEmpty else {
                state.writing = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        try result.get()
    }

    /// One transaction. The leader's task may be cancelled (its client gone) while the others' entries
    /// are in the batch: with a store that waits on the network, the signer's first load and the write run
    /// in a task of their own, which cancellation does not reach. SQLite's append is synchronous and does
    /// not look at cancellation.
    private func append(_ drafts: [AuditDraft]) async throws {
        let every = checkpointEvery, interval = checkpointInterval, now = clock()
        let write: @Sendable () async throws -> Void = { [self] in
            let signer = try await currentSigner()
            _ = try await store.append(drafts) { head, lastSequence, lastTime in
                let due = head.sequence - lastSequence >= every || lastTime.map { now.timeIntervalSince($0) >= interval } ?? true
                return due ? try signer.checkpoint(for: head, at: now) : nil
            }
        }
        if store.writesInline {
            try await write()
        } else {
            try await Task { try await write() }.value
        }
    }

    private func currentSigner() async throws -> AuditSigner {
        if let signer = state.withLock({ $0.signer }) { return signer }
        guard let keys else { throw KeyRingError.empty }
        // Only the writing caller gets here: one load at a time.
        let loaded = try await AuditSigner.load(from: store, keys: keys)
        state.withLock { $0.signer = loaded }
        return loaded
    }
}
