import Crypto
import Foundation

/// Random secrets handed to a browser or a script (session cookies, bearer tokens, CSRF tokens) and the
/// SHA-256 the store keeps instead of them.
public enum SecretToken {
    /// `prefix` then 32 random bytes, base64url without padding.
    public static func make(prefix: String = "") -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return prefix + bytes.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func hash(_ secret: String) -> String {
        AuditChain.hex(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Compares two secrets in time independent of where they differ.
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
