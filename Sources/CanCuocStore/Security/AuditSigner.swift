import Crypto
import Foundation

/// The server's checkpoint key: ECDSA P-256, stored in the database sealed with the data key, so that
/// someone with the database alone can neither sign a forged checkpoint nor swap in a key of their own.
public struct AuditSigner: Sendable {
    let privateKey: P256.Signing.PrivateKey
    static let sealContext = "audit-checkpoint-key"

    /// Loads the key from the store, creating and storing one on the first start.
    public static func load(from store: any AuditStore, keys: KeyRing) async throws -> AuditSigner {
        if let sealed = try await store.sealedSigningKey() {
            return try AuditSigner(sealed: sealed, keys: keys)
        }
        let fresh = P256.Signing.PrivateKey()
        let sealed = try keys.seal(fresh.rawRepresentation, context: sealContext)
        return try AuditSigner(sealed: try await store.storeSigningKeyIfAbsent(sealed), keys: keys)
    }

    init(sealed: Data, keys: KeyRing) throws {
        privateKey = try P256.Signing.PrivateKey(rawRepresentation: keys.open(sealed, context: Self.sealContext))
    }

    public func checkpoint(for head: AuditHead, at time: Date) throws -> AuditCheckpoint {
        let time = Date(microseconds: AuditChain.microseconds(time))
        let message = AuditChain.checkpointMessage(sequence: head.sequence, hash: head.hash, time: time)
        return AuditCheckpoint(sequence: head.sequence, hash: head.hash, time: time,
                               signature: try privateKey.signature(for: message).derRepresentation)
    }

    public func isValid(_ checkpoint: AuditCheckpoint) -> Bool {
        guard let signature = try? P256.Signing.ECDSASignature(derRepresentation: checkpoint.signature) else { return false }
        let message = AuditChain.checkpointMessage(sequence: checkpoint.sequence, hash: checkpoint.hash, time: checkpoint.time)
        return privateKey.publicKey.isValidSignature(signature, for: message)
    }

    /// Sealing with a key ring re-seals the signing key under the ring's active key (rotation).
    public func sealed(with keys: KeyRing) throws -> Data {
        try keys.seal(privateKey.rawRepresentation, context: Self.sealContext)
    }
}
