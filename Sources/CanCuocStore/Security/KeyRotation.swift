import Foundation

/// After a new key is added to the ring, re-seals every stored secret under it, so the old key can
/// later be retired. Until this has run, the old key still opens what it sealed.
public struct KeyRotation: Sendable {
    let store: any RegisterStore
    let keys: KeyRing

    public init(store: any RegisterStore, keys: KeyRing) {
        self.store = store
        self.keys = keys
    }

    /// Returns how many secrets were re-sealed.
    public func resealAll() async throws -> Int {
        var count = 0
        for var account in try await store.accounts.all() {
            guard let sealed = account.sealedTOTPSecret, KeyRing.keyID(of: sealed) != keys.activeID else { continue }
            let context = Account.totpContext(account.username)
            account.sealedTOTPSecret = try keys.seal(try keys.open(sealed, context: context), context: context)
            try await store.accounts.update(account)
            count += 1
        }
        if let sealed = try await store.audit.sealedSigningKey(), KeyRing.keyID(of: sealed) != keys.activeID {
            let signer = try AuditSigner(sealed: sealed, keys: keys)
            try await store.audit.replaceSealedSigningKey(try signer.sealed(with: keys))
            count += 1
        }
        // Card portraits (biometrics), page by page.
        var after: Int64 = 0
        while true {
            let page = try await store.cards.sealedFaces(after: after, limit: 500)
            guard let last = page.last else { break }
            for face in page where KeyRing.keyID(of: face.sealed) != keys.activeID {
                let context = StoredCard.faceContext(pin: face.pin)
                try await store.cards.replaceSealedFace(cardID: face.cardID, sealed: try keys.seal(try keys.open(face.sealed, context: context), context: context))
                count += 1
            }
            after = last.cardID
        }
        // Application biometrics, page by page.
        var afterApplication: Int64 = 0
        while true {
            let page = try await store.applications.sealedBiometrics(afterApplication: afterApplication, limit: 200)
            guard let last = page.last else { break }
            for biometric in page where KeyRing.keyID(of: biometric.sealed) != keys.activeID {
                let context = StoredBiometric.context(applicationID: biometric.applicationID, kind: biometric.kind)
                try await store.applications.replaceSealedBiometric(applicationID: biometric.applicationID, kind: biometric.kind,
                                                                    sealed: try keys.seal(try keys.open(biometric.sealed, context: context), context: context))
                count += 1
            }
            afterApplication = last.applicationID
        }
        return count
    }
}
