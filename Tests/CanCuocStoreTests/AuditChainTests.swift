import CanCuocCore
import CanCuocStore
import Foundation
import Testing

/// The audit chain on every backend: appends under concurrency, and every way of altering the trail
/// directly in the database is found by the verifier.
@Suite struct AuditChainTests {
    struct Trail {
        let store: any RegisterStore
        let signer: AuditSigner
        let log: AuditLog

        func verify() async throws -> AuditVerifier.Report {
            try await AuditVerifier(store: store.audit, signer: signer, pageSize: 7).verify()
        }
    }

    static func draft(_ n: Int) -> AuditDraft {
        AuditDraft(time: Date(timeIntervalSince1970: 1_700_000_000 + Double(n) * 0.001234), actor: "officer\(n % 3)", role: "commune-officer",
                   unit: "2025-01/14971", action: "resident.read", target: "resident:\(n)", purpose: n % 2 == 0 ? "" : "tra cứu",
                   clientAddress: "127.0.0.1", requestID: "req\(n)")
    }

    /// 25 entries written one by one: checkpoints (every 10) at entries 1, 11 and 21.
    static func trail(_ backend: Backend) async throws -> Trail {
        let store = try await backend.open()
        let signer = try await AuditSigner.load(from: store.audit, keys: .generate())
        let log = AuditLog(store: store.audit, signer: signer, checkpointEvery: 10, checkpointInterval: 3600)
        for n in 1...25 { try await log.record(draft(n)) }
        return Trail(store: store, signer: signer, log: log)
    }

