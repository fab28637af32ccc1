import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// Accounts, tokens and the audit trail: the JSON API and the console pages. Administrators manage the
/// accounts of their own area; nobody here sees personal data (the audit trail names records by id).
struct AdminController {
    let accounts: AccountService
    let store: any RegisterStore
    let catalog: AdminUnitCatalog
    let pages: ConsolePages
    let audit: AuditRecorder

    struct AccountView: Encodable {
        let username: String
        let displayName: String
        let role: String
        let unit: String
        let unitName: String
        let disabled: Bool
        let locked: Bool
        let mustChangePassword: Bool
        let secondFactor: Bool

        enum CodingKeys: String, CodingKey {
            case username, displayName = "display_name", role, unit, unitName = "unit_name", disabled, locked
            case mustChangePassword = "must_change_password", secondFactor = "second_factor"
        }
    }

    struct CreatedView: Encodable {
        let account: AccountView
        let password: String?
        let totpSecret: String?
        let totpURL: String?

        enum CodingKeys: String, CodingKey { case account, password, totpSecret = "totp_secret", totpURL = "totp_url" }
    }

    struct TokenView: Encodable {
        let id: Int64
        let username: String
        let scopes: [String]
        let label: String
        let expiresAt: Date
        let revoked: Bool
        let token: String?

        enum CodingKeys: String, CodingKey { case id, username, scopes, label, expiresAt = "expires_at", revoked, token }
    }

    struct EntryView: Encodable {
        let sequence: Int64
        let time: Date
        let actor: String
        let role: String
        let unit: String
        let action: String
        let target: String
        let purpose: String
        let client: String
        let requestID: String
        let outcome: String

        enum CodingKeys: String, CodingKey {
            case sequence, time, actor, role, unit, action, target, purpose, client, requestID = "request_id", outcome
        }

        init(_ entry: AuditEntry) {
            let d = entry.draft
            sequence = entry.sequence
            time = d.time
            actor = d.actor
            role = d.role
            unit = d.unit
            action = d.action
            target = d.target
            purpose = d.purpose
            client = d.clientAddress
            requestID = d.requestID
            outcome = d.outcome
        }
    }

