import CanCuocCore
import CanCuocStore
import Foundation
import HummingbirdBcrypt
import HummingbirdOTP
import Synchronization

/// Sign-in rules and the look-up of who is asking. Sessions, lock-out and token rate windows live in the
/// database, so several servers on one database agree on them.
public struct AccessControl: Sendable {
    public struct Policy: Sendable {
        /// Failed sign-ins in a row before the account locks.
        public var lockAfter = 5
        public var lockFor: TimeInterval = 15 * 60
        /// A session ends this long after sign-in (one working shift).
        public var sessionLifetime: TimeInterval = 10 * 3600
        /// bcrypt cost; tests lower it.
        public var bcryptCost: UInt8 = 12

        public init() {}
    }

    let accounts: any AccountStore
    let catalog: AdminUnitCatalog
    let keys: KeyRing
    let clock: @Sendable () -> Date
    public let policy: Policy
    private let jurisdictions = JurisdictionCache()
    /// Bearer tokens checked in the last second (see `TokenCache` for what that means for revocation).
    let tokens: TokenCache
    private let rateLimiter: TokenRateLimiter
    /// A bcrypt hash of a random password, checked against when the username is unknown.
    private let decoyHash: String

    public init(accounts: any AccountStore, catalog: AdminUnitCatalog, keys: KeyRing, clock: @escaping @Sendable () -> Date, policy: Policy = Policy(),
                tokens: TokenCache = TokenCache()) {
        self.accounts = accounts
        self.tokens = tokens
        self.catalog = catalog
        self.keys = keys
        self.clock = clock
        self.policy = policy
        decoyHash = Bcrypt.hash(SecretToken.make(), cost: policy.bcryptCost)
        rateLimiter = TokenRateLimiter(accounts: accounts)
    }

    func jurisdiction(of account: Account) throws -> Jurisdiction {
        if let known = jurisdictions.cache.withLock({ $0[account.unit] }) { return known }
        let made = try Jurisdiction(unit: account.unit, catalog: catalog)
        jurisdictions.cache.withLock { $0[account.unit] = made }
        return made
    }

    // MARK: Who is asking

    public enum TokenCheck: Sendable {
        case valid(Identity)
        case invalid
        case rateLimited
    }

    /// A bearer token: known, not expired or revoked, its owner enabled, and under its rate limit.
    public func identity(bearer secret: String) async throws -> TokenCheck {
        let now = clock(), hash = SecretToken.hash(secret)
        var found = tokens.lookup(hash, at: now)
        if found == nil, let fetched = try await accounts.tokenAndOwner(tokenHash: hash) {
            tokens.store(hash, token: fetched.0, owner: fetched.1, at: now)
            found = fetched
        }
        guard let (token, account) = found, token.isUsable(at: now),
              !account.disabled else { return .invalid }
        guard await rateLimiter.admit(token, at: now) else { return .rateLimited }
        return .valid(Identity(account: account, jurisdiction: try jurisdiction(of: account), credential: .token(token)))
    }

    /// A session cookie: the identity when every factor is done, else the pending session.
    public func identity(sessionCookie secret: String) async throws -> (Identity?, Session?) {
        guard let (session, account) = try await accounts.sessionAndAccount(tokenHash: SecretToken.hash(secret)), session.expiresAt > clock(),
              !account.disabled, account.role.signsInOnWeb else { return (nil, nil) }
        guard session.secondFactorDone else { return (nil, session) }
        return (Identity(account: account, jurisdiction: try jurisdiction(of: account), credential: .session(session)), session)
    }

    // MARK: Signing in

    public enum SignInResult: Sendable {
        /// Signed in; the cookie secret to set.
        case signedIn(cookie: String, account: Account, needsSecondFactor: Bool)
        /// Refused; the account when the username named one (for the audit trail).
        case failed(Account?)
        case locked(until: Date, account: Account?)
    }

    /// Checks a password. Unknown usernames cost the same bcrypt work as known ones, so timing does not
    /// tell which accounts exist.
    public func signIn(username: String, password: String) async throws -> SignInResult {
        let now = clock()
        guard let account = try await accounts.account(username: username), account.role.signsInOnWeb, !account.disabled else {
            _ = try await PasswordHasher.verify(password, hash: decoyHash)
            return .failed(nil)
        }
        if account.isLocked(at: now), let until = account.lockedUntil { return .locked(until: until, account: account) }
        guard try await PasswordHasher.verify(password, hash: account.passwordHash) else {
            let updated = try await accounts.recordFailedSignIn(id: account.id, limit: policy.lockAfter, lockFor: policy.lockFor, now: now)
            if let until = updated?.lockedUntil, until > now { return .locked(until: until, account: account) }
            return .failed(account)
        }
        let needsSecondFactor = account.sealedTOTPSecret != nil || account.role.requiresSecondFactor
        if !needsSecondFactor { try await accounts.resetFailedSignIns(id: account.id) }
        let secret = SecretToken.make()
        try await accounts.createSession(Session(tokenHash: SecretToken.hash(secret), accountID: account.id, csrfToken: SecretToken.make(),
                                                 secondFactorDone: !needsSecondFactor, createdAt: now, expiresAt: now.addingTimeInterval(policy.sessionLifetime)))
        return .signedIn(cookie: secret, account: account, needsSecondFactor: needsSecondFactor)
    }

    /// Checks a TOTP code for a pending session (the current 30-second step and one on either side, for
    /// clock drift). Failures count towards the lock-out like wrong passwords.
    public func completeSecondFactor(session: Session, code: String) async throws -> SignInResult {
        let now = clock()
        guard let account = try await accounts.account(id: session.accountID), !account.disabled else { return .failed(nil) }
        if account.isLocked(at: now), let until = account.lockedUntil { return .locked(until: until, account: account) }
        guard let secret = try? account.totpSecret(keys: keys), Self.matches(code: code, secret: secret, at: now) else {
            let updated = try await accounts.recordFailedSignIn(id: account.id, limit: policy.lockAfter, lockFor: policy.lockFor, now: now)
            if let until = updated?.lockedUntil, until > now {
                try await accounts.deleteSession(tokenHash: session.tokenHash)
                return .locked(until: until, account: account)
            }
            return .failed(account)
        }
        try await accounts.resetFailedSignIns(id: account.id)
        try await accounts.completeSecondFactor(tokenHash: session.tokenHash)
        return .signedIn(cookie: "", account: account, needsSecondFactor: false)
    }

    static func matches(code: String, secret: String, at date: Date) -> Bool {
        let digits = code.filter { !$0.isWhitespace }
        guard digits.count == 6, let value = Int(digits) else { return false }
        let totp = TOTP(secret: secret)
        return [-30.0, 0, 30].contains { totp.compute(date: date.addingTimeInterval($0)) == value }
    }
}

/// Jurisdictions by unit: computing one walks the unit's subtree and the reform table.
final class JurisdictionCache: Sendable {
    let cache = Mutex<[UnitRef: Jurisdiction]>([:])
}
