import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// Console sign-in (password, then the TOTP code where needed), the forced password change, sign-out and
/// sign-out everywhere.
struct AuthController {
    let access: AccessControl
    let accounts: AccountService
    let pages: ConsolePages
    let audit: AuditRecorder
    let secureCookies: Bool
    /// The sign-in form's CSRF defence before any session exists: a random cookie repeated in the form.
    static let signInCookie = "cancuoc_signin"

    func add(to router: Router<AppRequestContext>) {
        router.get(Routes.signIn) { request, context in
            if let identity = context.identity { return Self.redirect(Self.home(for: identity.account.role)) }
            return signInForm(request, message: nil, status: .ok)
        }
        router.post(Routes.signIn) { request, context in try await signIn(request, context) }
        router.get(Routes.signInCode) { _, context in
            guard let session = context.pendingSession else { return Self.redirect("/signin") }
            return pages.render("signin-code", ["csrf": session.csrfToken, "navHidden": true])
        }
        router.post(Routes.signInCode) { request, context in try await code(request, context) }
        router.post(Routes.signOut) { request, context in try await signOut(request, context, everywhere: false) }
        router.post(Routes.signOutEverywhere) { request, context in try await signOut(request, context, everywhere: true) }
        router.get(Routes.passwordChange) { _, context in
            let identity = try context.requireSignedIn()
            return pages.render("password", ["forced": identity.account.mustChangePassword], context: context)
        }
        router.post(Routes.passwordChange) { request, context in try await changePassword(request, context) }
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func home(for role: Role) -> String {
        if role.can(.readResidents) { return "/residents" }
        if role.can(.manageAccounts) { return "/admin/accounts" }
        return "/overview"
    }

    func cookie(_ name: String, _ value: String, request: Request, maxAge: Int?) -> Cookie {
        let secure = secureCookies || request.headers[.init("X-Forwarded-Proto")!] == "https"
        return (try? Cookie.validated(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .strict))
            ?? Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true)
    }

    func signInForm(_ request: Request, message: String?, status: HTTPResponse.Status, username: String = "") -> Response {
        let token = SecretToken.make()
        var response = pages.render("signin", ["csrf": token, "message": message ?? "", "username": username, "navHidden": true], status: status)
        response.setCookie(cookie(Self.signInCookie, token, request: request, maxAge: 3600))
        return response
    }

    func signIn(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        var request = request
        let form = FormFields(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
        guard let sent = form["csrf"], let expected = request.cookies[Self.signInCookie]?.value, SecretToken.equal(sent, expected) else {
            return signInForm(request, message: "Phiên đăng nhập đã hết hạn, vui lòng nhập lại.", status: .forbidden)
        }
        let username = (form["username"] ?? "").trimmed.lowercased()
        let password = form["password"] ?? ""
        switch try await access.signIn(username: username, password: password) {
        case let .signedIn(secret, account, needsSecondFactor):
            try await audit.record(needsSecondFactor ? "signin.password" : "signin", target: "account:\(account.username)", actor: account, request: request, context: context)
            var response = Self.redirect(needsSecondFactor ? "/signin/code" : account.mustChangePassword ? "/account/password" : Self.home(for: account.role))
            response.setCookie(cookie(AuthMiddleware.sessionCookie, secret, request: request, maxAge: Int(access.policy.sessionLifetime)))
            response.setCookie(cookie(Self.signInCookie, "", request: request, maxAge: 0))
            return response
        case .failed:
            try await audit.record("signin.failure", target: "account:\(username)", outcome: "failed", request: request, context: context)
            return signInForm(request, message: "Tên đăng nhập hoặc mật khẩu không đúng.", status: .unauthorized, username: username)
        case .locked(let until, _):
            try await audit.record("signin.locked", target: "account:\(username)", outcome: "denied", request: request, context: context)
            return signInForm(request, message: "Tài khoản tạm khóa do nhập sai nhiều lần; thử lại sau \(Self.time(until)).", status: .tooManyRequests, username: username)
        }
    }

    func code(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        var request = request
        guard let session = context.pendingSession else { return Self.redirect("/signin") }
        let form = FormFields(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
        switch try await access.completeSecondFactor(session: session, code: form["code"] ?? "") {
        case .signedIn(_, let account, _):
            try await audit.record("signin", target: "account:\(account.username)", actor: account, request: request, context: context)
            return Self.redirect(account.mustChangePassword ? "/account/password" : Self.home(for: account.role))
        case .failed(let account):
            try await audit.record("signin.failure", target: "account:\(account?.username ?? "-")", outcome: "failed", actor: account, request: request, context: context)
            return pages.render("signin-code", ["csrf": session.csrfToken, "message": "Mã xác thực không đúng.", "navHidden": true], status: .unauthorized)
        case let .locked(until, account):
            try await audit.record("signin.locked", target: "account:\(account?.username ?? "-")", outcome: "denied", actor: account, request: request, context: context)
            return signInForm(request, message: "Tài khoản tạm khóa do nhập sai nhiều lần; thử lại sau \(Self.time(until)).", status: .tooManyRequests)
        }
    }

    func signOut(_ request: Request, _ context: AppRequestContext, everywhere: Bool) async throws -> Response {
        let session = context.identity?.session ?? context.pendingSession
        if let session {
            if everywhere, let identity = context.identity {
                let ended = try await accounts.accounts.deleteSessions(accountID: identity.account.id)
                try await audit.record("signout.everywhere", target: "account:\(identity.account.username)", purpose: "\(ended) sessions", request: request, context: context)
            } else {
                try await accounts.accounts.deleteSession(tokenHash: session.tokenHash)
                if context.identity != nil { try await audit.record("signout", request: request, context: context) }
            }
        }
        var response = Self.redirect("/signin")
        response.setCookie(cookie(AuthMiddleware.sessionCookie, "", request: request, maxAge: 0))
        return response
    }

    func changePassword(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        var request = request
        let identity = try context.requireSignedIn()
        guard case .session = identity.credential else { throw APIError.forbidden }
        let form = FormFields(String(buffer: try await request.collectBody(upTo: context.maxUploadSize)))
        let new = form["new_password"] ?? ""
        guard new == form["repeat_password"] else {
            return pages.render("password", ["forced": identity.account.mustChangePassword, "message": "Hai lần nhập mật khẩu mới không khớp."], context: context, status: .unprocessableContent)
        }
        do {
            try await accounts.changePassword(accountID: identity.account.id, current: form["current_password"] ?? "", new: new)
        } catch let error as AccountError {
            return pages.render("password", ["forced": identity.account.mustChangePassword, "message": error.description], context: context, status: .unprocessableContent)
        }
        try await audit.record("account.password-change", target: "account:\(identity.account.username)", request: request, context: context)
        return Self.redirect(Self.home(for: identity.account.role))
    }

    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm"
        formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        return formatter.string(from: date)
    }
}
