import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1

/// A private key at rest as a standard encrypted PKCS#8 document (RFC 5958 EncryptedPrivateKeyInfo with
/// PBES2, RFC 8018): PBKDF2-HMAC-SHA256 over the passphrase, AES-256-CBC. OpenSSL and Python's
/// `cryptography` open it with the same passphrase.
public enum EncryptedPrivateKey {
    public static let pemType = "ENCRYPTED PRIVATE KEY"
    public static let defaultIterations = 600_000
    public static let minimumPassphraseLength = 12

    public static func seal(pkcs8 plaintext: [UInt8], passphrase: String, iterations: Int = defaultIterations) throws -> String {
        guard passphrase.count >= minimumPassphraseLength else { throw PKIError.passphraseTooShort(minimum: minimumPassphraseLength) }
        let salt = [UInt8](randomBytes: 16)
        let iv = [UInt8](randomBytes: 16)
        // Unchecked rounds only so that tests can use cheap keys; every caller in the product uses the default.
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Array(passphrase.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: iterations)
        let ciphertext = try AES._CBC.encrypt(plaintext, using: key, iv: try AES._CBC.IV(ivBytes: iv))
        let der = try DERBytes.wrapped(.sequence) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(ChipOID.pbes2)
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(ChipOID.pbkdf2)
                        try coder.appendConstructedNode(identifier: .sequence) { coder in
                            try coder.serialize(ASN1OctetString(contentBytes: salt[...]))
                            try coder.serialize(iterations)
                            try coder.serialize(32)
                            try coder.serialize(AlgorithmIdentifier(ChipOID.hmacWithSHA256, parameters: try ASN1Any(erasing: ASN1Null())))
                        }
                    }
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(ChipOID.aes256CBC)
                        try coder.serialize(ASN1OctetString(contentBytes: iv[...]))
                    }
                }
            }
            try coder.serialize(ASN1OctetString(contentBytes: Array(ciphertext)[...]))
        }
        return PEMDocument(type: pemType, derBytes: der).pemString + "\n"
    }

    /// The PKCS#8 plaintext; `PKIError.wrongPassphrase` when the passphrase does not open it.
    public static func open(pem: String, passphrase: String, file: String) throws -> [UInt8] {
        guard let document = try? PEMDocument(pemString: pem), document.discriminator == pemType else { throw PKIError.notEncryptedPrivateKey(file) }
        let parsed: (salt: [UInt8], iterations: Int, iv: [UInt8], ciphertext: [UInt8])
        do {
            parsed = try DER.sequence(try DER.parse(document.derBytes), identifier: .sequence) { nodes in
                let (salt, iterations, iv): ([UInt8], Int, [UInt8]) = try DER.sequence(nodes.next()!, identifier: .sequence) { algorithm in
                    let scheme = try ASN1ObjectIdentifier(derEncoded: &algorithm)
                    guard scheme == ChipOID.pbes2 else { throw PKIError.unsupportedKeyEncryption("scheme \(scheme)") }
                    return try DER.sequence(algorithm.next()!, identifier: .sequence) { params in
                        let (salt, iterations): ([UInt8], Int) = try DER.sequence(params.next()!, identifier: .sequence) { kdf in
                            let kdfOID = try ASN1ObjectIdentifier(derEncoded: &kdf)
                            guard kdfOID == ChipOID.pbkdf2 else { throw PKIError.unsupportedKeyEncryption("key derivation \(kdfOID)") }
                            return try DER.sequence(kdf.next()!, identifier: .sequence) { p in
                                let salt = try ASN1OctetString(derEncoded: &p)
                                let iterations = try Int(derEncoded: &p)
                                var prf = ChipOID.hmacWithSHA256
                                while let node = p.next() {
                                    if node.identifier == .sequence { prf = try AlgorithmIdentifier(derEncoded: node).algorithm }
                                }
                                guard prf == ChipOID.hmacWithSHA256 else { throw PKIError.unsupportedKeyEncryption("PRF \(prf)") }
                                return (Array(salt.bytes), iterations)
                            }
                        }
                        let iv: [UInt8] = try DER.sequence(params.next()!, identifier: .sequence) { cipher in
                            let cipherOID = try ASN1ObjectIdentifier(derEncoded: &cipher)
                            guard cipherOID == ChipOID.aes256CBC else { throw PKIError.unsupportedKeyEncryption("cipher \(cipherOID)") }
                            return Array(try ASN1OctetString(derEncoded: &cipher).bytes)
                        }
                        return (salt, iterations, iv)
                    }
                }
                let ciphertext = try ASN1OctetString(derEncoded: &nodes)
                return (salt, iterations, iv, Array(ciphertext.bytes))
            }
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError.notEncryptedPrivateKey(file)
        }
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Array(passphrase.utf8), salt: parsed.salt, using: .sha256,
                                                    outputByteCount: 32, unsafeUncheckedRounds: parsed.iterations)
        // A wrong passphrase shows as bad padding (or, rarely, padding that happens to fit and a key that does not parse).
        guard let plaintext = try? AES._CBC.decrypt(parsed.ciphertext, using: key, iv: try AES._CBC.IV(ivBytes: parsed.iv)) else {
            throw PKIError.wrongPassphrase
        }
        return Array(plaintext)
    }
}

extension [UInt8] {
    init(randomBytes count: Int) {
        var generator = SystemRandomNumberGenerator()
        self = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
