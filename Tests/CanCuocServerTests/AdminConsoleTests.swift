import CanCuocCore
import CanCuocSQLite
import CanCuocServer
import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdOTP
import HummingbirdTesting
import Testing

/// The administrator's console: accounts (create, reset, disable) and the audit viewer.
@Suite struct AdminConsoleTests {
    /// Signs in with password and TOTP code.
    static func signInWithCode(_ client: any TestClientProtocol, username: String, secret: String, now: Date) async throws -> ConsoleSession {
        let (_, cookie) = try await ConsoleSession.postPassword(client, username: username, password: TestAccounts.password)
        let session = try #require(cookie)
        let pending = try await ConsoleSession.resume(client, cookie: session, page: "/signin/code")
        try await pending.execute(uri: "/signin/code", method: .post, headers: ConsoleSession.form,
                                  body: ByteBuffer(string: "csrf=\(pending.csrf)&code=\(SignInTests.code(secret, at: now))")) { response in
            #expect(response.status == .seeOther)
        }
        return try await ConsoleSession.resume(client, cookie: session, page: "/admin/accounts")
    }

    @Test func administratorCreatesResetsAndDisablesAccountsAndReadsTheTrail() async throws {
        try await SignInTests.withApp { client, setup in
            let admin = try await setup.accounts.service.create(username: "quantri", role: .admin, unitCode: "38",
                                                                password: TestAccounts.password, mustChangePassword: false)
            let console = try await Self.signInWithCode(client, username: "quantri", secret: try #require(admin.totpSecret), now: setup.clock.now)
            // No personal data for administrators.
            try await console.execute(uri: "/residents/1", method: .get) { #expect($0.status == .forbidden) }

            let form = "csrf=\(console.csrf)&username=xa.moi&display_name=Nguy%E1%BB%85n+V%C4%83n+M%E1%BB%9Bi&role=commune-officer&unit=2025-01%2F14971"
            let page = try await console.execute(uri: "/admin/accounts", method: .post, headers: ConsoleSession.form, body: ByteBuffer(string: form)) {
                String(buffer: $0.body)
            }
            #expect(page.contains("id=\"created-password\""))
            let first = try #require(ConsoleSession.between("id=\"created-password\">", "<", in: page))
            // The new officer's first sign-in leads to the password change.
            let (response, _) = try await ConsoleSession.postPassword(client, username: "xa.moi", password: first)
            #expect(response.headers[.location] == "/account/password")

            // A unit outside the administrator's province is refused.
            let outside = "csrf=\(console.csrf)&username=hn.officer&role=commune-officer&unit=2025-01%2F00004"
            try await console.execute(uri: "/admin/accounts", method: .post, headers: ConsoleSession.form, body: ByteBuffer(string: outside)) { response in
                #expect(response.status == .forbidden)
            }

            try await console.execute(uri: "/admin/accounts/xa.moi/password-reset", method: .post, headers: ConsoleSession.form,
                                      body: ByteBuffer(string: "csrf=\(console.csrf)")) { response in
                #expect(String(buffer: response.body).contains("Mật khẩu mới của xa.moi"))
            }
            try await console.execute(uri: "/admin/accounts/xa.moi/disable", method: .post, headers: ConsoleSession.form,
                                      body: ByteBuffer(string: "csrf=\(console.csrf)")) { response in
                #expect(String(buffer: response.body).contains("Đã khóa tài khoản xa.moi"))
            }
            #expect(try await setup.store.accounts.account(username: "xa.moi")?.disabled == true)

            try await console.execute(uri: "/admin/audit?actor=quantri", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                for action in ["account.create", "account.password-reset", "account.disable", "signin"] {
                    #expect(html.contains(">\(action)<"), "\(action)")
                }
            }
        }
    }
}

extension ConsoleSession {
    static func between(_ start: String, _ end: String, in text: String) -> String? {
        guard let range = text.range(of: start) else { return nil }
        let rest = text[range.upperBound...]
        return rest.range(of: end).map { String(rest[..<$0.lowerBound]) }
    }
}
