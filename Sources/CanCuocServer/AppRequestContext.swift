import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore

/// Per-request context: who is asking (set by `AuthMiddleware`) and where from. Request bodies are
/// limited to 1 MB: no register operation needs more.
public struct AppRequestContext: AuthRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in account (session with every factor done, or a valid bearer token).
    public var identity: Identity?
    /// A browser session that has passed the password but not yet the TOTP code.
    public var pendingSession: Session?
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    public var maxUploadSize: Int { 1 << 20 }

    /// The client's address for the audit trail: the peer, or, when the peer is a proxy on this machine
    /// (nginx in front of several servers), the first address of its X-Forwarded-For.
    func clientAddress(_ request: Request) -> String {
        let peer = remoteAddress?.ipAddress ?? ""
        if peer == "127.0.0.1" || peer == "::1", let forwarded = request.headers[.init("X-Forwarded-For")!] {
            return forwarded.split(separator: ",").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? peer
        }
        return peer
    }

    func requireSignedIn() throws -> Identity {
        guard let identity else { throw APIError.unauthenticated }
        return identity
    }

    /// The identity when it holds at least one of `permissions`.
    func require(anyOf permissions: Set<Permission>) throws -> Identity {
        let identity = try requireSignedIn()
        guard !identity.permissions.isDisjoint(with: permissions) else { throw APIError.forbidden }
        return identity
    }

    /// The identity when it holds `permission`: 401 when nobody is signed in, 403 when the role (or the
    /// token's scope) does not allow it.
    func require(_ permission: Permission) throws -> Identity {
        guard let identity else { throw APIError.unauthenticated }
        guard identity.permissions.contains(permission) else { throw APIError.forbidden }
        return identity
    }
}
