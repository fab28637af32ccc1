import Foundation

/// The append-only audit trail. Appends are chained in the backend's transaction with the chain head
/// locked, so concurrent servers on one database extend one chain.
public protocol AuditStore: Sendable {
    /// Chains `drafts` after the current head and stores them, all or nothing; when `checkpoint` returns
    /// one for the new head (given the last checkpoint's sequence and time), it is stored in the same
    /// transaction. Returns the new head.
    func append(_ drafts: [AuditDraft], checkpoint: @escaping @Sendable (AuditHead, _ lastSequence: Int64, _ lastTime: Date?) throws -> AuditCheckpoint?) async throws -> AuditHead
    /// Whether `append` does its work on the calling thread without waiting on the network (SQLite):
    /// then the audit log calls it from the request's own task, cancellation and all.
    var writesInline: Bool { get }
    /// Entries with sequence > `after`, in order, at most `limit`.
    func entries(after: Int64, limit: Int) async throws -> [AuditEntry]
    func checkpoints() async throws -> [AuditCheckpoint]
    /// Newest first: who touched this target ("resident:123").
    func entries(target: String, limit: Int) async throws -> [AuditEntry]
    /// Newest first: what this actor did.
    func entries(actor: String, limit: Int) async throws -> [AuditEntry]

    /// The server's checkpoint signing key, sealed with the data key; nil before the first start.
    func sealedSigningKey() async throws -> Data?
    /// Stores `sealed` unless a key is already stored, and returns the stored one (two servers starting
    /// together agree on one key).
    func storeSigningKeyIfAbsent(_ sealed: Data) async throws -> Data
    /// Replaces the stored key with the same key sealed under a newer data key (key rotation).
    func replaceSealedSigningKey(_ sealed: Data) async throws
}

extension AuditStore {
    public var writesInline: Bool { false }
}
