import Crypto
import Foundation

/// The data-encryption keys from configuration: AES-256-GCM. The newest key seals new data; every key
/// opens what it sealed, so rotation (adding a key) leaves old data readable. Keys never appear in
/// descriptions, errors or logs.
public struct KeyRing: Sendable, CustomStringConvertible {
    public struct Key: Sendable {
        public let id: String
        let key: SymmetricKey
    }

    /// Oldest first; the last one is active.
    public let keys: [Key]

    public init(keys: [Key]) throws {
        guard !keys.isEmpty else { throw KeyRingError.empty }
        guard Set(keys.map(\.id)).count == keys.count else { throw KeyRingError.malformed("two keys share one id") }
        self.keys = keys
    }

    public var activeID: String { keys[keys.count - 1].id }
    public var description: String { "KeyRing(\(keys.count) keys, active \(activeID))" }

    /// A ring with one fresh key (tests, a new installation).
    public static func generate(id: String = KeyRing.newID()) -> KeyRing {
        // Cannot throw: one key, one id.
        try! KeyRing(keys: [Key(id: id, key: SymmetricKey(size: .bits256))])
    }

    /// The same ring with a new active key appended.
    public func rotated() -> KeyRing {
        var id = Self.newID()
        while keys.contains(where: { $0.id == id }) { id = Self.newID() }
        // Cannot throw: the new id is unused.
        return try! KeyRing(keys: keys + [Key(id: id, key: SymmetricKey(size: .bits256))])
    }

    /// A random key id ("k" and 8 hex digits), so keys of different installations never share an id.
    public static func newID() -> String {
        "k" + String(UInt32.random(in: .min ... .max), radix: 16).leftPadded(to: 8)
    }

    // MARK: Sealing

    /// Layout: 0x01, id length, id bytes, then AES-GCM's combined nonce + ciphertext + tag. `context`
    /// (e.g. "totp:alice") is authenticated, so a sealed value cannot be moved to another row unnoticed.
    public func seal(_ plaintext: Data, context: String) throws -> Data {
        let active = keys[keys.count - 1]
        let box = try AES.GCM.seal(plaintext, using: active.key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw KeyRingError.malformed("AES-GCM gave no combined form") }
        var out = Data([1, UInt8(active.id.utf8.count)])
        out.append(Data(active.id.utf8))
        out.append(combined)
        return out
    }

    public func open(_ sealed: Data, context: String) throws -> Data {
        let bytes = [UInt8](sealed)
        guard bytes.count > 2, bytes[0] == 1, bytes.count > 2 + Int(bytes[1]) else { throw KeyRingError.notSealed }
        let idLength = Int(bytes[1])
        let id = String(decoding: bytes[2..<(2 + idLength)], as: UTF8.self)
        guard let key = keys.first(where: { $0.id == id }) else { throw KeyRingError.unknownKey(id) }
        do {
            let box = try AES.GCM.SealedBox(combined: Data(bytes[(2 + idLength)...]))
            return try AES.GCM.open(box, using: key.key, authenticating: Data(context.utf8))
        } catch {
            throw KeyRingError.tampered
        }
    }

    /// The key id a sealed value was made with (to find data still under an old key).
    public static func keyID(of sealed: Data) -> String? {
        let bytes = [UInt8](sealed)
        guard bytes.count > 2, bytes[0] == 1, bytes.count > 2 + Int(bytes[1]) else { return nil }
        return String(decoding: bytes[2..<(2 + Int(bytes[1]))], as: UTF8.self)
    }

    // MARK: The key file