    @Test(arguments: Backend.allCases)
    func intactTrailVerifies(backend: Backend) async throws {
        let trail = try await Self.trail(backend)
        let report = try await trail.verify()
        #expect(report.isIntact)
        #expect(report.entriesChecked == 25)
        #expect(report.checkpointsChecked == 3)
        #expect(report.unanchored == 4)
        let read = try await trail.store.audit.entries(after: 0, limit: 100)
        #expect(read.map(\.draft) == (1...25).map { n in
            var expected = Self.draft(n)
            expected.time = Date(microseconds: AuditChain.microseconds(expected.time))
            return expected
        })
        #expect(try await trail.store.audit.entries(target: "resident:7", limit: 10).map(\.sequence) == [7])
        #expect(try await trail.store.audit.entries(actor: "officer1", limit: 3).map(\.sequence) == [25, 22, 19])
    }

    @Test(arguments: Backend.allCases)
    func editedEntryIsFound(backend: Backend) async throws {
        let trail = try await Self.trail(backend)
        try await RawSQL.execute("UPDATE audit_entries SET target = 'resident:999' WHERE seq = 7", on: trail.store)
        #expect(try await trail.verify().firstBreak == .modified(sequence: 7))
    }

    @Test(arguments: Backend.allCases)
    func deletedEntryIsFound(backend: Backend) async throws {
        let trail = try await Self.trail(backend)
        try await RawSQL.execute("DELETE FROM audit_entries WHERE seq = 7", on: trail.store)
        #expect(try await trail.verify().firstBreak == .missing(from: 7, to: 7))
    }

    @Test(arguments: Backend.allCases)
    func insertedEntryIsFound(backend: Backend) async throws {
        let trail = try await Self.trail(backend)
        // Make room after entry 7 and slip in an entry whose hash is computed correctly on entry 7's hash.
        let seven = try #require(try await trail.store.audit.entries(after: 6, limit: 1).first)
        var forged = Self.draft(99)
        forged.time = Date(microseconds: AuditChain.microseconds(forged.time))
        let hash = AuditChain.hash(sequence: 8, draft: forged, previousHash: seven.hash)
        try await RawSQL.execute("UPDATE audit_entries SET seq = seq + 1000 WHERE seq > 7", on: trail.store)
        try await RawSQL.execute("UPDATE audit_entries SET seq = seq - 999 WHERE seq > 1000", on: trail.store)
        try await RawSQL.execute("""
            INSERT INTO audit_entries (seq, time_us, actor, role, unit, action, target, purpose, client, request_id, outcome, prev_hash, hash)
            VALUES (8, \(AuditChain.microseconds(forged.time)), 'officer0', 'commune-officer', '2025-01/14971', 'resident.read', 'resident:99', 'tra cứu',
                    '127.0.0.1', 'req99', 'ok', '\(seven.hash)', '\(hash)')
            """, on: trail.store)
        let found = try #require(try await trail.verify().firstBreak)
        // The forged entry itself is consistent; the entry after it no longer is (its number is in its hash).
        #expect(found == .modified(sequence: 9))
    }

    @Test(arguments: Backend.allCases)
    func reorderedEntriesAreFound(backend: Backend) async throws {
        let trail = try await Self.trail(backend)
        try await RawSQL.execute("UPDATE audit_entries SET seq = -5 WHERE seq = 5", on: trail.store)
        try await RawSQL.execute("UPDATE audit_entries SET seq = 5 WHERE seq = 6", on: trail.store)
        try await RawSQL.execute("UPDATE audit_entries SET seq = 6 WHERE seq = -5", on: trail.store)
        #expect(try await trail.verify().firstBreak == .modified(sequence: 5))
    }

    @Test(arguments: Backend.allCases)
    func recomputedChainIsFoundByTheSignedCheckpoint(backend: Backend) async throws {
        let trail = try await Self.trail(backend)
        // Someone edits entry 3 and recomputes every hash after it: the chain is consistent again, but
        // the checkpoint signed at entry 11 no longer matches.
        var entries = try await trail.store.audit.entries(after: 0, limit: 100)
        entries[2].draft.target = "resident:999"
        var previous = entries[1].hash
        for index in 2..<entries.count {
            entries[index].previousHash = previous
            entries[index].hash = AuditChain.hash(sequence: entries[index].sequence, draft: entries[index].draft, previousHash: previous)
            previous = entries[index].hash
            try await RawSQL.execute("""
                UPDATE audit_entries SET target = '\(entries[index].draft.target)', prev_hash = '\(entries[index].previousHash)',
                       hash = '\(entries[index].hash)' WHERE seq = \(entries[index].sequence)
                """, on: trail.store)
        }
        #expect(try await trail.verify().firstBreak == .rewritten(upTo: 11))
    }

    @Test(arguments: Backend.allCases)
    func truncatedTailIsFound(backend: Backend) async throws {
        let trail = try await Self.trail(backend)
        try await RawSQL.execute("DELETE FROM audit_entries WHERE seq > 15", on: trail.store)
        #expect(try await trail.verify().firstBreak == .truncated(after: 15, signedUpTo: 21))
    }

    @Test(arguments: Backend.allCases)
    func forgedCheckpointIsFound(backend: Backend) async throws {
        let trail = try await Self.trail(backend)
        try await RawSQL.execute("UPDATE audit_checkpoints SET hash = '\(String(repeating: "ab", count: 32))' WHERE seq = 11", on: trail.store)
        #expect(try await trail.verify().firstBreak == .badCheckpointSignature(sequence: 11))
    }

    /// Many writers at once, two logs (two servers) on one database: one unbroken chain, every entry in it.
    /// On PostgreSQL, written in fewer transactions than entries (group commit). On SQLite a caller that
    /// finds no batch under way writes its own without suspending, so with the test pool's threads busy
    /// elsewhere the writers may never overlap; `AuditGroupCommitTests` checks the grouping itself.
    @Test(arguments: Backend.durable)
    func concurrentWritersExtendOneChain(backend: Backend) async throws {
        let store = try await backend.open()
        let keys = KeyRing.generate()
        let signer = try await AuditSigner.load(from: store.audit, keys: keys)
        let logs = [AuditLog(store: store.audit, signer: signer), AuditLog(store: store.audit, signer: try await AuditSigner.load(from: store.audit, keys: keys))]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    for n in 0..<100 { try await logs[task % 2].record(Self.draft(task * 1000 + n)) }
                }
            }
            try await group.waitForAll()
        }
        let report = try await AuditVerifier(store: store.audit, signer: signer).verify()
        #expect(report.isIntact)
        #expect(report.entriesChecked == 1_600)
        let targets = Set(try await store.audit.entries(after: 0, limit: 2_000).map(\.draft.target))
        #expect(targets.count == 1_600)
        if !store.audit.writesInline {
            #expect(logs[0].batches + logs[1].batches < 1_600)
        }
    }
}
