import CanCuocStore
import Foundation
import Synchronization

/// Bearer tokens checked in the last `lifetime`, with their owners: an API client's requests then cost one
/// look-up of its token a second instead of one each. A token revoked or an owner disabled through this
/// server is forgotten at once (`forgetAll`); through another server or the command line, it is refused
/// here at most `lifetime` later (docs/security.md). Expiry is exact: it is checked against the cached token's
/// own date.
public final class TokenCache: Sendable {
    struct Entry: Sendable {
        let token: APIToken
        let owner: Account
        let checkedAt: Date
    }

    let lifetime: TimeInterval
    /// Bound on the entries kept: a flood of distinct valid tokens cannot grow the cache without limit.
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    public init(lifetime: TimeInterval = 1, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The token and owner stored for `hash`, if checked within the lifetime before `now`.
    func lookup(_ hash: String, at now: Date) -> (APIToken, Account)? {
        entries.withLock { entries in
            guard let entry = entries[hash] else { return nil }
            // A clock that went back (tests, or the system's) does not keep an entry alive either.
            guard now >= entry.checkedAt, now.timeIntervalSince(entry.checkedAt) < lifetime else {
                entries[hash] = nil
                return nil
            }
            return (entry.token, entry.owner)
        }
    }

    func store(_ hash: String, token: APIToken, owner: Account, at now: Date) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[hash] = Entry(token: token, owner: owner, checkedAt: now)
        }
    }

    func forgetAll() {
        entries.withLock { $0.removeAll() }
    }
}
