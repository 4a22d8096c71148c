import Foundation

/// A long-lived thread of its own: work items run on it one at a time, in order.
///
/// For what must always happen on one thread: every espeak-ng call (it is not thread-safe, and its synthesis calls
/// back with the audio), and starting worker processes (Linux ties a child's parent-death signal to the *thread*
/// that started it, so a short-lived thread would take its workers with it).
final class DedicatedThread: @unchecked Sendable {
    // `@unchecked Sendable`: `queue` is touched only while `condition` is locked.
    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = []

    init(name: String) {
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = name
        thread.start()
    }

    /// Runs `work` on the owner thread, after what was submitted before it.
    func run(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        queue.append(work)
        condition.signal()
        condition.unlock()
    }

    /// Runs `work` on the thread and waits for its result.
    func runAndWait<T: Sendable>(_ work: @escaping @Sendable () throws -> T) throws -> T {
        let done = NSCondition()
        nonisolated(unsafe) var outcome: Result<T, any Error>?
        run {
            let result = Result { try work() }
            done.lock()
            outcome = result
            done.signal()
            done.unlock()
        }
        done.lock()
        while outcome == nil { done.wait() }
        done.unlock()
        return try outcome!.get()
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty { condition.wait() }
            let work = queue.removeFirst()
            condition.unlock()
            work()
        }
    }
}
