import Foundation

/// What one audit entry says before it is chained: who did what to what, why, from where.
public struct AuditDraft: Sendable, Hashable {
    public var time: Date
    /// Username ("-" for an unknown or anonymous caller).
    public var actor: String
    public var role: String
    /// The actor's unit (edition/code).
    public var unit: String
    /// What happened: "resident.read", "resident.search", "signin.failure", "token.issue", ...
    public var action: String
    /// What it happened to: "resident:123", "account:admin1", "" when nothing in particular.
    public var target: String
    /// The purpose the caller stated (required for agency searches).
    public var purpose: String
    public var clientAddress: String
    public var requestID: String
    /// "ok", "denied", "not-found", "failed".
    public var outcome: String

    public init(time: Date, actor: String, role: String, unit: String, action: String, target: String = "",
                purpose: String = "", clientAddress: String = "", requestID: String = "", outcome: String = "ok") {
        self.time = time
        self.actor = actor
        self.role = role
        self.unit = unit
        self.action = action
        self.target = target
        self.purpose = purpose
        self.clientAddress = clientAddress
        self.requestID = requestID
        self.outcome = outcome
    }
}

/// An entry as stored: its place in the chain, and the hash that commits to it and to every entry before.
public struct AuditEntry: Sendable, Hashable {
    public var sequence: Int64
    public var draft: AuditDraft
    /// Hex SHA-256 of the previous entry (64 zeros for the first).
    public var previousHash: String
    public var hash: String

    public init(sequence: Int64, draft: AuditDraft, previousHash: String, hash: String) {
        self.sequence = sequence
        self.draft = draft
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// The last entry of the chain.
public struct AuditHead: Sendable, Hashable {
    public var sequence: Int64
    public var hash: String

    public static let genesis = AuditHead(sequence: 0, hash: String(repeating: "0", count: 64))

    public init(sequence: Int64, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }
}

/// A signed statement "the chain up to entry `sequence` ends in `hash`", made with the server's key, so
/// that rewriting the chain (even recomputing every hash) is detected.
public struct AuditCheckpoint: Sendable, Hashable {
    public var sequence: Int64
    public var hash: String
    public var time: Date
    /// DER ECDSA P-256 signature over `AuditChain.checkpointMessage`.
    public var signature: Data

    public init(sequence: Int64, hash: String, time: Date, signature: Data) {
        self.sequence = sequence
        self.hash = hash
        self.time = time
        self.signature = signature
    }
}
