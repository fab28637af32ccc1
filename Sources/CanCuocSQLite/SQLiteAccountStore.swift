import CanCuocCore
import CanCuocStore
import Foundation
import GRDB

/// Accounts, sessions, tokens and token rate windows in the SQLite file.
struct SQLiteAccountStore: AccountStore {
    let writer: any DatabaseWriter
    /// Token and session look-ups (every request) read here.
    let pointReader: SQLitePointReader

    static let accountColumns = "id, username, display_name, role, unit, password_hash, totp_secret, must_change_password, disabled, failed_sign_ins, locked_until, created_at"

    /// An account from `accountColumns`, read by position from `offset` on (joined rows put it after
    /// another table's columns).
    static func account(_ row: Row, offset: Int = 0) throws -> Account {
        let id: Int64 = row[offset]
        let roleText: String = row[offset + 3], unitText: String = row[offset + 4]
        guard let role = Role(rawValue: roleText), let unit = UnitRef(text: unitText) else {
            throw AccountError.invalid("account row \(id) has an unknown role or unit")
        }
        return Account(id: id, username: row[offset + 1], displayName: row[offset + 2], role: role, unit: unit,
                       passwordHash: row[offset + 5], sealedTOTPSecret: row[offset + 6],
                       mustChangePassword: row[offset + 7], disabled: row[offset + 8], failedSignIns: row[offset + 9],
                       lockedUntil: (row[offset + 10] as Int64?).map(Date.init(microseconds:)), createdAt: Date(microseconds: row[offset + 11]))
    }

    static func us(_ date: Date) -> Int64 { AuditChain.microseconds(date) }

