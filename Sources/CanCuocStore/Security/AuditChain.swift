import Crypto
import Foundation

/// The hash chain's rules, the same for every backend: each entry's hash is SHA-256 over the previous
/// entry's hash and the entry's own fields, each written with its length so no two entries serialise alike.
public enum AuditChain {
    public static func hash(sequence: Int64, draft: AuditDraft, previousHash: String) -> String {
        var hasher = SHA256()
        func field(_ text: String) {
            let bytes = Array(text.utf8)
            hasher.update(data: Array("\(bytes.count):".utf8))
            hasher.update(data: bytes)
        }
        field(previousHash)
        field(String(sequence))
        field(String(microseconds(draft.time)))
        for text in [draft.actor, draft.role, draft.unit, draft.action, draft.target, draft.purpose, draft.clientAddress, draft.requestID, draft.outcome] {
            field(text)
        }
        return hex(hasher.finalize())
    }

    /// Chains drafts after `head`.
    public static func link(_ drafts: [AuditDraft], after head: AuditHead) -> [AuditEntry] {
        var previous = head
        var entries: [AuditEntry] = []
        entries.reserveCapacity(drafts.count)
        for draft in drafts {
            var stored = draft
            stored.time = Date(microseconds: microseconds(draft.time))
            let sequence = previous.sequence + 1
            let hash = hash(sequence: sequence, draft: stored, previousHash: previous.hash)
            entries.append(AuditEntry(sequence: sequence, draft: stored, previousHash: previous.hash, hash: hash))
            previous = AuditHead(sequence: sequence, hash: hash)
        }
        return entries
    }

    public static func checkpointMessage(sequence: Int64, hash: String, time: Date) -> Data {
        Data("cancuoc-audit-checkpoint|\(sequence)|\(hash)|\(microseconds(time))".utf8)
    }

    /// Times are kept as whole microseconds (an integer column on both backends), rounded to the nearest.
    public static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}

extension Date {
    public init(microseconds: Int64) {
        self.init(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }
}
