import Foundation
import Testing
@testable import SSMLServer

/// The request time limits' timer: fires at its deadline, never once cancelled.
@Suite struct DeadlineTimerTests {
    @Test func firesAtItsDeadline() async throws {
        let started = ContinuousClock.now
        let timer = DeadlineTimer(seconds: 0.2)
        #expect(await timer.fired.wait() != nil)
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(190))
        // Its waiter wakes on the shared executor, which a loaded machine (the whole suite at once) can keep busy.
        #expect(waited < .seconds(30))
    }

    @Test func aCancelledTimerNeverFires() async throws {
        let timer = DeadlineTimer(seconds: 0.1)
        timer.cancel()
        try await Task.sleep(for: .milliseconds(400))
        #expect(!timer.fired.isSet)
    }

    @Test func aPastDeadlineFiresAtOnce() async throws {
        let timer = DeadlineTimer(seconds: -5)
        #expect(await timer.fired.wait() != nil)
    }

    /// A waiter cancelled before the deadline gets nil and leaves nothing behind (a request's race cancels it).
    @Test func aCancelledWaiterGetsNil() async throws {
        let timer = DeadlineTimer(seconds: 60)
        defer { timer.cancel() }
        let waiter = Task { await timer.fired.wait() }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        #expect(await waiter.value == nil)
    }
}
