import CanCuocStore
import Foundation
import Hummingbird
import Logging

/// Turns every error into the API's JSON error body (or the console's error page for HTML paths).
/// Unexpected errors are logged with the request id only (no personal data) and answered as a 500.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let pages: ConsolePages
    /// The store's meaning of its database library's errors (`RegisterStore.storeError(for:)`).
    let storeError: @Sendable (any Error) -> StoreError?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError: APIError
            if let mapped = APIError.from(error) ?? storeError(error).flatMap(APIError.from) {
                apiError = mapped
            } else {
                // The route pattern, never the path itself: a path can carry a PIN.
                context.logger.error("unhandled error", metadata: ["error.type": "\(type(of: error))", "route": "\(context.endpointPath ?? "-")"])
                apiError = APIError(.internalServerError, "internal", "internal error")
            }
            if Routes.isConsole(request.uri.path) {
                // The console sends people where they can go on rather than showing a bare error.
                if apiError.code == "unauthenticated" { return AuthController.redirect("/signin") }
                if apiError.code == "password_change_required" { return AuthController.redirect("/account/password") }
                return pages.errorPage(apiError)
            }
            return JSONResponse.error(apiError)
        }
    }
}

/// Security headers for every response.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        // Personal data must not stay in shared browsers' or proxies' caches.
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
