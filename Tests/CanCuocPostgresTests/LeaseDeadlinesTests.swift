@testable import CanCuocPostgres
import Synchronization
import Testing

/// The one watcher of the connection deadlines: a deadline fires once it has passed, a removed one never does.
@Suite struct LeaseDeadlinesTests {
    @Test func aDeadlineFiresOnceAndARemovedOneNever() async throws {
        let deadlines = LeaseDeadlines(tick: .milliseconds(10))
        let fired = Mutex<[String]>([])
        let start = ContinuousClock.now
        _ = deadlines.add(after: .milliseconds(50)) { fired.withLock { $0.append("late") } }
        let removed = deadlines.add(after: .milliseconds(50)) { fired.withLock { $0.append("removed") } }
        deadlines.remove(removed)
        #expect(deadlines.count == 1)
        while deadlines.count > 0, ContinuousClock.now - start < .seconds(10) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(ContinuousClock.now - start >= .milliseconds(50))
        try await Task.sleep(for: .milliseconds(50))
        #expect(fired.withLock { $0 } == ["late"])
        // The watcher stopped with nothing left; a new deadline starts it again.
        _ = deadlines.add(after: .milliseconds(1)) { fired.withLock { $0.append("again") } }
        while deadlines.count > 0, ContinuousClock.now - start < .seconds(10) { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(20))
        #expect(fired.withLock { $0 } == ["late", "again"])
    }
}
