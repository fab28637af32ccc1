import CanCuocCore
import CanCuocStore
import Foundation
import Synchronization
import Testing

/// The audit log's group commit, with a store whose appends take a while (as over a network): callers
/// arriving during a batch are written together in the next, each returns only once its own entries are
/// committed, and a failed batch fails exactly its own callers.
@Suite struct AuditGroupCommitTests {
    /// Delegates to a real trail; each append waits until `ready` holds, then `delay`, and is counted;
    /// appends carrying a target in `failing` throw.
    struct SlowStore: AuditStore {
        let base: any AuditStore
        let delay: Duration
        let failing: Set<String>
        var ready: @Sendable () -> Bool = { true }
        /// Appends begun.
        let started = SharedMutex(0)
        let sizes = SharedMutex<[Int]>([])

        struct Refused: Error {}

        func append(_ drafts: [AuditDraft], checkpoint: @escaping @Sendable (AuditHead, Int64, Date?) throws -> AuditCheckpoint?) async throws -> AuditHead {
            started.withLock { $0 += 1 }
            try await AuditGroupCommitTests.wait(until: ready)
            try await Task.sleep(for: delay)
            sizes.withLock { $0.append(drafts.count) }
            if drafts.contains(where: { failing.contains($0.target) }) { throw Refused() }
            return try await base.append(drafts, checkpoint: checkpoint)
        }
        func entries(after: Int64, limit: Int) async throws -> [AuditEntry] { try await base.entries(after: after, limit: limit) }
        func checkpoints() async throws -> [AuditCheckpoint] { try await base.checkpoints() }
        func entries(target: String, limit: Int) async throws -> [AuditEntry] { try await base.entries(target: target, limit: limit) }
        func entries(actor: String, limit: Int) async throws -> [AuditEntry] { try await base.entries(actor: actor, limit: limit) }
        func sealedSigningKey() async throws -> Data? { try await base.sealedSigningKey() }
        func storeSigningKeyIfAbsent(_ sealed: Data) async throws -> Data { try await base.storeSigningKeyIfAbsent(sealed) }
        func replaceSealedSigningKey(_ sealed: Data) async throws { try await base.replaceSealedSigningKey(sealed) }
    }

    /// Waits (up to a minute: the whole suite shares two cores) until `done` holds; the expectations after
    /// it fail if it never does.
    static func wait(until done: @Sendable () -> Bool) async throws {
        let start = ContinuousClock.now
        while !done(), ContinuousClock.now - start < .seconds(60) { try await Task.sleep(for: .milliseconds(1)) }
    }

    static func slowTrail(failing: Set<String> = [], ready: @escaping @Sendable () -> Bool = { true }) async throws
        -> (store: any RegisterStore, slow: SlowStore, log: AuditLog, signer: AuditSigner) {
        let store = try await Backend.sqliteMemory.open()
        let signer = try await AuditSigner.load(from: store.audit, keys: .generate())
        let slow = SlowStore(base: store.audit, delay: .milliseconds(20), failing: failing, ready: ready)
        return (store, slow, AuditLog(store: slow, signer: signer), signer)
    }

    @Test func callersArrivingDuringABatchShareTheNext() async throws {
        // The first batch is held until every caller has called: the others then queue behind it, however
        // slowly the test's tasks start.
        let callers = SharedMutex(0)
        let (store, slow, log, signer) = try await Self.slowTrail(ready: { callers.withLock { $0 } == 40 })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<40 {
                group.addTask {
                    callers.withLock { $0 += 1 }
                    try await log.record(AuditChainTests.draft(n))
                    // Returned: its entry is in the trail.
                    #expect(try await store.audit.entries(target: "resident:\(n)", limit: 1).count == 1)
                }
            }
            try await group.waitForAll()
        }
        let sizes = slow.sizes.withLock { $0 }
        #expect(sizes.reduce(0, +) == 40)
        // 40 callers, each batch 20 ms: far fewer batches than callers.
        #expect(sizes.count <= 10)
        #expect(log.batches == sizes.count)
        let report = try await AuditVerifier(store: store.audit, signer: signer).verify()
        #expect(report.isIntact && report.entriesChecked == 40)
    }

    @Test func aFailedBatchFailsOnlyItsCallersAndTheNextOneIsWritten() async throws {
        let (store, slow, log, _) = try await Self.slowTrail(failing: ["resident:0"])
        // The first caller leads alone (its batch fails); the others call once its batch is being written.
        let first = Task { try await log.record(AuditChainTests.draft(0)) }
        try await Self.wait { slow.started.withLock { $0 } >= 1 }
        let others = (1...5).map { n in Task { try await log.record(AuditChainTests.draft(n)) } }
        await #expect(throws: SlowStore.Refused.self) { try await first.value }
        for other in others { try await other.value }
        let written = try await store.audit.entries(after: 0, limit: 10).map(\.draft.target)
        #expect(Set(written) == Set((1...5).map { "resident:\($0)" }))
    }
}
