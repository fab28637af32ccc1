import CanCuocCore
import Foundation
import Synchronization
import X509

/// Passive authentication of many cards against one set of CSCAs: the chain of each Document Signer is
/// validated once per issue moment and remembered, the rest (hashes, signature, validity) runs per card.
public final class PassiveAuthenticator: Sendable {
    public let trusted: TrustedCSCAs
    let chains = ChainCache()

    public init(trusted: TrustedCSCAs) {
        self.trusted = trusted
    }

    public func verify(files: [LDSFile: [UInt8]], issueDate: LocalDate? = nil) async -> PassiveAuthentication {
        await PassiveAuthentication.verify(files: files, cscas: trusted.certificates, issueDate: issueDate, chains: chains)
    }
}

/// Chain-check lines by (DS certificate, moment). Bounded: cleared when it grows past `limit` entries.
final class ChainCache: Sendable {
    /// Certificates are Hashable: no need to serialise one per card to key it.
    struct Key: Hashable, Sendable {
        let certificate: Certificate
        let moment: Date
    }

    static let limit = 10_000
    private let entries = Mutex<[Key: [PassiveAuthentication.Check]]>([:])

    func result(for key: Key) -> [PassiveAuthentication.Check]? {
        entries.withLock { $0[key] }
    }

    func store(_ checks: [PassiveAuthentication.Check], for key: Key) {
        entries.withLock { cache in
            if cache.count >= Self.limit { cache.removeAll() }
            cache[key] = checks
        }
    }
}
