import HummingbirdBcrypt
import NIOPosix

/// bcrypt (hummingbird-auth) run on NIO's blocking thread pool: one hash takes about a quarter of a second
/// at cost 12, and officers signing in at the start of a shift must not stall the threads that serve
/// every other request.
enum PasswordHasher {
    static func hash(_ password: String, cost: UInt8) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
