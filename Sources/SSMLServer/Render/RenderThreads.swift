import Foundation
import SSMLEngine

/// Long-lived threads for the blocking part of renders (planning, the pool's pipes, encoding), so that no render
/// blocks a thread of the cooperative pool and none pays for starting a thread of its own.
///
/// A thread per render cost a `clone`, a new stack and an exit every time (measured: about 3% of the server's CPU per
/// short prompt, most of it in the kernel). The admission queue lets at most `count` renders run at once, so `count`
/// threads never keep one waiting; more work than that waits its turn here, first come, first served.
final class RenderThreads: Sendable {
    private let work = WorkQueue()

    init(count: Int, name: String) {
        for _ in 0..<max(1, count) {
            let thread = Thread { [work] in work.serve() }
            thread.name = name
            thread.start()
        }
    }

    deinit { work.close() }

    /// Runs blocking `body` on one of the threads; cancelling the task cancels the render (`cancellation`), and the
    /// call returns once `body` has.
    func run<T: Sendable>(cancellation: RenderWorkerPool.Cancellation, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                work.submit { continuation.resume(with: Result { try body() }) }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// The jobs waiting for a thread; the threads end when it closes.
    private final class WorkQueue: @unchecked Sendable {
        // `@unchecked Sendable`: `jobs` and `closed` are touched only while `condition` is locked.
        private let condition = NSCondition()
        private var jobs: [@Sendable () -> Void] = []
        private var head = 0
        private var closed = false

        func submit(_ job: @escaping @Sendable () -> Void) {
            condition.lock()
            jobs.append(job)
            condition.signal()
            condition.unlock()
        }

        func close() {
            condition.lock()
            closed = true
            condition.broadcast()
            condition.unlock()
        }

        func serve() {
            while let job = next() { job() }
        }

        private func next() -> (@Sendable () -> Void)? {
            condition.lock()
            defer { condition.unlock() }
            while head == jobs.count {
                if closed { return nil }
                condition.wait()
            }
            let job = jobs[head]
            head += 1
            // The array is emptied whenever it has been served to the end, so it never grows with the server's age.
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            return job
        }
    }
}
