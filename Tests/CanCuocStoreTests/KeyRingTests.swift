import CanCuocCore
import CanCuocStore
import Foundation
import Testing

@Suite struct KeyRingTests {
    @Test func sealsAndOpensWithItsContext() throws {
        let ring = KeyRing.generate()
        let secret = Data("ảnh chân dung".utf8)
        let sealed = try ring.seal(secret, context: "photo:1")
        #expect(sealed != secret)
        #expect(!String(decoding: sealed, as: UTF8.self).contains("chân"))
        #expect(try ring.open(sealed, context: "photo:1") == secret)
        // Moved to another record: refused.
        #expect(throws: KeyRingError.tampered) { try ring.open(sealed, context: "photo:2") }
        var flipped = sealed
        flipped[flipped.count - 1] ^= 1
        #expect(throws: KeyRingError.tampered) { try ring.open(flipped, context: "photo:1") }
        #expect(throws: KeyRingError.notSealed) { try ring.open(Data([9, 9]), context: "photo:1") }
        // Two seals of the same data differ (fresh nonce).
        #expect(try ring.seal(secret, context: "photo:1") != sealed)
    }

    @Test func rotationKeepsOldDataReadableAndSealsNewDataWithTheNewKey() throws {
        let old = KeyRing.generate()
        let sealedBefore = try old.seal(Data("cũ".utf8), context: "c")
        let rotated = old.rotated()
        #expect(rotated.keys.count == 2)
        #expect(rotated.activeID != old.activeID)
        #expect(try rotated.open(sealedBefore, context: "c") == Data("cũ".utf8))
        let sealedAfter = try rotated.seal(Data("mới".utf8), context: "c")
        #expect(KeyRing.keyID(of: sealedAfter) == rotated.activeID)
        #expect(KeyRing.keyID(of: sealedBefore) == old.activeID)
        #expect(throws: KeyRingError.unknownKey(rotated.activeID)) { try old.open(sealedAfter, context: "c") }
    }

    @Test func keyFileRoundTripsAndBadFilesAreRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cancuoc.keys").path
        let created = try KeyRing.loadOrCreate(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let rotated = created.rotated()
        try rotated.save(path: path)
        let loaded = try KeyRing.load(path: path)
        #expect(loaded.keys.map(\.id) == rotated.keys.map(\.id))
        let sealed = try rotated.seal(Data("x".utf8), context: "t")
        #expect(try loaded.open(sealed, context: "t") == Data("x".utf8))
        #expect(!loaded.description.contains(rotated.fileText.split(separator: "\n")[1].split(separator: " ")[1]))
        #expect(throws: KeyRingError.empty) { try KeyRing(fileText: "# nothing\n") }
        #expect(throws: KeyRingError.malformed("line 1 is not 'ID BASE64-OF-32-BYTES'")) { try KeyRing(fileText: "k1 c2hvcnQ=\n") }
        #expect(throws: KeyRingError.unreadable("/nonexistent/keys")) { try KeyRing.load(path: "/nonexistent/keys") }
    }

    @Test func aMissingKeyFileIsMadeOnlyForARegisterWithNothingSealed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cancuoc.keys").path
        let original = KeyRing.generate(id: "k0000beef")
        let sealed = try original.seal(Data("signing key".utf8), context: "audit-checkpoint")
        // The register holds data sealed under a key: no new key is made, and no file is left behind.
        #expect(throws: KeyRingError.missing(path, neededKey: "k0000beef")) { try KeyRing.loadOrCreate(path: path, registerSealed: sealed) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(KeyRingError.missing(path, neededKey: "k0000beef").description.contains("key k0000beef"))
        // With the file back, the register's own key opens its data, whatever the register holds.
        try original.save(path: path)
        #expect(try KeyRing.loadOrCreate(path: path, registerSealed: sealed).open(sealed, context: "audit-checkpoint") == Data("signing key".utf8))
        // A register with nothing sealed yet gets a new file.
        try FileManager.default.removeItem(atPath: path)
        let created = try KeyRing.loadOrCreate(path: path, registerSealed: nil)
        #expect(try KeyRing.load(path: path).activeID == created.activeID)
        #expect(created.activeID != original.activeID)
    }

    /// Commands started together on a new register all make the key file at once: exactly one key wins,
    /// every one of them uses it, and no temporary file is left.
    @Test func keyFilesMadeAtOnceAgreeOnOneKey() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        for round in 0..<20 {
            let path = directory.appendingPathComponent("round-\(round).keys").path
            let results = SharedMutex([Result<String, KeyRingError>]())
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                let result = Result { try KeyRing.loadOrCreate(path: path).activeID }.mapError { $0 as? KeyRingError ?? .unreadable("?") }
                results.withLock { $0.append(result) }
            }
            let ids = try results.withLock { $0 }.map { try $0.get() }
            #expect(Set(ids) == [try KeyRing.load(path: path).activeID])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".partial") }.isEmpty)
    }

    @Test(arguments: Backend.allCases)
    func rotationReSealsStoredSecrets(backend: Backend) async throws {
        let store = try await backend.open()
        let old = KeyRing.generate()
        let signer = try await AuditSigner.load(from: store.audit, keys: old)
        let head = AuditHead(sequence: 1, hash: String(repeating: "a", count: 64))
        let checkpoint = try signer.checkpoint(for: head, at: Date())
        _ = try await store.accounts.create(Account(username: "pc06", displayName: "PC06", role: .provinceOfficer, unit: UnitRef(edition: .twoLevel, code: "38"),
                                                    passwordHash: "x", sealedTOTPSecret: try old.seal(Data("SECRET".utf8), context: "totp:pc06"), createdAt: Date()))
        let rotated = old.rotated()
        #expect(try await KeyRotation(store: store, keys: rotated).resealAll() == 2)
        let account = try #require(try await store.accounts.account(username: "pc06"))
        let sealed = try #require(account.sealedTOTPSecret)
        #expect(KeyRing.keyID(of: sealed) == rotated.activeID)
        #expect(try rotated.open(sealed, context: "totp:pc06") == Data("SECRET".utf8))
        // The same signing key, now sealed under the new key: old checkpoints still verify.
        let reloaded = try await AuditSigner.load(from: store.audit, keys: rotated)
        #expect(reloaded.isValid(checkpoint))
        #expect(KeyRing.keyID(of: try #require(try await store.audit.sealedSigningKey())) == rotated.activeID)
        #expect(try await KeyRotation(store: store, keys: rotated).resealAll() == 0)
    }
}
