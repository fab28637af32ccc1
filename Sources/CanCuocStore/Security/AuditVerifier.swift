import Foundation

/// Walks the whole audit chain and its signed checkpoints and reports the first place where the stored
/// trail differs from what was written.
public struct AuditVerifier: Sendable {
    public struct Report: Sendable {
        public var entriesChecked: Int64 = 0
        public var checkpointsChecked = 0
        public var lastSequence: Int64 = 0
        /// Entries after the last checkpoint (not yet anchored by a signature).
        public var unanchored: Int64 = 0
        public var firstBreak: AuditBreak?

        public var isIntact: Bool { firstBreak == nil }
    }

    let store: any AuditStore
    let signer: AuditSigner
    let pageSize: Int

    public init(store: any AuditStore, signer: AuditSigner, pageSize: Int = 50_000) {
        self.store = store
        self.signer = signer
        self.pageSize = pageSize
    }

    public func verify() async throws -> Report {
        var report = Report()
        let checkpoints = try await store.checkpoints().sorted { $0.sequence < $1.sequence }
        for checkpoint in checkpoints where !signer.isValid(checkpoint) {
            report.firstBreak = .badCheckpointSignature(sequence: checkpoint.sequence)
            return report
        }
        var walk = Walk(pending: checkpoints[...])
        var page = try await store.entries(after: 0, limit: pageSize)
        while !page.isEmpty {
            // The next page is read while this one is hashed, on every core (an abandoned read is
            // cancelled when the function returns).
            let after = page[page.count - 1].sequence, store = store, size = pageSize
            async let next = store.entries(after: after, limit: size)
            if let broken = walk.check(page, recomputed: await Self.hashes(of: page)) {
                report.firstBreak = broken
                break
            }
            page = try await next
        }
        report.entriesChecked = walk.checked
        report.checkpointsChecked = walk.checkpointsChecked
        guard report.firstBreak == nil else { return report }
        let previous = walk.previous
        report.lastSequence = previous.sequence
        if let checkpoint = walk.pending.first {
            report.firstBreak = .truncated(after: previous.sequence, signedUpTo: checkpoint.sequence)
            return report
        }
        report.unanchored = previous.sequence - (checkpoints.last?.sequence ?? 0)
        return report
    }
}

extension AuditVerifier {
    /// The walk's position: the last good entry and the checkpoints not reached yet.
    struct Walk {
        var pending: ArraySlice<AuditCheckpoint>
        var previous = AuditHead.genesis
        var checked: Int64 = 0
        var checkpointsChecked = 0

        /// Checks a page in order; the first break, or nil.
        mutating func check(_ page: [AuditEntry], recomputed: [String]) -> AuditBreak? {
            for (index, entry) in page.enumerated() {
                if entry.sequence != previous.sequence + 1 { return .missing(from: previous.sequence + 1, to: entry.sequence - 1) }
                if recomputed[index] != entry.hash { return .modified(sequence: entry.sequence) }
                if entry.previousHash != previous.hash { return .notLinked(sequence: entry.sequence) }
                while let checkpoint = pending.first, checkpoint.sequence <= entry.sequence {
                    if checkpoint.sequence == entry.sequence, checkpoint.hash != entry.hash { return .rewritten(upTo: entry.sequence) }
                    pending.removeFirst()
                    checkpointsChecked += 1
                }
                previous = AuditHead(sequence: entry.sequence, hash: entry.hash)
                checked += 1
            }
            return nil
        }
    }

    /// Each entry's hash recomputed from its stored fields, in parallel slices.
    static func hashes(of page: [AuditEntry]) async -> [String] {
        let slices = max(1, min(ProcessInfo.processInfo.activeProcessorCount, page.count / 1_000))
        let size = (page.count + slices - 1) / slices
        return await withTaskGroup(of: (Int, [String]).self) { group in
            for slice in 0..<slices {
                let range = (slice * size)..<min(page.count, (slice + 1) * size)
                let entries = Array(page[range])
                group.addTask {
                    (slice, entries.map { AuditChain.hash(sequence: $0.sequence, draft: $0.draft, previousHash: $0.previousHash) })
                }
            }
            var parts = [[String]](repeating: [], count: slices)
            for await (slice, hashes) in group { parts[slice] = hashes }
            return parts.flatMap { $0 }
        }
    }
}

/// Where and how the trail was altered.
public enum AuditBreak: Sendable, Equatable, CustomStringConvertible {
    /// The entry's content no longer matches its hash.
    case modified(sequence: Int64)
    /// Entries that once existed are gone.
    case missing(from: Int64, to: Int64)
    /// The entry does not follow the one before it: inserted, or moved.
    case notLinked(sequence: Int64)
    /// The chain is self-consistent but differs from a signed checkpoint: recomputed after a change.
    case rewritten(upTo: Int64)
    /// A checkpoint signs entries that are no longer there.
    case truncated(after: Int64, signedUpTo: Int64)
    case badCheckpointSignature(sequence: Int64)

    public var sequence: Int64 {
        switch self {
        case .modified(let s), .notLinked(let s), .rewritten(let s), .badCheckpointSignature(let s): s
        case .missing(let from, _): from
        case .truncated(let after, _): after + 1
        }
    }

    public var description: String {
        switch self {
        case .modified(let s): "entry \(s) was modified: its content does not match its hash"
        case let .missing(from, to): from == to ? "entry \(from) was deleted" : "entries \(from) to \(to) were deleted"
        case .notLinked(let s): "entry \(s) does not follow entry \(s - 1): an entry was inserted or the order changed"
        case .rewritten(let s): "the chain up to entry \(s) differs from its signed checkpoint: entries up to \(s) were rewritten"
        case let .truncated(after, signed): "entries after \(after) were deleted (a signed checkpoint covers up to \(signed))"
        case .badCheckpointSignature(let s): "the checkpoint at entry \(s) does not carry the server's signature"
        }
    }
}
