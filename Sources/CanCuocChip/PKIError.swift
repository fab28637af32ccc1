/// Faults of the card PKI: keys, certificates, passphrases.
public enum PKIError: Error, Equatable, Sendable, CustomStringConvertible {
    case keyDoesNotMatchCertificate
    case wrongPassphrase
    case passphraseTooShort(minimum: Int)
    case notEncryptedPrivateKey(String)
    case unsupportedKeyEncryption(String)
    case alreadyInitialised(String)
    case notInitialised(String)
    case noUsableDocumentSigner(String)
    case unreadable(file: String, reason: String)

    public var description: String {
        switch self {
        case .keyDoesNotMatchCertificate: "the private key does not belong to the certificate"
        case .wrongPassphrase: "the passphrase does not open this private key"
        case .passphraseTooShort(let minimum): "the PKI passphrase must have at least \(minimum) characters"
        case .notEncryptedPrivateKey(let file): "\(file) is not an encrypted PKCS#8 private key (ENCRYPTED PRIVATE KEY)"
        case .unsupportedKeyEncryption(let what): "unsupported private-key encryption: \(what) (expected PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC)"
        case .alreadyInitialised(let dir): "\(dir) already holds a CSCA; use `cancuoc pki issue-ds` to add a Document Signer"
        case .notInitialised(let dir): "\(dir) holds no CSCA; run `cancuoc pki init` first"
        case .noUsableDocumentSigner(let dir): "no Document Signer in \(dir) may sign on that date (outside every private key usage period); run `cancuoc pki issue-ds`"
        case let .unreadable(file, reason): "cannot read \(file): \(reason)"
        }
    }
}
