import Foundation
import Synchronization

/// A fixed-window limit per client address for the public pages (no account to charge). Kept in this server's
/// memory: behind a load balancer each server counts its own share, so the limit per address is at most
/// `limit` times the number of servers (docs/applications.md); nginx's `limit_req` can cap the total.
final class AddressRateLimiter: Sendable {
    struct Window {
        var minute: Int64
        var count: Int
    }

    let limit: Int
    private let windows = Mutex<[String: Window]>([:])

    init(perMinute limit: Int) {
        self.limit = limit
    }

    /// Counts one request from `address` at `now`; false when the address has used its minute.
    func admit(_ address: String, at now: Date) -> Bool {
        let minute = Int64((now.timeIntervalSince1970 / 60).rounded(.down))
        return windows.withLock { windows in
            // Forget finished minutes once the table grows (one entry per recent address).
            if windows.count > 10_000 { windows = windows.filter { $0.value.minute == minute } }
            var window = windows[address].flatMap { $0.minute == minute ? $0 : nil } ?? Window(minute: minute, count: 0)
            guard window.count < limit else { return false }
            window.count += 1
            windows[address] = window
            return true
        }
    }
}
