import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A browser-like session in router tests: signs in through the real form and then sends the session
/// cookie with every request; `csrf` is the session's token read from a page.
struct ConsoleSession: Sendable {
    let inner: any TestClientProtocol
    let cookie: String
    let csrf: String

    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// The value of `name="field" value="..."` in a page.
    static func hidden(_ field: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(field)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// The cookie's value from a response's Set-Cookie headers.
    static func cookie(_ name: String, in response: TestResponse) -> String? {
        for header in response.headers[values: .setCookie] where header.hasPrefix(name + "=") {
            return String(header.dropFirst(name.count + 1).prefix { $0 != ";" })
        }
        return nil
    }

    /// Password sign-in; returns the response of the form post and the session (nil when refused).
    static func postPassword(_ client: any TestClientProtocol, username: String, password: String) async throws -> (TestResponse, String?) {
        let (token, signinCookie) = try await client.execute(uri: "/signin", method: .get) { response in
            (hidden("csrf", in: String(buffer: response.body)) ?? "", cookie("cancuoc_signin", in: response) ?? "")
        }
        var headers = form
        headers[.cookie] = "cancuoc_signin=\(signinCookie)"
        return try await client.execute(uri: "/signin", method: .post, headers: headers,
                                        body: ByteBuffer(string: "csrf=\(token)&username=\(username)&password=\(password)")) { response in
            (response, cookie("cancuoc_session", in: response))
        }
    }

    static func signIn(_ client: any TestClientProtocol, username: String, password: String) async throws -> ConsoleSession {
        let (_, session) = try await postPassword(client, username: username, password: password)
        let cookie = try #require(session)
        return try await ConsoleSession.resume(client, cookie: cookie)
    }

    /// Reads the CSRF token of an existing session from a page that shows it.
    static func resume(_ client: any TestClientProtocol, cookie: String, page: String = "/account/password") async throws -> ConsoleSession {
        let csrf = try await client.execute(uri: page, method: .get, headers: [.cookie: "cancuoc_session=\(cookie)"]) { response in
            hidden("csrf", in: String(buffer: response.body)) ?? ""
        }
        return ConsoleSession(inner: client, cookie: cookie, csrf: csrf)
    }

    func execute<Return>(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil,
                         testCallback: @escaping (TestResponse) async throws -> Return = { $0 }) async throws -> Return {
        var headers = headers
        headers[.cookie] = "cancuoc_session=\(cookie)"
        return try await inner.execute(uri: uri, method: method, headers: headers, body: body, testCallback: testCallback)
    }
}
