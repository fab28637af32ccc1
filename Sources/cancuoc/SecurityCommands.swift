import ArgumentParser
import CanCuocCore
import CanCuocServer
import CanCuocStore
import Foundation

/// Audit entries written by the operating-system user running a command. The checkpoint key is opened
/// before the command does anything, so a wrong key file stops it at once.
struct OperatorAudit {
    let recorder: AuditRecorder

    init(store: any RegisterStore, keys: KeyRing) async throws {
        let signer = try await AuditSigner.load(from: store.audit, keys: keys)
        recorder = AuditRecorder(log: AuditLog(store: store.audit, signer: signer, checkpointEvery: 1), clock: Date.init)
    }

    func record(_ action: String, target: String = "", purpose: String = "") async throws {
        try await recorder.record(action, target: target, purpose: purpose, actor: Self.operatorName)
    }

    /// The operating-system user running the command.
    static var operatorName: String { "os:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown") }
}

/// What the account and token commands share: the store, the keys, and the operator's audit entries, so
/// that changes made on the command line are in the trail like those made in the console.
struct SecurityTools {
    let store: any RegisterStore
    let accounts: AccountService
    let audit: OperatorAudit

    init(_ database: DatabaseOption) async throws {
        store = try await database.open()
        let keys = try await database.keyRing(for: store)
        accounts = AccountService(accounts: store.accounts, keys: keys)
        audit = try await OperatorAudit(store: store, keys: keys)
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage accounts.",
                                                    subcommands: [UserAdd.self, UserList.self, UserDisable.self, UserResetPassword.self])
}

struct UserAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Create an account; prints the first password (when generated) and the TOTP secret.")

    @OptionGroup var database: DatabaseOption
    @Option var username: String
    @Option(help: "commune-officer, district-officer, province-officer, approver, leader, agency or admin") var role: Role
    @Option(help: "The unit code of the account's area (two-level tree first, then the old tree; or EDITION/CODE).") var unit: String
    @Option(name: .customLong("display-name")) var displayName: String?
    @Option(name: .customLong("password-file"), help: "Read the first password from this file (its first line).") var passwordFile: String?

    func run() async throws {
        var password: String?
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile) else { throw ValidationError("cannot read \(passwordFile)") }
            password = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        }
        let tools = try await SecurityTools(database)
        let created = try await tools.accounts.create(username: username, displayName: displayName, role: role, unitCode: unit, password: password)
        try await tools.audit.record("account.create", target: "account:\(username)")
        print("created \(created.account.username) (\(created.account.role.rawValue), unit \(created.account.unit))")
        if let generated = created.generatedPassword { print("first password: \(generated)") }
        if let secret = created.totpSecret, let url = created.totpURL {
            print("TOTP key (base32, for an authenticator app): \(AccountService.authenticatorKey(secret))")
            print("authenticator URL: \(url)")
        }
    }
}

extension Role: ExpressibleByArgument {}

struct UserList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List accounts as CSV.")
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        let store = try await database.open()
        print("username,role,unit,state,second_factor")
        for account in try await store.accounts.all() {
            let state = account.disabled ? "disabled" : account.isLocked(at: Date()) ? "locked" : account.mustChangePassword ? "must-change-password" : "active"
            print("\(account.username),\(account.role.rawValue),\(account.unit),\(state),\(account.sealedTOTPSecret != nil)")
        }
    }
}

struct UserDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable an account and end its sessions.")
    @OptionGroup var database: DatabaseOption
    @Option var username: String

    func run() async throws {
        let tools = try await SecurityTools(database)
        _ = try await tools.accounts.disable(username: username)
        try await tools.audit.record("account.disable", target: "account:\(username)")
        print("disabled \(username)")
    }
}

struct UserResetPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reset-password", abstract: "Set a new first password (printed), unlock, sign out everywhere.")
    @OptionGroup var database: DatabaseOption
    @Option var username: String

    func run() async throws {
        let tools = try await SecurityTools(database)
        let password = try await tools.accounts.resetPassword(username: username, password: nil)
        try await tools.audit.record("account.password-reset", target: "account:\(username)")
        print("new first password for \(username): \(password ?? "")")
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Bearer tokens for agency clients and scripts.",
                                                    subcommands: [TokenIssue.self, TokenList.self, TokenRevoke.self])
}

