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
        var pending = checkpoints[...]
        var previous = AuditHead.genesis
        while true {
            let page = try await store.entries(after: previous.sequence, limit: pageSize)
            if page.isEmpty { break }
            for entry in page {
                if entry.sequence != previous.sequence + 1 {
                    report.firstBreak = .missing(from: previous.sequence + 1, to: entry.sequence - 1)
                    return report
                }
                if AuditChain.hash(sequence: entry.sequence, draft: entry.draft, previousHash: entry.previousHash) != entry.hash {
                    report.firstBreak = .modified(sequence: entry.sequence)
                    return report
                }
                if entry.previousHash != previous.hash {
                    report.firstBreak = .notLinked(sequence: entry.sequence)
                    return report
                }
                while let checkpoint = pending.first, checkpoint.sequence <= entry.sequence {
                    if checkpoint.sequence == entry.sequence, checkpoint.hash != entry.hash {
                        report.firstBreak = .rewritten(upTo: entry.sequence)
                        return report
                    }
                    pending.removeFirst()
                    report.checkpointsChecked += 1
                }
                previous = AuditHead(sequence: entry.sequence, hash: entry.hash)
                report.entriesChecked += 1
            }
        }
        report.lastSequence = previous.sequence
        if let checkpoint = pending.first {
            report.firstBreak = .truncated(after: previous.sequence, signedUpTo: checkpoint.sequence)
            return report
        }
        report.unanchored = previous.sequence - (checkpoints.last?.sequence ?? 0)
        return report
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
