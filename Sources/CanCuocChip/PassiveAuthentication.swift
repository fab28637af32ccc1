import CanCuocCore
import Crypto
import Foundation
import X509

/// Passive Authentication (ICAO 9303 Part 11, 5.1): EF.SOD's structure, every data group's hash, the signed
/// attributes, the Document Signer's signature, the DS certificate's chain to a trusted CSCA, and the DS
/// certificate's validity on the card's issue date. One line per check; the card passes only if all do.
public struct PassiveAuthentication: Sendable {
    public struct Check: Sendable, Hashable {
        public let name: String
        public let passed: Bool
        public let detail: String
    }

    public private(set) var checks: [Check] = []
    public var passed: Bool { !checks.isEmpty && checks.allSatisfy(\.passed) }

    /// `files` by LDS file; `cscas` the trusted CSCA certificates; `issueDate` overrides the date read from DG13.
    public static func verify(files: [LDSFile: [UInt8]], cscas: [Certificate], issueDate: LocalDate? = nil) async -> PassiveAuthentication {
        await verify(files: files, cscas: cscas, issueDate: issueDate, chains: nil)
    }

    /// As above; `chains` remembers each Document Signer's chain result per issue day, since every card a
    /// signer made in a day shares it (path validation costs a P-384 verification).
    static func verify(files: [LDSFile: [UInt8]], cscas: [Certificate], issueDate: LocalDate?, chains: ChainCache?) async -> PassiveAuthentication {
        var report = PassiveAuthentication()
        guard let sodBytes = files[.sod] else {
            report.add("EF.SOD structure", false, "EF.SOD is missing")
            return report
        }
        let sod: DocumentSecurityObject
        do {
            sod = try DocumentSecurityObject(efSOD: sodBytes)
            try report.structure(sod)
        } catch {
            report.add("EF.SOD structure", false, "\(error)")
            return report
        }
        report.add("EF.SOD structure", true, "SignedData v3, content type \(sod.contentType), \(sod.securityObject.hashes.count) data-group hashes")
        report.dataGroupHashes(sod, files: files)
        report.signedAttributes(sod)
        guard let ds = sod.signerCertificate else {
            report.add("signature", false, "the Document Signer certificate named by the SignerInfo is not in EF.SOD")
            return report
        }
        report.signature(sod, ds: ds)
        let date = issueDate ?? Self.issueDate(files: files)
        let moment = date.map { Self.moment(on: $0, for: ds) } ?? Date()
        let key = ChainCache.Key(certificate: ds, moment: moment)
        if let chains, let cached = chains.result(for: key) {
            report.checks.append(contentsOf: cached)
        } else {
            let before = report.checks.count
            await report.chain(ds, cscas: cscas, at: moment)
            chains?.store(Array(report.checks[before...]), for: key)
        }
        report.validity(ds, issueDate: date)
        return report
    }

    private mutating func add(_ name: String, _ passed: Bool, _ detail: String) {
        checks.append(Check(name: name, passed: passed, detail: detail))
    }

    private func structure(_ sod: DocumentSecurityObject) throws {
        guard sod.signedDataVersion == 3 else { throw SODError.structure("SignedData version is \(sod.signedDataVersion), ICAO requires 3") }
        guard sod.contentType == ChipOID.ldsSecurityObject.description else {
            throw SODError.structure("encapsulated content type is \(sod.contentType), expected \(ChipOID.ldsSecurityObject)")
        }
        guard Self.digest(sod.securityObject.hashAlgorithmOID) != nil else {
            throw SODError.structure("unsupported hash algorithm \(sod.securityObject.hashAlgorithmOID)")
        }
        guard !sod.certificates.isEmpty else { throw SODError.structure("EF.SOD carries no Document Signer certificate") }
    }

    private mutating func dataGroupHashes(_ sod: DocumentSecurityObject, files: [LDSFile: [UInt8]]) {
        let algorithm = sod.securityObject.hashAlgorithmOID
        let listed = Set(sod.securityObject.hashes.map(\.number))
        for entry in sod.securityObject.hashes {
            let number = entry.number
            let name = "DG\(number) hash"
            guard let file = LDSFile(dataGroup: number), let bytes = files[file] else {
                add(name, false, "DG\(number) is listed in EF.SOD but missing")
                continue
            }
            let actual = Self.digest(algorithm)?(bytes) ?? []
            add(name, actual == entry.hash, actual == entry.hash ? "matches" : "differs from EF.SOD (the data group was changed)")
        }
        for file in files.keys.sorted() {
            if let number = file.dataGroup, !listed.contains(number) {
                add("DG\(number) hash", false, "DG\(number) is on the card but not in EF.SOD")
            }
        }
    }

