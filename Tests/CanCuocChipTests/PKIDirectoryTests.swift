import CanCuocChip
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@Suite struct PKIDirectoryTests {
    @Test func cscaAndDocumentSignerFollowTheICAOProfiles() throws {
        let (pki, signer) = try ChipFixtures.pki()
        defer { ChipFixtures.remove(pki) }
        let csca = try #require(try pki.cscaCertificates().first)
        #expect(csca.issuer == csca.subject)
        #expect(try csca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        let cscaUsage = try #require(try csca.extensions.keyUsage)
        #expect(cscaUsage.keyCertSign && cscaUsage.cRLSign && !cscaUsage.digitalSignature)
        #expect(csca.extensions.first { $0.oid == .X509ExtensionID.keyUsage }?.critical == true)
        #expect(csca.signatureAlgorithm == .ecdsaWithSHA384)
        #expect(P384.Signing.PublicKey(csca.publicKey) != nil)

        let ds = signer.certificate
        #expect(ds.issuer == csca.subject)
        #expect(P256.Signing.PublicKey(ds.publicKey) != nil)
        let dsUsage = try #require(try ds.extensions.keyUsage)
        #expect(dsUsage.digitalSignature && !dsUsage.keyCertSign)
        let period = try PrivateKeyUsagePeriod(ds)
        let months = period.notAfter.timeIntervalSince(period.notBefore) / 86_400 / 30
        #expect((2.9...3.2).contains(months))
        // The certificate outlives the key by the longest card (23 years).
        #expect(ds.notValidAfter.timeIntervalSince(period.notAfter) > 22.9 * 365 * 86_400)
        #expect(try ds.extensions.authorityKeyIdentifier?.keyIdentifier == (try csca.extensions.subjectKeyIdentifier?.keyIdentifier))
    }

    @Test func keysAreEncryptedAndPrivate() throws {
        let (pki, _) = try ChipFixtures.pki()
        defer { ChipFixtures.remove(pki) }
        let files = try FileManager.default.contentsOfDirectory(atPath: pki.url.path)
        let keys = files.filter { $0.hasSuffix(".key") }
        #expect(keys.count == 2)
        for key in keys {
            let path = pki.url.appendingPathComponent(key).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
        #expect(throws: PKIError.wrongPassphrase) { try pki.signer(passphrase: "not the right passphrase") }
    }

    @Test func initTwiceIsRefusedAndIssueDSRotates() throws {
        let (pki, first) = try ChipFixtures.pki()
        defer { ChipFixtures.remove(pki) }
        #expect(throws: PKIError.alreadyInitialised(pki.url.path)) { try pki.initialise(passphrase: ChipFixtures.passphrase, iterations: ChipFixtures.iterations) }
        let later = Date().addingTimeInterval(60)
        let second = try pki.issueDocumentSigner(passphrase: ChipFixtures.passphrase, now: later, iterations: ChipFixtures.iterations)
        #expect(try pki.documentSignerCertificates().count == 2)
        #expect(try pki.signer(passphrase: ChipFixtures.passphrase, on: later.addingTimeInterval(1)).certificate == second)
        #expect(second != first.certificate)
        // Four months on, no Document Signer's key may sign any more.
        #expect(throws: PKIError.noUsableDocumentSigner(pki.url.path)) {
            try pki.signer(passphrase: ChipFixtures.passphrase, on: later.addingTimeInterval(120 * 86_400))
        }
        let folder = ChipFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: PKIError.passphraseTooShort(minimum: 12)) {
            try PKIDirectory(url: folder).initialise(passphrase: "short")
        }
    }

    @Test func masterListHoldsTheCSCA() throws {
        let (pki, _) = try ChipFixtures.pki()
        defer { ChipFixtures.remove(pki) }
        let bundle = try pki.masterList()
        #expect(bundle.components(separatedBy: "-----BEGIN CERTIFICATE-----").count == 2)
        #expect(try Certificate(pemEncoded: bundle) == (try pki.cscaCertificates().first))
    }
}
