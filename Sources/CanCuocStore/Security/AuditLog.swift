import Foundation

/// Appends audit entries with group commit: callers wait until their entry is committed (nothing is
/// returned to a user before its audit entry is stored), and every entry that arrives while one batch is
/// being written goes into the next batch, in one transaction.
public actor AuditLog {
    struct Waiting {
        let drafts: [AuditDraft]
        let continuation: CheckedContinuation<Void, any Error>
    }

    let store: any AuditStore
    /// The checkpoint key: given, or loaded from the store with `keys` on the first write (a server's
    /// PostgreSQL pool only runs once the server does).
    private var signer: AuditSigner?
    private let keys: KeyRing?
    let clock: @Sendable () -> Date
    /// A checkpoint is signed after this many entries, or `checkpointInterval` after the last one.
    let checkpointEvery: Int64
    let checkpointInterval: TimeInterval
    private var waiting: [Waiting] = []
    private var flushing = false
    /// Batches written so far (for metrics and tests).
    public private(set) var batches = 0

    public init(store: any AuditStore, signer: AuditSigner, clock: @escaping @Sendable () -> Date = Date.init,
                checkpointEvery: Int64 = 1_000, checkpointInterval: TimeInterval = 60) {
        self.init(store: store, signer: signer, keys: nil, clock: clock, checkpointEvery: checkpointEvery, checkpointInterval: checkpointInterval)
    }

    public init(store: any AuditStore, keys: KeyRing, clock: @escaping @Sendable () -> Date = Date.init,
                checkpointEvery: Int64 = 1_000, checkpointInterval: TimeInterval = 60) {
        self.init(store: store, signer: nil, keys: keys, clock: clock, checkpointEvery: checkpointEvery, checkpointInterval: checkpointInterval)
    }

    private init(store: any AuditStore, signer: AuditSigner?, keys: KeyRing?, clock: @escaping @Sendable () -> Date,
                 checkpointEvery: Int64, checkpointInterval: TimeInterval) {
        self.store = store
        self.signer = signer
        self.keys = keys
        self.clock = clock
        self.checkpointEvery = checkpointEvery
        self.checkpointInterval = checkpointInterval
    }

    private func currentSigner() async throws -> AuditSigner {
        if let signer { return signer }
        guard let keys else { throw KeyRingError.empty }
        let loaded = try await AuditSigner.load(from: store, keys: keys)
        signer = loaded
        return loaded
    }

    /// Returns once the entry is committed; throws when it could not be stored.
    public func record(_ draft: AuditDraft) async throws {
        try await record([draft])
    }

    /// Returns once all the entries are committed (in one batch, in this order).
    public func record(_ drafts: [AuditDraft]) async throws {
        guard !drafts.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiting.append(Waiting(drafts: drafts, continuation: continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !waiting.isEmpty {
            let batch = waiting
            waiting = []
            let every = checkpointEvery, interval = checkpointInterval, now = clock()
            do {
                let signer = try await currentSigner()
                _ = try await store.append(batch.flatMap(\.drafts)) { head, lastSequence, lastTime in
                    let due = head.sequence - lastSequence >= every || lastTime.map { now.timeIntervalSince($0) >= interval } ?? true
                    return due ? try signer.checkpoint(for: head, at: now) : nil
                }
                batches += 1
                for item in batch { item.continuation.resume() }
            } catch {
                for item in batch { item.continuation.resume(throwing: error) }
            }
        }
        flushing = false
    }
}
