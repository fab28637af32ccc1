@testable import CanCuocPostgres
import Synchronization
import Testing

/// The one watcher of the connection deadlines: a deadline fires once it has passed, a removed one never does.
@Suite struct LeaseDeadlinesTests {
    /// Waits (up to a minute: the whole suite shares two cores) until `done` holds.
    static func wait(until done: () -> Bool) async throws {
        let start = ContinuousClock.now
        while !done(), ContinuousClock.now - start < .seconds(60) { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test func aDeadlineFiresOnceAndARemovedOneNever() async throws {
        let deadlines = LeaseDeadlines(tick: .milliseconds(10))
        let fired = Mutex<[String]>([])
        _ = deadlines.add(after: .milliseconds(50)) { fired.withLock { $0.append("late") } }
        let removed = deadlines.add(after: .milliseconds(50)) { fired.withLock { $0.append("removed") } }
        let distant = deadlines.add(after: .seconds(3600)) { fired.withLock { $0.append("distant") } }
        deadlines.remove(removed)
        #expect(deadlines.count == 2)
        try await Self.wait { fired.withLock { !$0.isEmpty } }
        // The watcher has looked past the first deadline: the one not yet due is still waiting, untouched.
        #expect(fired.withLock { $0 } == ["late"])
        #expect(deadlines.count == 1)
        deadlines.remove(distant)
        #expect(deadlines.count == 0)
        // The watcher stops with nothing left to watch; a new deadline starts it again.
        _ = deadlines.add(after: .milliseconds(1)) { fired.withLock { $0.append("again") } }
        try await Self.wait { fired.withLock { $0.count == 2 } }
        #expect(fired.withLock { $0 } == ["late", "again"])
    }
}