    /// One key per line, `ID BASE64`, oldest first; `#` starts a comment.
    public init(fileText: String) throws {
        var keys: [Key] = []
        for (index, raw) in fileText.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, let bytes = Data(base64Encoded: String(parts[1])), bytes.count == 32,
                  !parts[0].isEmpty, parts[0].utf8.count < 256 else {
                throw KeyRingError.malformed("line \(index + 1) is not 'ID BASE64-OF-32-BYTES'")
            }
            keys.append(Key(id: String(parts[0]), key: SymmetricKey(data: bytes)))
        }
        try self.init(keys: keys)
    }

    public var fileText: String {
        "# CanCuoc data-encryption keys (AES-256), oldest first; the last one seals new data. Keep secret.\n"
            + keys.map { key in "\(key.id) \(key.key.withUnsafeBytes { Data($0) }.base64EncodedString())\n" }.joined()
    }

    public static func load(path: String) throws -> KeyRing {
        guard let data = FileManager.default.contents(atPath: path) else { throw KeyRingError.unreadable(path) }
        return try KeyRing(fileText: String(decoding: data, as: UTF8.self))
    }

    /// Writes the ring to `path`, readable by its owner only, replacing the file in one step.
    public func save(path: String) throws {
        let partial = try writeTemporary(beside: path)
        // rename(2) replaces the old file atomically (FileManager's replaceItemAt needs an existing target).
        guard rename(partial, path) == 0 else {
            unlink(partial)
            throw KeyRingError.unreadable(path)
        }
        DurableFile.syncFolder(of: path)
    }

    /// The ring in a new temporary file beside `path`, owner-only and on disk.
    private func writeTemporary(beside path: String) throws -> String {
        guard let partial = DurableFile.writeTemporary(Data(fileText.utf8), beside: path, permissions: 0o600) else {
            throw KeyRingError.unreadable(path)
        }
        return partial
    }

    /// Loads the ring at `path`, creating it with one new key when the file does not exist.
    ///
    /// `registerSealed` is a value the register already holds sealed, if any. A new key could open none
    /// of it: with the file missing, such a register refuses and names the key its data needs, and no
    /// stray key file is left behind to be mistaken for the real one later.
    public static func loadOrCreate(path: String, registerSealed: Data? = nil) throws -> KeyRing {
        if FileManager.default.fileExists(atPath: path) { return try load(path: path) }
        if let registerSealed { throw KeyRingError.missing(path, neededKey: keyID(of: registerSealed) ?? "unknown") }
        return try generate().saveIfAbsent(path: path)
    }

    /// Writes the ring to `path` unless a file is already there, and returns the ring the file then holds:
    /// this one, or the one another process made first. Commands started together on a new register each
    /// made a key and wrote it under one temporary name: one failed ("cannot read or write the key file"),
    /// and a process could seal data with a key that another's file then replaced. Here each writes its own
    /// temporary file, flushed to disk, and hard-links it into place: link(2) fails when the name exists,
    /// so exactly one key file is ever made, and it is on disk before anything is sealed with it.
    func saveIfAbsent(path: String) throws -> KeyRing {
        let partial = try writeTemporary(beside: path)
        defer { unlink(partial) }
        guard link(partial, path) == 0 else {
            guard errno == EEXIST else { throw KeyRingError.unreadable(path) }
            return try Self.load(path: path)
        }
        DurableFile.syncFolder(of: path)
        return self
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}

public enum KeyRingError: Error, Equatable, CustomStringConvertible {
    case empty
    case malformed(String)
    case unreadable(String)
    /// The key file is missing while the register holds data sealed with `neededKey`.
    case missing(String, neededKey: String)
    case notSealed
    case unknownKey(String)
    case tampered

    public var description: String {
        switch self {
        case .empty: "the key file holds no key"
        case .malformed(let reason): "the key file is malformed: \(reason)"
        case .unreadable(let path): "cannot read or write the key file \(path)"
        case .missing(let path, let key):
            "the key file \(path) is missing, and this register holds data sealed with key \(key): give the key file it was made with (--keys FILE or CANCUOC_KEYS); no new key was made"
        case .notSealed: "the stored value is not sealed data"
        case .unknownKey(let id): "the data was sealed with key \(id), which the key file does not hold"
        case .tampered: "the sealed data does not open with its key: altered, or sealed for another record"
        }
    }
}
