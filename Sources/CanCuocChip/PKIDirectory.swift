import Crypto
import Foundation
import SwiftASN1
import X509

/// The card PKI kept in a folder: each certificate as PEM beside its private key in encrypted PKCS#8
/// (`csca-SERIAL.pem` / `csca-SERIAL.key`, `ds-SERIAL.pem` / `ds-SERIAL.key`). The folder is 0700 and
/// the keys 0600; each file is written to a temporary name and renamed, the key before its certificate, so
/// an interrupted run never leaves a certificate without its key.
public struct PKIDirectory: Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// Creates the CSCA and a first Document Signer.
    @discardableResult
    public func initialise(passphrase: String, now: Date = Date(), iterations: Int = EncryptedPrivateKey.defaultIterations) throws -> (csca: Certificate, ds: Certificate) {
        if !(try cscaCertificates()).isEmpty { throw PKIError.alreadyInitialised(url.path) }
        guard passphrase.count >= EncryptedPrivateKey.minimumPassphraseLength else {
            throw PKIError.passphraseTooShort(minimum: EncryptedPrivateKey.minimumPassphraseLength)
        }
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = P384.Signing.PrivateKey()
        let csca = try CertificateProfiles.csca(key: key, notBefore: now)
        try store(certificate: csca, key: key.derRepresentation, prefix: "csca", passphrase: passphrase, iterations: iterations)
        let ds = try issueDocumentSigner(passphrase: passphrase, now: now, iterations: iterations)
        return (csca, ds)
    }

    /// A new Document Signer from the newest CSCA whose key may still sign.
    @discardableResult
    public func issueDocumentSigner(passphrase: String, now: Date = Date(), iterations: Int = EncryptedPrivateKey.defaultIterations) throws -> Certificate {
        guard let csca = PrivateKeyUsagePeriod.newest(of: try cscaCertificates(), keyUsableAt: now) else { throw PKIError.notInitialised(url.path) }
        let cscaKey = try P384.Signing.PrivateKey(derRepresentation: try openKey(for: csca, prefix: "csca", passphrase: passphrase))
        let key = P256.Signing.PrivateKey()
        let ds = try CertificateProfiles.documentSigner(key: key, csca: csca, cscaKey: cscaKey, notBefore: now)
        try store(certificate: ds, key: key.derRepresentation, prefix: "ds", passphrase: passphrase, iterations: iterations)
        return ds
    }

    public func cscaCertificates() throws -> [Certificate] { try certificates(prefix: "csca") }
    public func documentSignerCertificates() throws -> [Certificate] { try certificates(prefix: "ds") }

    /// The newest Document Signer whose private key usage period covers `date`, its key opened.
    public func signer(passphrase: String, on date: Date = Date()) throws -> DocumentSigner {
        guard let cert = PrivateKeyUsagePeriod.newest(of: try documentSignerCertificates(), keyUsableAt: date) else {
            throw PKIError.noUsableDocumentSigner(url.path)
        }
        let key = try P256.Signing.PrivateKey(derRepresentation: try openKey(for: cert, prefix: "ds", passphrase: passphrase))
        return try DocumentSigner(certificate: cert, privateKey: key)
    }

    /// The CSCA certificates as one PEM bundle, newest first, for relying parties.
    public func masterList() throws -> String {
        try cscaCertificates().sorted { $0.notValidBefore > $1.notValidBefore }
            .map { try $0.serializeAsPEM().pemString + "\n" }.joined()
    }

    // MARK: Files

    private func fileStem(_ certificate: Certificate, prefix: String) -> String {
        prefix + "-" + certificate.serialNumber.hex
    }

    private func store(certificate: Certificate, key: Data, prefix: String, passphrase: String, iterations: Int) throws {
        let stem = fileStem(certificate, prefix: prefix)
        let sealed = try EncryptedPrivateKey.seal(pkcs8: Array(key), passphrase: passphrase, iterations: iterations)
        try Self.writeAtomically(Data(sealed.utf8), to: url.appendingPathComponent(stem + ".key"), mode: 0o600)
        try Self.writeAtomically(Data((try certificate.serializeAsPEM().pemString + "\n").utf8), to: url.appendingPathComponent(stem + ".pem"), mode: 0o644)
    }

    private func openKey(for certificate: Certificate, prefix: String, passphrase: String) throws -> Data {
        let file = url.appendingPathComponent(fileStem(certificate, prefix: prefix) + ".key")
        guard let pem = try? String(contentsOf: file, encoding: .utf8) else { throw PKIError.unreadable(file: file.path, reason: "missing private key") }
        let der = try EncryptedPrivateKey.open(pem: pem, passphrase: passphrase, file: file.lastPathComponent)
        return Data(der)
    }

    private func certificates(prefix: String) throws -> [Certificate] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return [] }
        return try names.filter { $0.hasPrefix(prefix + "-") && $0.hasSuffix(".pem") }.sorted().map { name in
            let path = url.appendingPathComponent(name)
            do {
                return try Certificate(pemEncoded: try String(contentsOf: path, encoding: .utf8))
            } catch {
                throw PKIError.unreadable(file: path.path, reason: "\(error)")
            }
        }
    }

    static func writeAtomically(_ data: Data, to file: URL, mode: Int) throws {
        let temporary = file.deletingLastPathComponent().appendingPathComponent("." + file.lastPathComponent + ".tmp")
        FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: mode])
        try data.write(to: temporary)
        guard rename(temporary.path, file.path) == 0 else { throw PKIError.unreadable(file: file.path, reason: "cannot write (errno \(errno))") }
    }
}