    private mutating func signedAttributes(_ sod: DocumentSecurityObject) {
        let digest = Self.digest(sod.signer.digestAlgorithm)?(sod.encapsulatedContent)
        let typeOK = sod.signer.contentTypeAttribute == sod.contentType
        let digestOK = digest != nil && sod.signer.messageDigestAttribute == digest
        let detail = !typeOK ? "contentType attribute does not name the LDS security object"
            : !digestOK ? "messageDigest attribute does not match the LDS security object" : "contentType and messageDigest match"
        add("signed attributes", typeOK && digestOK, detail)
    }

    private mutating func signature(_ sod: DocumentSecurityObject, ds: Certificate) {
        let algorithm: Certificate.SignatureAlgorithm? = switch sod.signer.signatureAlgorithm {
        case ChipOID.ecdsaWithSHA256.description: .ecdsaWithSHA256
        case ChipOID.ecdsaWithSHA384.description: .ecdsaWithSHA384
        case ChipOID.ecdsaWithSHA512.description: .ecdsaWithSHA512
        default: nil
        }
        guard let algorithm else {
            add("signature", false, "unsupported signature algorithm \(sod.signer.signatureAlgorithm)")
            return
        }
        let valid = ds.publicKey.isValidSignature(sod.signer.signature, for: sod.signer.signedAttributesDER, signatureAlgorithm: algorithm)
        add("signature", valid, valid ? "valid, by \(ds.subject)" : "does not verify with the Document Signer's key")
    }

    /// A moment of the issue day at which to check the chain: when the DS certificate was issued that very day,
    /// from its start, else the start of the day (Viet Nam time).
    static func moment(on day: LocalDate, for ds: Certificate) -> Date {
        let dayStart = day.endInstant.addingTimeInterval(-86_400)
        return ds.notValidBefore > dayStart && ds.notValidBefore < day.endInstant ? ds.notValidBefore : dayStart
    }

    private mutating func chain(_ ds: Certificate, cscas: [Certificate], at moment: Date) async {
        guard !cscas.isEmpty else {
            add("DS certificate chain", false, "no trusted CSCA certificate given")
            return
        }
        // The chain, the certificates' profiles and the CSCA's and DS's validity on the issue date.
        var verifier = Verifier(rootCertificates: CertificateStore(cscas)) { RFC5280Policy(validationTime: moment) }
        let result = await verifier.validate(leaf: ds, intermediates: CertificateStore())
        switch result {
        case .validCertificate(let chain):
            add("DS certificate chain", true, "issued by \(chain.last?.subject.description ?? "the CSCA")")
        case .couldNotValidate:
            let issuers = cscas.filter { $0.subject == ds.issuer }
            let reason = if issuers.isEmpty {
                "issued by \(ds.issuer), which is not a trusted CSCA"
            } else if !issuers.contains(where: { $0.publicKey.isValidSignature(ds.signature, for: ds) }) {
                "the CSCA's signature on the DS certificate does not verify"
            } else {
                "RFC 5280 path validation fails on \(moment) (a certificate is not valid then, or breaks its profile)"
            }
            add("DS certificate chain", false, reason)
        }
        if let key = try? ds.extensions.keyUsage, !key.digitalSignature {
            add("DS key usage", false, "the certificate does not allow digitalSignature")
        }
    }

    private mutating func validity(_ ds: Certificate, issueDate: LocalDate?) {
        guard let issueDate else {
            add("DS certificate validity", false, "the issue date is unknown (no DG13 issue date, none given)")
            return
        }
        let dayStart = issueDate.endInstant.addingTimeInterval(-86_400)
        let valid = ds.notValidBefore < issueDate.endInstant && ds.notValidAfter >= dayStart
        add("DS certificate validity", valid, valid ? "valid on the issue date \(issueDate)"
            : "not valid on the issue date \(issueDate) (valid \(ds.notValidBefore) to \(ds.notValidAfter))")
    }

    static func digest(_ oid: String) -> (([UInt8]) -> [UInt8])? {
        switch oid {
        case ChipOID.sha256.description: { Array(SHA256.hash(data: $0)) }
        case ChipOID.sha384.description: { Array(SHA384.hash(data: $0)) }
        case ChipOID.sha512.description: { Array(SHA512.hash(data: $0)) }
        default: nil
        }
    }

    /// The issue date written in DG13 (field 11, dd/MM/yyyy).
    static func issueDate(files: [LDSFile: [UInt8]]) -> LocalDate? {
        guard let bytes = files[.dg13], let dg13 = try? DG13(encoded: bytes), let text = dg13[.issueDate] else { return nil }
        let parts = text.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return try? LocalDate(year: parts[2], month: parts[1], day: parts[0])
    }
}
