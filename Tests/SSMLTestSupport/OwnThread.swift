// A release build (`make release`, `make samples`) compiles this target too, against the static Swift libraries,
// which have no Testing module; only the test targets use what follows.
#if canImport(Testing)
    import Foundation
    import Synchronization
    import Testing

    /// Runs each test of a suite on a thread of its own, a few tests at a time, so that a test that blocks (waits for a
    /// child process, reads a socket, sleeps) never blocks a thread of Swift's shared executor.
    ///
    /// The shared executor has as many threads as the machine has cores (two here). A test that blocks one of them, while
    /// the whole suite runs at once, makes every other test's wake-ups wait behind it: a 0.2 s timer's waiter woke after
    /// 41 s on CI, and a test's 60 s wait for a server ran out while the server had long answered. With this trait the
    /// blocking happens on the test's own thread; the shared executor keeps its threads for the servers and the tests
    /// that do not block.
    public struct OwnThreadTrait: SuiteTrait, TestTrait, TestScoping {
        public var isRecursive: Bool { true }

        /// At most this many tests hold a thread at once: blocking tests mostly wait for child processes, which use the
        /// cores themselves, so more at a time would only make each one slower and every time limit tighter.
        static let gate = AsyncGate(permits: max(2, ProcessInfo.processInfo.activeProcessorCount) * 2)

        public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
            testCase == nil ? nil : self
        }

        public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
            try await Self.gate.withPermit {
                let executor = ThreadExecutor(name: "test \(test.name)")
                defer { executor.stop() }
                try await withTaskExecutorPreference(executor) { try await function() }
            }
        }
    }

    extension Trait where Self == OwnThreadTrait {
        /// Each test of the suite runs on a thread of its own (see ``OwnThreadTrait``).
        public static var ownThread: Self { OwnThreadTrait() }
    }

    /// A counting semaphore that suspends instead of blocking.
    final class AsyncGate: Sendable {
        private struct State {
            var free: Int
            var waiters: [CheckedContinuation<Void, Never>] = []
        }
        private let state: Mutex<State>

        init(permits: Int) { state = Mutex(State(free: permits)) }

        func withPermit<T>(_ body: () async throws -> T) async rethrows -> T {
            await acquire()
            defer { release() }
            return try await body()
        }

        private func acquire() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let granted = state.withLock { state -> Bool in
                    if state.free > 0 {
                        state.free -= 1
                        return true
                    }
                    state.waiters.append(continuation)
                    return false
                }
                if granted { continuation.resume() }
            }
        }

        private func release() {
            let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if state.waiters.isEmpty {
                    state.free += 1
                    return nil
                }
                return state.waiters.removeFirst()
            }
            next?.resume()
        }
    }

    /// A task executor of threads of its own: one, and another whenever a job comes while all of them are busy (a job
    /// that blocks waiting for another job of the same test would otherwise wait forever). After ``stop()`` its idle
    /// threads end, and a job that still comes goes to the global executor (a job cannot be dropped; none should come
    /// once its test has returned).
    final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
        private struct State {
            var jobs: [UnownedJob] = []
            var next = 0
            var idle = 0
            var stopped = false
        }
        private let state = Mutex(State())
        private let wake = DispatchSemaphore(value: 0)
        private let name: String

        init(name: String) { self.name = String(name.prefix(60)) }

        func enqueue(_ job: consuming ExecutorJob) {
            let unowned = UnownedJob(job)
            enum Action { case wake, spawn, forward }
            let action = state.withLock { state -> Action in
                if state.stopped { return .forward }
                state.jobs.append(unowned)
                if state.idle > 0 {
                    state.idle -= 1
                    return .wake
                }
                return .spawn
            }
            switch action {
            case .wake: wake.signal()
            case .spawn: spawn()
            case .forward: globalConcurrentExecutor.enqueue(ExecutorJob(unowned))
            }
        }

        /// Ends the threads once they have nothing to do.
        func stop() {
            let idle = state.withLock { state -> Int in
                state.stopped = true
                defer { state.idle = 0 }
                return state.idle
            }
            for _ in 0..<idle { wake.signal() }
        }

        private func spawn() {
            let thread = Thread { [self] in work() }
            thread.name = name
            thread.stackSize = 8 << 20
            thread.start()
        }

        private func work() {
            while true {
                enum Step { case run(UnownedJob), wait, end }
                let step = state.withLock { state -> Step in
                    if state.next < state.jobs.count {
                        let job = state.jobs[state.next]
                        state.next += 1
                        if state.next > 64 && state.next * 2 > state.jobs.count {
                            state.jobs.removeFirst(state.next)
                            state.next = 0
                        }
                        return .run(job)
                    }
                    if state.stopped { return .end }
                    state.idle += 1
                    return .wait
                }
                switch step {
                case .run(let job): job.runSynchronously(on: asUnownedTaskExecutor())
                case .wait: wake.wait()
                case .end: return
                }
            }
        }
    }
#endif
