import Synchronization

/// The deadlines of the requests still waiting for a pooled connection, watched by one task that looks every
/// `tick` instead of a timer task per database call: a timer task per call cost about a sixth of the server's
/// time per PIN look-up (three calls a request). The watcher runs only while something is waiting or has
/// waited in its last tick, so an idle register holds no task. A deadline fires up to one tick late.
final class LeaseDeadlines: Sendable {
    typealias Ticket = UInt64

    struct Waiting {
        let deadline: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    struct State {
        var waiting: [Ticket: Waiting] = [:]
        var next: Ticket = 0
        var watching = false
    }

    let tick: Duration
    private let state = Mutex(State())

    init(tick: Duration = .milliseconds(100)) {
        self.tick = tick
    }

    /// Calls `expire` once `timeout` has passed, unless `remove` comes first.
    func add(after timeout: Duration, expire: @escaping @Sendable () -> Void) -> Ticket {
        let deadline = ContinuousClock.now + timeout
        let (ticket, start) = state.withLock { state in
            state.next += 1
            state.waiting[state.next] = Waiting(deadline: deadline, expire: expire)
            defer { state.watching = true }
            return (state.next, !state.watching)
        }
        if start { Task { await self.watch() } }
        return ticket
    }

    func remove(_ ticket: Ticket) {
        _ = state.withLock { $0.waiting.removeValue(forKey: ticket) }
    }

    /// How many deadlines are waiting (for tests).
    var count: Int { state.withLock { $0.waiting.count } }

    private func watch() async {
        while true {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let (due, done): ([Waiting], Bool) = state.withLock { state in
                let due = state.waiting.filter { $0.value.deadline <= now }
                for ticket in due.keys { state.waiting[ticket] = nil }
                if state.waiting.isEmpty { state.watching = false }
                return (Array(due.values), !state.watching)
            }
            for waiting in due { waiting.expire() }
            if done { return }
        }
    }
}
