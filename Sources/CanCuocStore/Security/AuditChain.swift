import Crypto
import Foundation

/// The hash chain's rules, the same for every backend: each entry's hash is SHA-256 over the previous
/// entry's hash and the entry's own fields, each written with its length so no two entries serialise alike.
public enum AuditChain {
    public static func hash(sequence: Int64, draft: AuditDraft, previousHash: String) -> String {
        // One buffer, hashed once: verifying ten million entries is dominated by this function.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        func field(_ text: String) {
            var text = text
            text.withUTF8 { utf8 in
                bytes.append(contentsOf: String(utf8.count).utf8)
                bytes.append(UInt8(ascii: ":"))
                bytes.append(contentsOf: utf8)
            }
        }
        field(previousHash)
        field(String(sequence))
        field(String(microseconds(draft.time)))
        field(draft.actor)
        field(draft.role)
        field(draft.unit)
        field(draft.action)
        field(draft.target)
        field(draft.purpose)
        field(draft.clientAddress)
        field(draft.requestID)
        field(draft.outcome)
        return hex(SHA256.hash(data: bytes))
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
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Date {
    public init(microseconds: Int64) {
        self.init(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }
}
