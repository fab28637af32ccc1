import CanCuocCore
import CanCuocStore
import ExtrasBase64
import Foundation
import HummingbirdBcrypt
import HummingbirdOTP

/// Account administration, shared by the CLI (`cancuoc user`, `cancuoc token`), the admin API and the
/// demo set-up: validation, password hashing, TOTP enrolment, token issue.
public struct AccountService: Sendable {
    let accounts: any AccountStore
    let catalog: AdminUnitCatalog
    let keys: KeyRing
    let clock: @Sendable () -> Date
    let bcryptCost: UInt8
    /// The serving process's checked tokens, forgotten when an account or token changes here.
    let tokens: TokenCache?

    public init(accounts: any AccountStore, catalog: AdminUnitCatalog = .shared, keys: KeyRing, clock: @escaping @Sendable () -> Date = Date.init, bcryptCost: UInt8 = 12,
                tokens: TokenCache? = nil) {
        self.accounts = accounts
        self.tokens = tokens
        self.catalog = catalog
        self.keys = keys
        self.clock = clock
        self.bcryptCost = bcryptCost
    }

    public struct NewAccount: Sendable {
        public let account: Account
        /// The first password when one was generated (shown once).
        public let generatedPassword: String?
        /// The TOTP secret (for the authenticator app; shown once) and its otpauth:// URL.
        public let totpSecret: String?
        public let totpURL: String?
    }

    /// Creates an account. The unit is a code of the tree in force (two-level) or of the old tree; it
    /// must exist. Roles that require a second factor get a TOTP secret at once.
    public func create(username: String, displayName: String? = nil, role: Role, unitCode: String, password: String?,
                       mustChangePassword: Bool = true) async throws -> NewAccount {
        guard Account.isValidUsername(username) else { throw AccountError.invalidUsername(username) }
        let unit = try resolveUnit(unitCode)
        try Self.checkLevel(of: unit, for: role, catalog: catalog)
        let generated = password == nil ? Self.generatePassword() : nil
        let chosen = password ?? generated!
        if role.signsInOnWeb { try Self.checkStrength(chosen, username: username) }
        var totp: String?
        var sealed: Data?
        if role.requiresSecondFactor {
            let secret = Self.generateTOTPSecret()
            totp = secret
            sealed = try Account.sealTOTP(secret, username: username, keys: keys)
        }
        let passwordHash = role.signsInOnWeb ? try await PasswordHasher.hash(chosen, cost: bcryptCost) : ""
        let account = try await accounts.create(Account(
            username: username, displayName: displayName ?? username, role: role, unit: unit, passwordHash: passwordHash,
            sealedTOTPSecret: sealed, mustChangePassword: role.signsInOnWeb && mustChangePassword, createdAt: clock()))
        return NewAccount(account: account, generatedPassword: generated, totpSecret: totp,
                          totpURL: totp.map { TOTP(secret: $0).createAuthenticatorURL(label: username, issuer: "CanCuoc") })
    }

    /// A unit code: the two-level tree (in force since 2025-07-01) first, then the old tree.
    func resolveUnit(_ code: String) throws -> UnitRef {
        if let text = UnitRef(text: code), catalog.unit(text) != nil { return text }
        for edition in [AdminEdition.twoLevel, .threeLevel] {
            let ref = UnitRef(edition: edition, code: code)
            if catalog.unit(ref) != nil { return ref }
        }
        throw AccountError.invalid("unit \(code) does not exist in either edition of the administrative units")
    }

    /// Officers work at their own level: a commune officer at a commune, a district officer at a district
    /// (of the old tree: districts were abolished on 2025-07-01), provincial roles at a province.
    static func checkLevel(of unit: UnitRef, for role: Role, catalog: AdminUnitCatalog) throws {
        guard let level = catalog.unit(unit)?.level else { throw AccountError.invalid("unit \(unit.code) does not exist") }
        let expected: AdminLevel? = switch role {
        case .communeOfficer: .commune
        case .districtOfficer: .district
        case .provinceOfficer, .approver: .province
        case .leader, .agency, .admin: nil
        }
        if let expected, level != expected {
            throw AccountError.invalid("a \(role.rawValue) works at a \(expected.rawValue) unit; \(unit.code) is a \(level.rawValue)")
        }
    }

    public func account(named username: String) async throws -> Account {
        guard let account = try await accounts.account(username: username) else { throw AccountError.unknownAccount(username) }
        return account
    }

    /// Disables an account and ends its sessions; its tokens stop working with it.
    public func disable(username: String) async throws -> Account {
        var account = try await account(named: username)
        account.disabled = true
        try await accounts.update(account)
        tokens?.forgetAll()
        try await accounts.deleteSessions(accountID: account.id)
        return account
    }

    /// Revokes a token; false when there is none with this id.
    public func revokeToken(id: TokenID) async throws -> Bool {
        let revoked = try await accounts.revokeToken(id: id, at: clock())
        tokens?.forgetAll()
        return revoked
    }

