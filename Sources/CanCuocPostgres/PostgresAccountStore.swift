import CanCuocCore
import CanCuocStore
import Foundation
import PostgresNIO

/// Accounts, sessions, tokens and token rate windows on PostgreSQL: shared by every server on the
/// database, so lock-out, sign-out everywhere and rate limits hold across them.
struct PostgresAccountStore: AccountStore {
    let database: PostgresDatabase
    var logger: Logger { database.logger }

    static let accountColumns = "id, username, display_name, role, unit, password_hash, totp_secret, must_change_password, disabled, failed_sign_ins, locked_until, created_at"

    static func account(_ row: PostgresRow) throws -> Account {
        try account(cells: Array(row), offset: 0)
    }

    /// An account from `accountColumns`, by position from `offset` (joined rows put it after a token).
    static func account(cells c: [PostgresCell], offset o: Int) throws -> Account {
        let id = try c[o].decode(Int64.self)
        guard let role = Role(rawValue: try c[o + 3].decode(String.self)), let unit = UnitRef(text: try c[o + 4].decode(String.self)) else {
            throw AccountError.invalid("account row \(id) has an unknown role or unit")
        }
        return Account(id: id, username: try c[o + 1].decode(String.self), displayName: try c[o + 2].decode(String.self), role: role, unit: unit,
                       passwordHash: try c[o + 5].decode(String.self), sealedTOTPSecret: try c[o + 6].decode(Data?.self),
                       mustChangePassword: try c[o + 7].decode(Bool.self), disabled: try c[o + 8].decode(Bool.self),
                       failedSignIns: try c[o + 9].decode(Int.self), lockedUntil: try c[o + 10].decode(Int64?.self).map(Date.init(microseconds:)),
                       createdAt: Date(microseconds: try c[o + 11].decode(Int64.self)))
    }

    static func us(_ date: Date) -> Int64 { AuditChain.microseconds(date) }

    func create(_ account: Account) async throws -> Account {
        do {
            return try await database.write { connection in
                var created = account
                created.id = try await connection.scalar("""
                    INSERT INTO accounts (username, display_name, role, unit, password_hash, totp_secret, must_change_password, disabled, failed_sign_ins, locked_until, created_at)
                    VALUES (\(account.username), \(account.displayName), \(account.role.rawValue), \(account.unit.description), \(account.passwordHash),
                            \(account.sealedTOTPSecret), \(account.mustChangePassword), \(account.disabled), \(account.failedSignIns),
                            \(account.lockedUntil.map(Self.us)), \(Self.us(account.createdAt)))
                    RETURNING id
                    """, as: Int64.self, logger: logger) ?? 0
                return created
            }
        } catch where PostgresFailure.sqlState(error) == "23505" {
            throw AccountError.duplicateUsername(account.username)
        }
    }

    private func accounts(_ query: PostgresQuery) async throws -> [Account] {
        try await database.read { connection in try await connection.all(query, logger: logger, Self.account) }
    }

    func account(id: AccountID) async throws -> Account? {
        try await accounts(PostgresQuery(unsafeSQL: "SELECT \(Self.accountColumns) FROM accounts WHERE id = $1", binds: .single(id))).first
    }

    func account(username: String) async throws -> Account? {
        try await accounts(PostgresQuery(unsafeSQL: "SELECT \(Self.accountColumns) FROM accounts WHERE username = $1", binds: .single(username))).first
    }

    func all() async throws -> [Account] {
        try await accounts(PostgresQuery(unsafeSQL: "SELECT \(Self.accountColumns) FROM accounts ORDER BY username"))
    }

    func update(_ account: Account) async throws {
        let changed = try await database.write { connection in
            try await connection.scalar("""
                UPDATE accounts SET display_name = \(account.displayName), role = \(account.role.rawValue), unit = \(account.unit.description),
                       password_hash = \(account.passwordHash), totp_secret = \(account.sealedTOTPSecret), must_change_password = \(account.mustChangePassword),
                       disabled = \(account.disabled), failed_sign_ins = \(account.failedSignIns), locked_until = \(account.lockedUntil.map(Self.us))
                WHERE id = \(account.id) RETURNING id
                """, as: Int64.self, logger: logger)
        }
        guard changed != nil else { throw AccountError.unknownAccount(account.username) }
    }