    func create(_ account: Account) async throws -> Account {
        do {
            return try await writer.write { db in
                try db.execute(sql: """
                    INSERT INTO accounts (username, display_name, role, unit, password_hash, totp_secret, must_change_password, disabled, failed_sign_ins, locked_until, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [account.username, account.displayName, account.role.rawValue, account.unit.description, account.passwordHash,
                                     account.sealedTOTPSecret, account.mustChangePassword, account.disabled, account.failedSignIns,
                                     account.lockedUntil.map(Self.us), Self.us(account.createdAt)])
                var created = account
                created.id = db.lastInsertedRowID
                return created
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw AccountError.duplicateUsername(account.username)
        }
    }

    func account(id: AccountID) async throws -> Account? {
        try await writer.read { db in try Row.fetchOne(db, sql: "SELECT \(Self.accountColumns) FROM accounts WHERE id = ?", arguments: [id]).map { try Self.account($0) } }
    }

    func account(username: String) async throws -> Account? {
        try await writer.read { db in try Row.fetchOne(db, sql: "SELECT \(Self.accountColumns) FROM accounts WHERE username = ?", arguments: [username]).map { try Self.account($0) } }
    }

    func all() async throws -> [Account] {
        try await writer.read { db in try Row.fetchAll(db, sql: "SELECT \(Self.accountColumns) FROM accounts ORDER BY username").map { try Self.account($0) } }
    }

    func update(_ account: Account) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE accounts SET display_name = ?, role = ?, unit = ?, password_hash = ?, totp_secret = ?, must_change_password = ?,
                       disabled = ?, failed_sign_ins = ?, locked_until = ? WHERE id = ?
                """, arguments: [account.displayName, account.role.rawValue, account.unit.description, account.passwordHash, account.sealedTOTPSecret,
                                 account.mustChangePassword, account.disabled, account.failedSignIns, account.lockedUntil.map(Self.us), account.id])
            guard db.changesCount == 1 else { throw AccountError.unknownAccount(account.username) }
        }
    }

    func recordFailedSignIn(id: AccountID, limit: Int, lockFor: TimeInterval, now: Date) async throws -> Account? {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE accounts SET failed_sign_ins = failed_sign_ins + 1,
                       locked_until = CASE WHEN failed_sign_ins + 1 >= ? THEN ? ELSE locked_until END
                WHERE id = ?
                """, arguments: [limit, Self.us(now.addingTimeInterval(lockFor)), id])
            return try Row.fetchOne(db, sql: "SELECT \(Self.accountColumns) FROM accounts WHERE id = ?", arguments: [id]).map { try Self.account($0) }
        }
    }

    func resetFailedSignIns(id: AccountID) async throws {
        try await writer.write { db in try db.execute(sql: "UPDATE accounts SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?", arguments: [id]) }
    }

    // MARK: Sessions

    func createSession(_ session: Session) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE expires_at < ?", arguments: [Self.us(session.createdAt)])
            try db.execute(sql: "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)", arguments: [
                session.tokenHash, session.accountID, session.csrfToken, session.secondFactorDone, Self.us(session.createdAt), Self.us(session.expiresAt)])
        }
    }

    func session(tokenHash: String) async throws -> Session? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT token_hash, account_id, csrf_token, second_factor_done, created_at, expires_at FROM sessions WHERE token_hash = ?",
                             arguments: [tokenHash]).map { row in
                Session(tokenHash: row[0], accountID: row[1], csrfToken: row[2], secondFactorDone: row[3],
                        createdAt: Date(microseconds: row[4]), expiresAt: Date(microseconds: row[5]))
            }
        }
    }

    /// Asked on every console request: built once.
    static let sessionAndAccountSQL = """
        SELECT \(ColumnList.qualified(accountColumns, "a")), s.csrf_token, s.second_factor_done, s.created_at, s.expires_at
        FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?
        """

    func sessionAndAccount(tokenHash: String) async throws -> (Session, Account)? {
        try pointReader.read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: Self.sessionAndAccountSQL), arguments: [tokenHash]) else { return nil }
            let account = try Self.account(row)
            return (Session(tokenHash: tokenHash, accountID: account.id, csrfToken: row[12], secondFactorDone: row[13],
                            createdAt: Date(microseconds: row[14]), expiresAt: Date(microseconds: row[15])), account)
        }
    }

    func completeSecondFactor(tokenHash: String) async throws {
        try await writer.write { db in try db.execute(sql: "UPDATE sessions SET second_factor_done = 1 WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    func deleteSession(tokenHash: String) async throws {
        try await writer.write { db in try db.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    func deleteSessions(accountID: AccountID) async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE account_id = ?", arguments: [accountID])
            return db.changesCount
        }
    }

    // MARK: Tokens

    static let tokenColumns = "id, account_id, token_hash, scopes, label, created_at, expires_at, revoked_at, rate_limit"

    static func token(_ row: Row) -> APIToken {
        APIToken(id: row[0], accountID: row[1], tokenHash: row[2], scopes: APIToken.scopes(text: row[3]), label: row[4],
                 createdAt: Date(microseconds: row[5]), expiresAt: Date(microseconds: row[6]),
                 revokedAt: (row[7] as Int64?).map(Date.init(microseconds:)), rateLimit: row[8])
    }

    func createToken(_ token: APIToken) async throws -> APIToken {
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO api_tokens (account_id, token_hash, scopes, label, created_at, expires_at, revoked_at, rate_limit) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [token.accountID, token.tokenHash, token.scopeText, token.label, Self.us(token.createdAt), Self.us(token.expiresAt),
                                       token.revokedAt.map(Self.us), token.rateLimit])
            var created = token
            created.id = db.lastInsertedRowID
            return created
        }
    }

    func token(tokenHash: String) async throws -> APIToken? {
        try await writer.read { db in try Row.fetchOne(db, sql: "SELECT \(Self.tokenColumns) FROM api_tokens WHERE token_hash = ?", arguments: [tokenHash]).map(Self.token) }
    }

    /// Asked on every API request: built once.
    static let tokenAndOwnerSQL = """
        SELECT \(ColumnList.qualified(tokenColumns, "t")), \(ColumnList.qualified(accountColumns, "a"))
        FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = ?
        """

    func tokenAndOwner(tokenHash: String) async throws -> (APIToken, Account)? {
        try pointReader.read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: Self.tokenAndOwnerSQL), arguments: [tokenHash]) else { return nil }
            return (Self.token(row), try Self.account(row, offset: 9))
        }
    }

    func tokens(accountID: AccountID?) async throws -> [APIToken] {
        try await writer.read { db in
            if let accountID {
                return try Row.fetchAll(db, sql: "SELECT \(Self.tokenColumns) FROM api_tokens WHERE account_id = ? ORDER BY id", arguments: [accountID]).map(Self.token)
            }
            return try Row.fetchAll(db, sql: "SELECT \(Self.tokenColumns) FROM api_tokens ORDER BY id").map(Self.token)
        }
    }

    func revokeToken(id: TokenID, at: Date) async throws -> Bool {
        try await writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM api_tokens WHERE id = ?", arguments: [id]) != nil else { return false }
            try db.execute(sql: "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?", arguments: [Self.us(at), id])
            return true
        }
    }

    func addRequests(tokenID: TokenID, window: Int64, count: Int) async throws -> Int {
        // A server's first request of a token in a minute only reads the total: a write would wait for the
        // register's write lock, which a bulk import holds for the whole load, and hold up that request.
        guard count > 0 else {
            return try await writer.read { db in
                try Int.fetchOne(db, sql: "SELECT count FROM token_usage WHERE token_id = ? AND window = ?", arguments: [tokenID, window]) ?? 0
            }
        }
        return try await writer.write { db in
            try db.execute(sql: "DELETE FROM token_usage WHERE token_id = ? AND window < ?", arguments: [tokenID, window])
            return try Int.fetchOne(db, sql: """
                INSERT INTO token_usage VALUES (?, ?, ?) ON CONFLICT (token_id, window) DO UPDATE SET count = count + excluded.count RETURNING count
                """, arguments: [tokenID, window, count]) ?? 0
        }
    }
}