    func add(to router: Router<AppRequestContext>) {
        router.get(Routes.apiAccounts) { request, context in
            let identity = try context.require(.manageAccounts)
            return try JSONResponse.make(try await managed(by: identity).map(view))
        }
        router.post(Routes.apiAccounts) { request, context in
            let identity = try context.require(.manageAccounts)
            let body = try await JSONResponse.object(from: request, context: context)
            let created = try await create(fields: body.compactMapValues { $0 as? String }, identity: identity, request: request, context: context)
            return try JSONResponse.make(CreatedView(account: view(created.account), password: created.generatedPassword,
                                                     totpSecret: created.totpSecret.map(AccountService.authenticatorKey), totpURL: created.totpURL), status: .created)
        }
        router.post(Routes.apiAccountDisable) { request, context in
            let account = try await disable(context.parameters.get("username") ?? "", request: request, context: context)
            return try JSONResponse.make(view(account))
        }
        router.post(Routes.apiAccountPasswordReset) { request, context in
            let password = try await reset(context.parameters.get("username") ?? "", request: request, context: context)
            return try JSONResponse.make(["password": password])
        }
        router.get(Routes.apiAccountActivity) { request, context in
            let entries = try await activity(of: context.parameters.get("username") ?? "", request: request, context: context)
            return try JSONResponse.make(entries.map(EntryView.init))
        }
        router.get(Routes.apiResidentAccessLog) { request, context in
            guard let id = context.parameters.get("id", as: ResidentID.self) else { throw APIError.notFound }
            return try JSONResponse.make(try await accessLog(of: id, request: request, context: context).map(EntryView.init))
        }
        router.get(Routes.apiTokens) { _, context in
            let identity = try context.require(.manageAccounts)
            let names = Dictionary(uniqueKeysWithValues: try await managed(by: identity).map { ($0.id, $0.username) })
            return try JSONResponse.make(try await accounts.accounts.tokens(accountID: nil).compactMap { token in
                names[token.accountID].map { TokenView(id: token.id, username: $0, scopes: token.scopes.map(\.rawValue).sorted(), label: token.label,
                                                       expiresAt: token.expiresAt, revoked: token.revokedAt != nil, token: nil) }
            })
        }
        router.post(Routes.apiTokens) { request, context in
            let identity = try context.require(.manageAccounts)
            let body = try await JSONResponse.object(from: request, context: context)
            guard let username = body["username"] as? String else { throw APIError.badRequest("missing_field", "username is required") }
            let owner = try await managedAccount(username, identity: identity)
            let scopes = try (body["scopes"] as? String).map(AccountService.parseScopes)
            let issued = try await accounts.issueToken(username: owner.username, scopes: scopes, days: body["days"] as? Int ?? 90, label: body["label"] as? String ?? "")
            try await audit.record("token.issue", target: "account:\(owner.username)", purpose: "token \(issued.token.id)", request: request, context: context)
            return try JSONResponse.make(TokenView(id: issued.token.id, username: owner.username, scopes: issued.token.scopes.map(\.rawValue).sorted(),
                                                   label: issued.token.label, expiresAt: issued.token.expiresAt, revoked: false, token: issued.secret), status: .created)
        }
        router.post(Routes.apiTokenRevoke) { request, context in
            let identity = try context.require(.manageAccounts)
            guard let id = context.parameters.get("id", as: TokenID.self),
                  let token = try await accounts.accounts.tokens(accountID: nil).first(where: { $0.id == id }),
                  try await managed(by: identity).contains(where: { $0.id == token.accountID }) else { throw APIError.notFound }
            _ = try await accounts.revokeToken(id: id)
            try await audit.record("token.revoke", target: "token:\(id)", request: request, context: context)
            return Response(status: .noContent)
        }

        // Console pages
        router.get(Routes.accountsPage) { _, context in try await accountsPage(context, extra: [:]) }
        router.post(Routes.accountsPage) { request, context in
            var request = request
            let identity = try context.require(.manageAccounts)
            let form = FormFields(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
            do {
                let created = try await create(fields: form.values, identity: identity, request: request, context: context)
                return try await accountsPage(context, extra: ["created": ["username": created.account.username, "password": created.generatedPassword ?? "",
                                                                            "totpSecret": created.totpSecret.map(AccountService.authenticatorKey) ?? "", "totpURL": created.totpURL ?? ""]])
            } catch {
                guard let mapped = APIError.from(error), mapped.status.code < 500 else { throw error }
                return try await accountsPage(context, extra: ["message": mapped.message], status: mapped.status)
            }
        }
        router.post(Routes.accountsDisable) { request, context in
            let account = try await disable(context.parameters.get("username") ?? "", request: request, context: context)
            return try await accountsPage(context, extra: ["message": "Đã khóa tài khoản \(account.username) và kết thúc mọi phiên của tài khoản này."])
        }
        router.post(Routes.accountsReset) { request, context in
            let username = context.parameters.get("username") ?? ""
            let password = try await reset(username, request: request, context: context)
            return try await accountsPage(context, extra: ["message": "Mật khẩu mới của \(username) (chỉ hiện một lần, phải đổi khi đăng nhập): \(password)"])
        }
        router.get(Routes.auditPage) { request, context in try await auditPage(request, context) }
        router.get(Routes.overview) { _, context in
            // Counts of the viewer's own area only.
            let identity = try context.require(anyOf: [.readReports, .manageAccounts])
            let count = try await ScopedRegister(store: store, jurisdiction: identity.jurisdiction).count()
            return pages.render("overview", ["residents": count, "area": catalog.fullPath(of: identity.account.unit) ?? ""], context: context)
        }
    }

    func view(_ account: Account) -> AccountView {
        AccountView(username: account.username, displayName: account.displayName, role: account.role.rawValue, unit: account.unit.description,
                    unitName: catalog.fullPath(of: account.unit) ?? account.unit.code, disabled: account.disabled,
                    locked: account.isLocked(at: Date()), mustChangePassword: account.mustChangePassword, secondFactor: account.sealedTOTPSecret != nil)
    }

    /// An administrator manages the accounts whose unit lies in their own area.
    func manages(_ unit: UnitRef, identity: Identity) -> Bool {
        switch identity.jurisdiction.scope {
        case .provinces(let codes): catalog.province(of: unit).map { codes.contains($0.code) } ?? false
        case .communes(let communes): communes.contains(unit)
        }
    }

    func managed(by identity: Identity) async throws -> [Account] {
        try await accounts.accounts.all().filter { manages($0.unit, identity: identity) }
    }

    func managedAccount(_ username: String, identity: Identity) async throws -> Account {
        guard let account = try await accounts.accounts.account(username: username), manages(account.unit, identity: identity) else {
            throw APIError(.notFound, "not_found", "no account named \(username)")
        }
        return account
    }

    func create(fields: [String: String], identity: Identity, request: Request, context: AppRequestContext) async throws -> AccountService.NewAccount {
        guard let username = fields["username"]?.trimmed, !username.isEmpty else { throw APIError.badRequest("missing_field", "username is required") }
        guard let role = fields["role"].flatMap(Role.init(rawValue:)) else {
            throw APIError.badRequest("bad_role", "role is one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let unitCode = fields["unit"]?.trimmed, !unitCode.isEmpty else { throw APIError.badRequest("missing_field", "unit is required") }
        let unit = try accounts.resolveUnit(unitCode)
        guard manages(unit, identity: identity) else {
            throw APIError(.forbidden, "outside_jurisdiction", "unit \(unitCode) is outside your area")
        }
        let password = fields["password"].flatMap { $0.isEmpty ? nil : $0 }
        let created = try await accounts.create(username: username, displayName: fields["display_name"].flatMap { $0.isEmpty ? nil : $0 },
                                                role: role, unitCode: unit.description, password: password)
        try await audit.record("account.create", target: "account:\(username)", purpose: "role \(role.rawValue), unit \(unit)", request: request, context: context)
        return created
    }

    func disable(_ username: String, request: Request, context: AppRequestContext) async throws -> Account {
        let identity = try context.require(.manageAccounts)
        let account = try await managedAccount(username, identity: identity)
        guard account.id != identity.account.id else { throw APIError(.unprocessableContent, "own_account", "you cannot disable your own account") }
        let disabled = try await accounts.disable(username: account.username)
        try await audit.record("account.disable", target: "account:\(account.username)", request: request, context: context)
        return disabled
    }

    func reset(_ username: String, request: Request, context: AppRequestContext) async throws -> String {
        let identity = try context.require(.manageAccounts)
        let account = try await managedAccount(username, identity: identity)
        let password = try await accounts.resetPassword(username: account.username, password: nil) ?? ""
        try await audit.record("account.password-reset", target: "account:\(account.username)", request: request, context: context)
        return password
    }

    func activity(of username: String, request: Request, context: AppRequestContext) async throws -> [AuditEntry] {
        let identity = try context.require(.readAudit)
        let account = try await managedAccount(username, identity: identity)
        let entries = try await store.audit.entries(actor: account.username, limit: 500)
        try await audit.record("audit.query", target: "account:\(account.username)", request: request, context: context)
        return entries
    }

    /// Who looked at this person: for the person's own request, or an inspection. The record must be in
    /// the asker's area.
    func accessLog(of id: ResidentID, request: Request, context: AppRequestContext) async throws -> [AuditEntry] {
        let identity = try context.require(.readAudit)
        guard try await !ScopedRegister(store: store, jurisdiction: identity.jurisdiction).history(id: id).isEmpty else { throw APIError.notFound }
        let entries = try await store.audit.entries(target: "resident:\(id)", limit: 500)
        try await audit.record("audit.query", target: "resident:\(id)", request: request, context: context)
        return entries
    }

    func accountsPage(_ context: AppRequestContext, extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let identity = try context.require(.manageAccounts)
        var model = extra
        model["navAccounts"] = true
        model["accounts"] = try await managed(by: identity).map { account -> [String: Any] in
            let v = view(account)
            return ["username": v.username, "displayName": v.displayName, "role": account.role.title, "unit": v.unitName,
                    "state": v.disabled ? "Đã khóa" : v.locked ? "Tạm khóa (sai mật khẩu)" : v.mustChangePassword ? "Chờ đổi mật khẩu" : "Hoạt động",
                    "active": !v.disabled, "secondFactor": v.secondFactor ? "có" : "không", "self": account.id == identity.account.id]
        }
        model["roles"] = Role.allCases.map { ["value": $0.rawValue, "title": $0.title] }
        return pages.render("accounts", model, context: context, status: status)
    }

    func auditPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        _ = try context.require(.readAudit)
        let parameters = request.uri.queryParameters
        var model: [String: Any] = ["navAudit": true]
        var entries: [AuditEntry]?
        if let actor = parameters.get("actor")?.trimmed, !actor.isEmpty {
            model["actor"] = actor
            entries = try await activity(of: actor, request: request, context: context)
        } else if let text = parameters.get("resident")?.trimmed, !text.isEmpty {
            model["resident"] = text
            guard let id = ResidentID(text) else { throw APIError.badRequest("bad_id", "Mã hồ sơ là một số.") }
            entries = try await accessLog(of: id, request: request, context: context)
        }
        if let entries {
            model["searched"] = true
            model["entries"] = entries.map { entry -> [String: Any] in
                let d = entry.draft
                return ["sequence": entry.sequence, "time": Self.timestamp(d.time), "actor": d.actor, "role": d.role, "action": d.action,
                        "target": d.target, "purpose": d.purpose, "client": d.clientAddress, "outcome": d.outcome]
            }
        }
        return pages.render("audit", model, context: context)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "dd/MM/yyyy HH:mm:ss"
        formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        return formatter.string(from: date)
    }
}