    /// Sets a new first password (generated unless given), clears the lock-out, signs the account out
    /// everywhere; the holder must change it at the next sign-in.
    public func resetPassword(username: String, password: String?) async throws -> String? {
        var account = try await account(named: username)
        let generated = password == nil ? Self.generatePassword() : nil
        let chosen = password ?? generated!
        try Self.checkStrength(chosen, username: username)
        account.passwordHash = try await PasswordHasher.hash(chosen, cost: bcryptCost)
        account.mustChangePassword = true
        account.failedSignIns = 0
        account.lockedUntil = nil
        try await accounts.update(account)
        try await accounts.deleteSessions(accountID: account.id)
        return generated
    }

    /// The holder's own change: checks the current password, then stores the new one.
    public func changePassword(accountID: AccountID, current: String, new: String) async throws {
        guard var account = try await accounts.account(id: accountID) else { throw AccountError.unknownAccount("#\(accountID)") }
        guard try await PasswordHasher.verify(current, hash: account.passwordHash) else { throw AccountError.weakPassword("the current password is wrong") }
        guard current != new else { throw AccountError.weakPassword("the new password must differ from the current one") }
        try Self.checkStrength(new, username: account.username)
        account.passwordHash = try await PasswordHasher.hash(new, cost: bcryptCost)
        account.mustChangePassword = false
        try await accounts.update(account)
    }

    public struct IssuedToken: Sendable {
        public let token: APIToken
        /// The bearer secret (shown once; only its hash is stored).
        public let secret: String
    }

    /// Issues a bearer token for `username`. Scopes default to everything the role may do; a scope the
    /// role lacks is refused.
    public func issueToken(username: String, scopes requested: Set<Permission>?, days: Int, label: String = "", rateLimit: Int = 600) async throws -> IssuedToken {
        let account = try await account(named: username)
        guard !account.disabled else { throw AccountError.invalid("account \(username) is disabled") }
        guard (1...3650).contains(days) else { throw AccountError.invalid("--days must be between 1 and 3650") }
        guard rateLimit > 0 else { throw AccountError.invalid("the rate limit must be positive") }
        let scopes = requested ?? account.role.permissions
        let extra = scopes.subtracting(account.role.permissions)
        guard extra.isEmpty else {
            throw AccountError.invalid("role \(account.role.rawValue) does not have \(extra.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        guard !scopes.isEmpty else { throw AccountError.invalid("a token needs at least one scope") }
        let secret = SecretToken.make(prefix: "cc_")
        let now = clock()
        let token = try await accounts.createToken(APIToken(accountID: account.id, tokenHash: SecretToken.hash(secret), scopes: scopes,
                                                            label: label, createdAt: now, expiresAt: now.addingTimeInterval(Double(days) * 86_400),
                                                            rateLimit: rateLimit))
        return IssuedToken(token: token, secret: secret)
    }

    /// Scope names as given on the command line ("residents.verify,residents.read").
    public static func parseScopes(_ text: String) throws -> Set<Permission> {
        var scopes: Set<Permission> = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let permission = Permission(rawValue: name) else {
                throw AccountError.invalid("unknown scope '\(name)'; scopes are \(Permission.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            scopes.insert(permission)
        }
        return scopes
    }

    // MARK: Passwords and secrets

    /// At least 10 characters, not the username, with letters and digits.
    static func checkStrength(_ password: String, username: String) throws {
        guard password.count >= 10 else { throw AccountError.weakPassword("a password needs at least 10 characters") }
        guard password.lowercased() != username.lowercased() else { throw AccountError.weakPassword("the password must not be the username") }
        guard password.contains(where: \.isLetter), password.contains(where: \.isNumber) else {
            throw AccountError.weakPassword("a password needs letters and digits")
        }
        guard password.utf8.count <= 72 else { throw AccountError.weakPassword("a password may have at most 72 bytes (bcrypt's limit)") }
    }

    /// 16 characters from an alphabet without look-alikes, with letters and digits.
    static func generatePassword() -> String {
        while true {
            let password = randomString(16, from: "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
            if password.contains(where: \.isNumber), password.contains(where: \.isLetter) { return password }
        }
    }

    static func randomString(_ length: Int, from alphabet: String) -> String {
        let characters = Array(alphabet)
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in characters[Int.random(in: 0..<characters.count, using: &generator)] })
    }

    /// What an authenticator app is given for `secret` (the same key the otpauth:// URL carries): the
    /// base32 of the secret's bytes.
    public static func authenticatorKey(_ secret: String) -> String {
        String(base32Encoding: Array(secret.utf8), options: .omitPaddingCharacter)
    }

    /// 20 random characters; authenticator apps receive them base32-encoded in the otpauth:// URL.
    static func generateTOTPSecret() -> String {
        randomString(20, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    }
}
