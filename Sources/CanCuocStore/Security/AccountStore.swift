import CanCuocCore
import Foundation

/// Accounts, browser sessions and API tokens. Each backend keeps them in its database, so several
/// servers on one database share them (sign-out everywhere, lock-out and rate limits hold across servers).
public protocol AccountStore: Sendable {
    /// Adds an account; its id is assigned. Fails with `AccountError.duplicateUsername`.
    func create(_ account: Account) async throws -> Account
    func account(id: AccountID) async throws -> Account?
    func account(username: String) async throws -> Account?
    func all() async throws -> [Account]
    /// Saves every field of an existing account.
    func update(_ account: Account) async throws
    /// Counts a failed sign-in atomically; locks the account for `lockFor` once `limit` failures in a row
    /// are reached. Returns the account as it now is.
    func recordFailedSignIn(id: AccountID, limit: Int, lockFor: TimeInterval, now: Date) async throws -> Account?
    func resetFailedSignIns(id: AccountID) async throws

    func createSession(_ session: Session) async throws
    func session(tokenHash: String) async throws -> Session?
    /// The session and its account in one look-up (every console request makes it).
    func sessionAndAccount(tokenHash: String) async throws -> (Session, Account)?
    func completeSecondFactor(tokenHash: String) async throws
    func deleteSession(tokenHash: String) async throws
    /// Signs the account out everywhere. Returns how many sessions ended.
    @discardableResult func deleteSessions(accountID: AccountID) async throws -> Int

    func createToken(_ token: APIToken) async throws -> APIToken
    func token(tokenHash: String) async throws -> APIToken?
    /// The token and its owner in one look-up (every API request makes it).
    func tokenAndOwner(tokenHash: String) async throws -> (APIToken, Account)?
    func tokens(accountID: AccountID?) async throws -> [APIToken]
    /// Marks a token revoked; false when there is no such token.
    func revokeToken(id: TokenID, at: Date) async throws -> Bool
    /// Adds `count` requests of the token to the minute `window` and returns the window's total so far
    /// (atomic across servers). Older windows of the token are dropped. With `count` 0 it may only read.
    func addRequests(tokenID: TokenID, window: Int64, count: Int) async throws -> Int
}

public enum AccountError: Error, Equatable, CustomStringConvertible {
    case duplicateUsername(String)
    case invalidUsername(String)
    case unknownAccount(String)
    case weakPassword(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .duplicateUsername(let name): "an account named \(name) already exists"
        case .invalidUsername(let name): "'\(name)' is not a valid username (3 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter)"
        case .unknownAccount(let name): "no account named \(name)"
        case .weakPassword(let reason): reason
        case .invalid(let reason): reason
        }
    }
}
