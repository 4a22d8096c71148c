import Foundation
import SSMLTestSupport
import Testing
@testable import SSMLServer

/// The request time limits' timer: fires at its deadline, never once cancelled.
@Suite(.ownThread) struct DeadlineTimerTests {
    /// Measured where it fires (its own queue sets the latch), not where a waiter wakes: a waiter wakes when the
    /// shared executor gets to it, which says nothing about the timer.
    @Test func firesAtItsDeadline() throws {
        let started = ContinuousClock.now
        let timer = DeadlineTimer(seconds: 0.2)
        while !timer.fired.isSet && ContinuousClock.now - started < .seconds(30) { Thread.sleep(forTimeInterval: 0.001) }
        let waited = ContinuousClock.now - started
        #expect(timer.fired.isSet)
        #expect(waited >= .milliseconds(190))
        #expect(waited < .seconds(5))
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