    func recordFailedSignIn(id: AccountID, limit: Int, lockFor: TimeInterval, now: Date) async throws -> Account? {
        let lockedUntil = Self.us(now.addingTimeInterval(lockFor))
        return try await database.write { connection in
            try await connection.all(PostgresQuery(unsafeSQL: """
                UPDATE accounts SET failed_sign_ins = failed_sign_ins + 1,
                       locked_until = CASE WHEN failed_sign_ins + 1 >= $1 THEN $2 ELSE locked_until END
                WHERE id = $3 RETURNING \(Self.accountColumns)
                """, binds: Self.binds(limit, lockedUntil, id)), logger: logger, Self.account).first
        }
    }

    func resetFailedSignIns(id: AccountID) async throws {
        _ = try await database.write { connection in
            try await connection.query("UPDATE accounts SET failed_sign_ins = 0, locked_until = NULL WHERE id = \(id)", logger: logger)
        }
    }

    // MARK: Sessions

    func createSession(_ session: Session) async throws {
        _ = try await database.write { connection in
            try await connection.query("DELETE FROM sessions WHERE expires_at < \(Self.us(session.createdAt))", logger: logger)
            return try await connection.query("""
                INSERT INTO sessions VALUES (\(session.tokenHash), \(session.accountID), \(session.csrfToken), \(session.secondFactorDone),
                                             \(Self.us(session.createdAt)), \(Self.us(session.expiresAt)))
                """, logger: logger)
        }
    }

    func session(tokenHash: String) async throws -> Session? {
        try await database.read { connection in
            try await connection.all("""
                SELECT token_hash, account_id, csrf_token, second_factor_done, created_at, expires_at FROM sessions WHERE token_hash = \(tokenHash)
                """, logger: logger) { row in
                let (hash, account, csrf, done, created, expires) = try row.decode((String, Int64, String, Bool, Int64, Int64).self)
                return Session(tokenHash: hash, accountID: account, csrfToken: csrf, secondFactorDone: done,
                               createdAt: Date(microseconds: created), expiresAt: Date(microseconds: expires))
            }.first
        }
    }

    /// Asked on every console request: built once.
    static let sessionAndAccountSQL = """
        SELECT \(ColumnList.qualified(accountColumns, "a")), s.csrf_token, s.second_factor_done, s.created_at, s.expires_at
        FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1
        """

    func sessionAndAccount(tokenHash: String) async throws -> (Session, Account)? {
        try await database.read { connection in
            try await connection.all(PostgresQuery(unsafeSQL: Self.sessionAndAccountSQL, binds: .single(tokenHash)), logger: logger) { row in
                let cells = Array(row)
                let account = try Self.account(cells: cells, offset: 0)
                return (Session(tokenHash: tokenHash, accountID: account.id, csrfToken: try cells[12].decode(String.self),
                                secondFactorDone: try cells[13].decode(Bool.self), createdAt: Date(microseconds: try cells[14].decode(Int64.self)),
                                expiresAt: Date(microseconds: try cells[15].decode(Int64.self))), account)
            }.first
        }
    }

    func completeSecondFactor(tokenHash: String) async throws {
        _ = try await database.write { connection in
            try await connection.query("UPDATE sessions SET second_factor_done = true WHERE token_hash = \(tokenHash)", logger: logger)
        }
    }

    func deleteSession(tokenHash: String) async throws {
        _ = try await database.write { connection in
            try await connection.query("DELETE FROM sessions WHERE token_hash = \(tokenHash)", logger: logger)
        }
    }

    func deleteSessions(accountID: AccountID) async throws -> Int {
        try await database.write { connection in
            try await connection.scalar("WITH gone AS (DELETE FROM sessions WHERE account_id = \(accountID) RETURNING 1) SELECT count(*) FROM gone",
                                        as: Int.self, logger: logger) ?? 0
        }
    }

    // MARK: Tokens

    static let tokenColumns = "id, account_id, token_hash, scopes, label, created_at, expires_at, revoked_at, rate_limit"

    static func token(_ row: PostgresRow) throws -> APIToken {
        try token(cells: Array(row))
    }

