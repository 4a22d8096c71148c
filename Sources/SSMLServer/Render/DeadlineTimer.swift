import Dispatch
import Foundation

/// A one-shot timer for a request's time limits: ``fired`` is set at the deadline, and a cancelled timer is gone at
/// once.
///
/// `Task.sleep` does not do as the losing side of a race: a sleep cancelled once it has started keeps its task and
/// its dispatch timer allocated until the deadline it was given. A request ran two of them (the body's 30 s, the
/// render's limit), so a flood of requests answered at once (503 when the queue is full) held about 400 bytes per
/// request for a minute: heaptrack showed them, and `ssml serve` under wrk's 64 connections grew from 33 to 369 MB.
/// A cancelled dispatch source leaves its timer heap at once.
final class DeadlineTimer: @unchecked Sendable {
    /// Set when the deadline passes (never, once cancelled first).
    let fired = AsyncLatch<Void>()
    // Dispatch sources are thread-safe; the source is set once, here.
    private let source: any DispatchSourceTimer

    /// The queue the timers fire on: a queue of its own, which dispatch gives a thread even when the global queues'
    /// threads are all busy (a 0.2 s timer on `.global()` fired after 17 s while the test suite kept them busy).
    private static let queue = DispatchQueue(label: "ssml-deadlines")

    /// A timer that fires `seconds` from now (at once for 0 or less).
    init(seconds: Double) {
        source = DispatchSource.makeTimerSource(queue: Self.queue)
        source.schedule(deadline: .now() + max(0, seconds))
        source.setEventHandler { [fired] in fired.set(()) }
        source.resume()
    }

    /// Stops the timer; ``fired`` is then never set.
    func cancel() { source.cancel() }

    deinit { source.cancel() }
}
