import CanCuocCore
import Foundation

public typealias AccountID = Int64

/// A person (or, for agency clients, a machine) who may use the system.
public struct Account: Sendable, Hashable {
    public var id: AccountID
    public var username: String
    public var displayName: String
    public var role: Role
    /// The unit whose subtree the account acts in.
    public var unit: UnitRef
    /// bcrypt hash; empty for agency accounts, which use tokens only.
    public var passwordHash: String
    /// The TOTP secret, sealed with the data key (`KeyRing`); nil until enrolled.
    public var sealedTOTPSecret: Data?
    public var mustChangePassword: Bool
    public var disabled: Bool
    public var failedSignIns: Int
    public var lockedUntil: Date?
    public var createdAt: Date

    public init(id: AccountID = 0, username: String, displayName: String, role: Role, unit: UnitRef, passwordHash: String,
                sealedTOTPSecret: Data? = nil, mustChangePassword: Bool = true, disabled: Bool = false,
                failedSignIns: Int = 0, lockedUntil: Date? = nil, createdAt: Date) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.unit = unit
        self.passwordHash = passwordHash
        self.sealedTOTPSecret = sealedTOTPSecret
        self.mustChangePassword = mustChangePassword
        self.disabled = disabled
        self.failedSignIns = failedSignIns
        self.lockedUntil = lockedUntil
        self.createdAt = createdAt
    }

    public func isLocked(at now: Date) -> Bool { lockedUntil.map { $0 > now } ?? false }

    /// The context a TOTP secret is sealed under: bound to the username, so it cannot move to another account.
    public static func totpContext(_ username: String) -> String { "totp:" + username }

    public static func sealTOTP(_ secret: String, username: String, keys: KeyRing) throws -> Data {
        try keys.seal(Data(secret.utf8), context: totpContext(username))
    }

    /// The TOTP secret, opened with the data keys; nil when none is enrolled.
    public func totpSecret(keys: KeyRing) throws -> String? {
        try sealedTOTPSecret.map { String(decoding: try keys.open($0, context: Self.totpContext(username)), as: UTF8.self) }
    }

    /// Usernames: 3 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter.
    public static func isValidUsername(_ name: String) -> Bool {
        guard (3...64).contains(name.count), let first = name.first, first.isASCII, first.isLetter, first.isLowercase else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }
}

/// A signed-in browser. The cookie carries a random secret; the store keeps only its SHA-256.
public struct Session: Sendable, Hashable {
    public var tokenHash: String
    public var accountID: AccountID
    public var csrfToken: String
    /// False between the password and the TOTP code.
    public var secondFactorDone: Bool
    public var createdAt: Date
    public var expiresAt: Date

    public init(tokenHash: String, accountID: AccountID, csrfToken: String, secondFactorDone: Bool, createdAt: Date, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.accountID = accountID
        self.csrfToken = csrfToken
        self.secondFactorDone = secondFactorDone
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

public typealias TokenID = Int64

/// A bearer token for agency clients and scripts. Only the SHA-256 of the secret is stored.
public struct APIToken: Sendable, Hashable {
    public var id: TokenID
    public var accountID: AccountID
    public var tokenHash: String
    /// What the token may do: a subset of the owner's permissions.
    public var scopes: Set<Permission>
    public var label: String
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?
    /// Requests allowed per minute.
    public var rateLimit: Int

    public init(id: TokenID = 0, accountID: AccountID, tokenHash: String, scopes: Set<Permission>, label: String,
                createdAt: Date, expiresAt: Date, revokedAt: Date? = nil, rateLimit: Int) {
        self.id = id
        self.accountID = accountID
        self.tokenHash = tokenHash
        self.scopes = scopes
        self.label = label
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.rateLimit = rateLimit
    }

    public func isUsable(at now: Date) -> Bool { revokedAt == nil && expiresAt > now }

    /// Scopes as stored: permission names, comma-separated, sorted.
    public var scopeText: String { scopes.map(\.rawValue).sorted().joined(separator: ",") }

    public static func scopes(text: String) -> Set<Permission> {
        Set(text.split(separator: ",").compactMap { Permission(rawValue: String($0)) })
    }
}
