import CanCuocChip
import CanCuocCore
import Crypto
import Foundation
import Testing
import X509

@Suite struct PassiveAuthenticationTests {
    func verify(_ files: [LDSFile: [UInt8]], _ cscas: [Certificate], date: LocalDate? = nil) async -> PassiveAuthentication {
        await PassiveAuthentication.verify(files: files, cscas: cscas, issueDate: date)
    }

    func failed(_ report: PassiveAuthentication) -> [String] { report.checks.filter { !$0.passed }.map(\.name) }

    @Test func aFreshCardPasses() async throws {
        let (pki, signer) = try ChipFixtures.pki()
        defer { ChipFixtures.remove(pki) }
        let card = try ChipFixtures.card(issued: LocalDate(Date()).description, signer: signer)
        let report = await verify(card.files, try pki.cscaCertificates())
        #expect(report.passed, "\(report.checks)")
        #expect(report.checks.map(\.name) == ["EF.SOD structure", "DG1 hash", "DG2 hash", "DG13 hash", "signed attributes", "signature", "DS certificate chain", "DS certificate validity"])
    }

    @Test func sodRoundTrip() throws {
        let (pkiToRemove, signer) = try ChipFixtures.pki()
        defer { ChipFixtures.remove(pkiToRemove) }
        let card = try ChipFixtures.card(signer: signer)
        let sod = try DocumentSecurityObject(efSOD: try #require(card.files[.sod]))
        #expect(sod.signedDataVersion == 3)
        #expect(sod.contentType == "2.23.136.1.1.1")
        #expect(sod.digestAlgorithms == ["2.16.840.1.101.3.4.2.1"])
        #expect(sod.securityObject.hashes.map(\.number) == [1, 2, 13])
        #expect(sod.securityObject.hashes[0].hash == Array(SHA256.hash(data: card.files[.dg1]!)))
        #expect(sod.signer.version == 1)
        #expect(sod.signer.contentTypeAttribute == "2.23.136.1.1.1")
        #expect(sod.signer.messageDigestAttribute == Array(SHA256.hash(data: sod.encapsulatedContent)))
        #expect(sod.signerCertificate == signer.certificate)
        // Digest algorithm identifiers carry no NULL parameters: 30 0B 06 09 <sha-256>.
        let sha256Identifier: [UInt8] = [0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01]
        #expect(card.files[.sod]!.firstRange(of: sha256Identifier) != nil)
        #expect(card.files[.sod]!.firstRange(of: sha256Identifier + [0x05, 0x00]) == nil)
    }

    @Test func aChangedDataGroupByteFails() async throws {
        let (pki, signer) = try ChipFixtures.pki()
        defer { ChipFixtures.remove(pki) }
        var files = try ChipFixtures.card(issued: LocalDate(Date()).description, signer: signer).files
        files[.dg13]![20] ^= 0x01
        let report = await verify(files, try pki.cscaCertificates())
        #expect(!report.passed)
        #expect(failed(report) == ["DG13 hash"])
    }

    @Test func aCorruptedSignatureFails() async throws {
        let (pki, signer) = try ChipFixtures.pki()
        defer { ChipFixtures.remove(pki) }
        var files = try ChipFixtures.card(issued: LocalDate(Date()).description, signer: signer).files
        let last = files[.sod]!.count - 1
        files[.sod]![last] ^= 0x55  // the last byte of the signature, the last field of EF.SOD
        let report = await verify(files, try pki.cscaCertificates())
        #expect(failed(report) == ["signature"])
    }

    @Test func aWrongCSCAFails() async throws {
        let (pkiToRemove, signer) = try ChipFixtures.pki()
        defer { ChipFixtures.remove(pkiToRemove) }
        let (other, _) = try ChipFixtures.pki()
        defer { ChipFixtures.remove(other) }
        let files = try ChipFixtures.card(issued: LocalDate(Date()).description, signer: signer).files
        let report = await verify(files, try other.cscaCertificates())
        #expect(failed(report) == ["DS certificate chain"])
    }

    @Test func anExpiredDocumentSignerFails() async throws {
        let issued = try LocalDate(iso: "2021-07-24")
        let start = Date(timeIntervalSince1970: 1_514_764_800)  // 2018-01-01
        let cscaKey = P384.Signing.PrivateKey()
        let csca = try CertificateProfiles.csca(key: cscaKey, notBefore: start)
        let dsKey = P256.Signing.PrivateKey()
        let dsCert = try CertificateProfiles.documentSigner(key: dsKey, csca: csca, cscaKey: cscaKey, notBefore: start, keyUsageMonths: 3, validityYears: 1)
        let signer = try DocumentSigner(certificate: dsCert, privateKey: dsKey)
        let files = try ChipFixtures.card(issued: issued.description, signer: signer).files
        let report = await verify(files, [csca])
        #expect(failed(report).contains("DS certificate validity"))
        #expect(!report.passed)
        // The same card checked as of a day the DS certificate was valid passes.
        let early = await verify(files, [csca], date: try LocalDate(iso: "2018-06-01"))
        #expect(early.passed, "\(early.checks)")
    }

    @Test func aMissingDataGroupOrSODFails() async throws {
        let (pki, signer) = try ChipFixtures.pki()
        defer { ChipFixtures.remove(pki) }
        var files = try ChipFixtures.card(issued: LocalDate(Date()).description, signer: signer).files
        files[.dg2] = nil
        #expect(failed(await verify(files, try pki.cscaCertificates())) == ["DG2 hash"])
        files[.sod] = Array(files[.sod]!.prefix(50))
        let broken = await verify(files, try pki.cscaCertificates())
        #expect(failed(broken) == ["EF.SOD structure"])
    }
}
