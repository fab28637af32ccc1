import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdAuth

/// Finds out who is asking: a bearer token (API clients) or the session cookie (the console). Requests
/// that change something with a session must carry the session's CSRF token (form field `csrf` or header
/// `X-CSRF-Token`). A bad or expired token is refused at once; a request without credentials goes on
/// anonymous, and each route decides (`AppRequestContext.require`).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let access: AccessControl
    static let sessionCookie = "cancuoc_session"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        if let bearer = request.headers.bearer {
            switch try await access.identity(bearer: bearer.token) {
            case .valid(let identity): context.identity = identity
            case .invalid: throw APIError.unauthenticated
            case .rateLimited: throw APIError.rateLimited
            }
        } else if let cookie = request.cookies[Self.sessionCookie]?.value {
            let (identity, session) = try await access.identity(sessionCookie: cookie)
            context.identity = identity
            context.pendingSession = identity == nil ? session : nil
            // The sign-in form has its own CSRF check (a browser may still hold a half-finished session).
            if let session, !Self.isSafe(request.method), request.uri.path != "/signin" {
                guard let sent = try await Self.csrfToken(in: &request, context: context), SecretToken.equal(sent, session.csrfToken) else {
                    throw APIError.csrf
                }
            }
        }
        // A first password (or one an administrator reset) must be replaced before anything else.
        if let identity = context.identity, identity.account.mustChangePassword, case .session = identity.credential,
           !Self.allowedBeforePasswordChange.contains(request.uri.path) {
            throw APIError(.forbidden, "password_change_required", "change your first password before going on")
        }
        return try await next(request, context)
    }

    static let allowedBeforePasswordChange: Set<String> = ["/account/password", "/signout", "/signout/everywhere", "/static/app.css"]

    static func isSafe(_ method: HTTPRequest.Method) -> Bool { method == .get || method == .head || method == .options }

    /// The token from the header, or from the url-encoded form body (collected, and left readable for
    /// the route).
    static func csrfToken(in request: inout Request, context: Context) async throws -> String? {
        if let header = request.headers[.init("X-CSRF-Token")!] { return header }
        if MultipartForm.isMultipart(request) {
            let buffer = try await request.collectBody(upTo: MultipartForm.limit)
            return try MultipartForm.parse(buffer, contentType: request.headers[.contentType] ?? "").text("csrf")
        }
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else { return nil }
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return FormFields(String(buffer: buffer))["csrf"]
    }
}

/// The fields of an url-encoded form (a repeated field, such as checked boxes, keeps every value).
struct FormFields {
    let pairs: [(key: String, value: String)]

    init(_ body: String) {
        var pairs: [(key: String, value: String)] = []
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            guard let key = parts.first else { continue }
            pairs.append((decode(key), parts.count > 1 ? decode(parts[1]) : ""))
        }
        self.pairs = pairs
    }

    /// Each field's last value.
    var values: [String: String] { Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }) }

    /// The last value given for `key`.
    subscript(key: String) -> String? { pairs.last { $0.key == key }?.value }

    /// Every value given for `key`, in order.
    func all(_ key: String) -> [String] { pairs.filter { $0.key == key }.map(\.value) }

    /// The form of a request (its body collected).
    static func of(_ request: Request, context: AppRequestContext) async throws -> FormFields {
        FormFields(String(buffer: try await request.body.collect(upTo: context.maxUploadSize)))
    }
}