struct TokenIssue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "issue", abstract: "Issue a token; prints the token alone (shown once, stored only as a hash).")
    @OptionGroup var database: DatabaseOption
    @Option var username: String
    @Option(help: "Comma-separated permissions (default: all of the role's), e.g. residents.verify") var scope: String?
    @Option(help: "Days until it expires (default 90).") var days = 90
    @Option(name: .customLong("rate-limit"), help: "Requests per minute (default 600).") var rateLimit = 600
    @Option var label = ""

    func run() async throws {
        let tools = try await SecurityTools(database)
        let issued = try await tools.accounts.issueToken(username: username, scopes: try scope.map(AccountService.parseScopes), days: days,
                                                         label: label, rateLimit: rateLimit)
        try await tools.audit.record("token.issue", target: "account:\(username)")
        print(issued.secret)
    }
}

struct TokenList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens as CSV (never the secrets).")
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        let store = try await database.open()
        let names = Dictionary(uniqueKeysWithValues: try await store.accounts.all().map { ($0.id, $0.username) })
        let formatter = ISO8601DateFormatter()
        print("id,username,scopes,label,expires_at,state")
        for token in try await store.accounts.tokens(accountID: nil) {
            let state = token.revokedAt != nil ? "revoked" : token.expiresAt <= Date() ? "expired" : "active"
            print("\(token.id),\(names[token.accountID] ?? "?"),\"\(token.scopeText)\",\"\(token.label)\",\(formatter.string(from: token.expiresAt)),\(state)")
        }
    }
}

struct TokenRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token by id.")
    @OptionGroup var database: DatabaseOption
    @Argument var id: Int64

    func run() async throws {
        let tools = try await SecurityTools(database)
        guard try await tools.store.accounts.revokeToken(id: id, at: Date()) else { throw ValidationError("no token \(id)") }
        try await tools.audit.record("token.revoke", target: "token:\(id)")
        print("revoked token \(id)")
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit trail.", subcommands: [AuditVerify.self, AuditFill.self])
}

struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Walk the audit chain and its signed checkpoints; exit 1 at the first break.")
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        let store = try await database.open()
        let keys = try await database.keyRing(for: store)
        guard try await store.audit.sealedSigningKey() != nil else {
            print("audit trail empty: no entries, no checkpoint key yet")
            return
        }
        let signer = try await AuditSigner.load(from: store.audit, keys: keys)
        let started = Date()
        let report = try await AuditVerifier(store: store.audit, signer: signer).verify()
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        if let broken = report.firstBreak {
            printError("BROKEN at entry \(broken.sequence): \(broken)")
            print("checked \(report.entriesChecked) entries and \(report.checkpointsChecked) checkpoints before the break (\(seconds) s)")
            throw ExitCode(1)
        }
        print("intact: \(report.entriesChecked) entries, \(report.checkpointsChecked) signed checkpoints, \(report.unanchored) entries after the last checkpoint (\(seconds) s)")
    }
}

/// Benchmarks and drills only: appends synthetic entries through the real chaining code.
struct AuditFill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fill", abstract: "Append N synthetic entries (benchmarks and drills).", shouldDisplay: false)
    @OptionGroup var database: DatabaseOption
    @Option var entries: Int

    func run() async throws {
        guard entries > 0 else { throw ValidationError("--entries must be positive") }
        let store = try await database.open()
        let keys = try await database.keyRing(for: store)
        let log = AuditLog(store: store.audit, signer: try await AuditSigner.load(from: store.audit, keys: keys))
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        var written = 0
        while written < entries {
            let count = min(10_000, entries - written)
            try await log.record((written..<(written + count)).map { n in
                AuditDraft(time: start.addingTimeInterval(Double(n) / 100), actor: "drill\(n % 50)", role: "commune-officer", unit: "2025-01/14971",
                           action: "resident.read", target: "resident:\(n % 100_000 + 1)", clientAddress: "127.0.0.1", requestID: "drill-\(n)")
            })
            written += count
        }
        print("appended \(written) entries")
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Data-encryption keys.", subcommands: [KeysRotate.self])
}

struct KeysRotate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rotate", abstract: "Add a new active key; re-seal the stored secrets under it (old data stays readable meanwhile).")
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        let path = try database.keyPath
        let rotated = try KeyRing.load(path: path).rotated()
        try rotated.save(path: path)
        let store = try await database.open()
        let resealed = try await KeyRotation(store: store, keys: rotated).resealAll()
        print("active key is now \(rotated.activeID); re-sealed \(resealed) stored secrets")
    }
}
