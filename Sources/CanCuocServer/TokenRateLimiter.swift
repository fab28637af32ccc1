import CanCuocStore
import Foundation

/// Per-token request limits per minute, shared by every server on the database without a database write
/// per request: each server admits against the window's total as of its last exchange with the database
/// plus what it admitted since, and sends its new counts in one transaction every `syncInterval`. Across
/// servers a token can overshoot by what the others admitted within one interval; on one server the limit is
/// exact. A server seeing a token for the first time in a minute reads the window's total first.
actor TokenRateLimiter {
    struct Window {
        var minute: Int64
        /// The window's total in the database after our last exchange.
        var known: Int
        /// Admitted here and not sent yet.
        var pending: Int
    }

    let accounts: any AccountStore
    let syncInterval: Duration
    private var windows: [TokenID: Window] = [:]
    private var syncing = false

    init(accounts: any AccountStore, syncInterval: Duration = .milliseconds(250)) {
        self.accounts = accounts
        self.syncInterval = syncInterval
    }

    func admit(_ token: APIToken, at now: Date) async -> Bool {
        let minute = Int64((now.timeIntervalSince1970 / 60).rounded(.down))
        if windows[token.id]?.minute != minute {
            // First request of this token in this minute here: start from what other servers already counted.
            let known = (try? await accounts.addRequests(tokenID: token.id, window: minute, count: 0)) ?? 0
            if windows[token.id]?.minute != minute { windows[token.id] = Window(minute: minute, known: known, pending: 0) }
        }
        guard var window = windows[token.id] else { return false }
        guard window.known + window.pending < token.rateLimit else {
            windows[token.id] = window
            return false
        }
        window.pending += 1
        windows[token.id] = window
        if !syncing {
            syncing = true
            Task { await self.sync() }
        }
        return true
    }

    private func sync() async {
        while windows.values.contains(where: { $0.pending > 0 }) {
            try? await Task.sleep(for: syncInterval)
            for (id, window) in windows where window.pending > 0 {
                do {
                    let total = try await accounts.addRequests(tokenID: id, window: window.minute, count: window.pending)
                    // Requests admitted while the database answered stay pending for the next round.
                    if var now = windows[id], now.minute == window.minute {
                        now.pending -= window.pending
                        now.known = total
                        windows[id] = now
                    }
                } catch {
                    // The database is unreachable: keep counting here and try again next round.
                }
            }
            // Forget windows that are over (nothing pending, older than the newest minute seen).
            let newest = windows.values.map(\.minute).max() ?? 0
            windows = windows.filter { $0.value.pending > 0 || $0.value.minute >= newest }
        }
        syncing = false
    }
}
