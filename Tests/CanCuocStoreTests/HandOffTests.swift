import Foundation
import Synchronization
import Testing
@testable import CanCuocStore

@Suite struct HandOffTests {
    /// Items arrive in order; a producer that runs ahead waits for room; closing frees a waiting producer.
    @Test func itemsArriveInOrderAndAProducerWaitsForRoom() {
        let handOff = HandOff<Int>(capacity: 2)
        let accepted = Mutex<[Bool]>([])
        let done = DispatchSemaphore(value: 0)
        Thread {
            for item in 1...3 {
                let queued = handOff.put(item)
                accepted.withLock { $0.append(queued) }
            }
            done.signal()
        }.start()
        // Two fit; the third waits until one is taken.
        #expect(done.wait(timeout: .now() + 0.3) == .timedOut)
        #expect(accepted.withLock { $0 } == [true, true])
        #expect(handOff.take() == 1)
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(handOff.take() == 2)
        #expect(handOff.take() == 3)

        // Full again, then closed: the waiting put gives up, and so does every later one.
        #expect(handOff.put(4) && handOff.put(5))
        let gaveUp = DispatchSemaphore(value: 0)
        Thread {
            if !handOff.put(6) { gaveUp.signal() }
        }.start()
        #expect(gaveUp.wait(timeout: .now() + 0.3) == .timedOut)
        handOff.close()
        #expect(gaveUp.wait(timeout: .now() + 5) == .success)
        #expect(!handOff.put(7))
    }
}