    static func token(cells c: [PostgresCell]) throws -> APIToken {
        APIToken(id: try c[0].decode(Int64.self), accountID: try c[1].decode(Int64.self), tokenHash: try c[2].decode(String.self),
                 scopes: APIToken.scopes(text: try c[3].decode(String.self)), label: try c[4].decode(String.self),
                 createdAt: Date(microseconds: try c[5].decode(Int64.self)), expiresAt: Date(microseconds: try c[6].decode(Int64.self)),
                 revokedAt: try c[7].decode(Int64?.self).map(Date.init(microseconds:)), rateLimit: try c[8].decode(Int.self))
    }

    func createToken(_ token: APIToken) async throws -> APIToken {
        try await database.write { connection in
            var created = token
            created.id = try await connection.scalar("""
                INSERT INTO api_tokens (account_id, token_hash, scopes, label, created_at, expires_at, revoked_at, rate_limit)
                VALUES (\(token.accountID), \(token.tokenHash), \(token.scopeText), \(token.label), \(Self.us(token.createdAt)),
                        \(Self.us(token.expiresAt)), \(token.revokedAt.map(Self.us)), \(token.rateLimit))
                RETURNING id
                """, as: Int64.self, logger: logger) ?? 0
            return created
        }
    }

    func token(tokenHash: String) async throws -> APIToken? {
        try await database.read { connection in
            try await connection.all(PostgresQuery(unsafeSQL: "SELECT \(Self.tokenColumns) FROM api_tokens WHERE token_hash = $1", binds: .single(tokenHash)),
                                     logger: logger, Self.token).first
        }
    }

    /// Every API request's first look-up: prepared, like the resident look-ups.
    func tokenAndOwner(tokenHash: String) async throws -> (APIToken, Account)? {
        try await database.rows(TokenAndOwner(hash: tokenHash), limit: 1).first.map { ($0.token, $0.owner) }
    }

    func tokens(accountID: AccountID?) async throws -> [APIToken] {
        try await database.read { connection in
            if let accountID {
                return try await connection.all(PostgresQuery(unsafeSQL: "SELECT \(Self.tokenColumns) FROM api_tokens WHERE account_id = $1 ORDER BY id",
                                                              binds: .single(accountID)), logger: logger, Self.token)
            }
            return try await connection.all(PostgresQuery(unsafeSQL: "SELECT \(Self.tokenColumns) FROM api_tokens ORDER BY id"), logger: logger, Self.token)
        }
    }

    func revokeToken(id: TokenID, at: Date) async throws -> Bool {
        try await database.write { connection in
            try await connection.scalar("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, \(Self.us(at))) WHERE id = \(id) RETURNING id",
                                        as: Int64.self, logger: logger) != nil
        }
    }

    func addRequests(tokenID: TokenID, window: Int64, count: Int) async throws -> Int {
        try await database.write { connection in
            try await connection.query("DELETE FROM token_usage WHERE token_id = \(tokenID) AND window_start < \(window)", logger: logger)
            return try await connection.scalar("""
                INSERT INTO token_usage VALUES (\(tokenID), \(window), \(count))
                ON CONFLICT (token_id, window_start) DO UPDATE SET count = token_usage.count + excluded.count RETURNING count
                """, as: Int.self, logger: logger) ?? 0
        }
    }

    static func binds(_ limit: Int, _ lockedUntil: Int64, _ id: Int64) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(limit)
        bindings.append(lockedUntil)
        bindings.append(id)
        return bindings
    }
}

/// A token and its owner by the token's hash: asked on every API request that is not in `TokenCache`.
struct TokenAndOwner: PostgresPreparedStatement {
    struct Row: Sendable {
        let token: APIToken
        let owner: Account
    }

    static let sql = """
        SELECT \(ColumnList.qualified(PostgresAccountStore.tokenColumns, "t")), \(ColumnList.qualified(PostgresAccountStore.accountColumns, "a"))
        FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = $1
        """
    /// Where the owner's columns start in a row.
    static let ownerOffset = ColumnList.count(PostgresAccountStore.tokenColumns)
    let hash: String

    func makeBindings() throws -> PostgresBindings { .single(hash) }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let cells = Array(row)
        return Row(token: try PostgresAccountStore.token(cells: cells), owner: try PostgresAccountStore.account(cells: cells, offset: Self.ownerOffset))
    }
}
