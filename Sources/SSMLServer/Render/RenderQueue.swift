import Foundation
import Synchronization

/// Admission to the render workers: at most `concurrency` jobs run, at most `capacity` wait, and the rest are
/// refused at once with an estimate of when to try again.
///
/// A server that queued without bound would answer every request, eventually, after any client had given up;
/// refusing early (503 with `Retry-After`) keeps the latency of the admitted requests bounded and lets a load
/// balancer send the surplus elsewhere. Waiting requests are served first come, first served; a waiting request
/// whose task is cancelled (its client left, its time ran out) leaves the queue.
public final class RenderQueue: Sendable {
    /// Jobs that run at once (the render workers).
    public let concurrency: Int
    /// Jobs that may wait for a worker.
    public let capacity: Int

    /// The queue is full: come back after `retryAfter` seconds.
    public struct Full: Error, Sendable {
        public var retryAfter: Int
        public var waiting: Int
    }

    /// What the queue holds now.
    public struct Load: Sendable, Equatable {
        public var running: Int
        public var waiting: Int
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var running = 0
        var waiting: [Waiter] = []
        var nextID: UInt64 = 0
        /// Ids given out and neither admitted nor cancelled yet.
        var pending: Set<UInt64> = []
        /// Smoothed seconds a job holds its slot, for `Retry-After`.
        var averageSeconds = 0.25
    }

    private let state = Mutex(State())

    public init(concurrency: Int, capacity: Int) {
        self.concurrency = max(1, concurrency)
        self.capacity = max(0, capacity)
    }

    public var load: Load { state.withLock { Load(running: $0.running, waiting: $0.waiting.count) } }

    /// Runs `body` once a slot is free; throws ``Full`` when no slot is free and the queue is full, and
    /// `CancellationError` when the task is cancelled while waiting.
    public func withSlot<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        let start = ContinuousClock.now
        defer { release(heldFor: ContinuousClock.now - start) }
        return try await body()
    }

    private enum Admission {
        case run
        case wait(UInt64)
        case full(Full)
    }

    private func acquire() async throws {
        let admission: Admission = state.withLock { state in
            if state.running < concurrency {
                state.running += 1
                return .run
            }
            guard state.waiting.count < capacity else {
                // Everyone ahead (running and waiting) must pass through `concurrency` slots.
                let ahead = Double(state.running + state.waiting.count)
                let seconds = Int((ahead * state.averageSeconds / Double(concurrency)).rounded(.up))
                return .full(Full(retryAfter: min(max(seconds, 1), 60), waiting: state.waiting.count))
            }
            state.nextID += 1
            state.pending.insert(state.nextID)
            return .wait(state.nextID)
        }
        switch admission {
        case .run: return
        case .full(let full): throw full
        case .wait(let id):
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let cancelled = state.withLock { state in
                        // Cancelled between taking a number and getting here.
                        guard state.pending.contains(id) else { return true }
                        state.waiting.append(Waiter(id: id, continuation: continuation))
                        return false
                    }
                    if cancelled { continuation.resume(throwing: CancellationError()) }
                }
            } onCancel: {
                let waiter: Waiter? = state.withLock { state in
                    // An id no longer pending was admitted already: the slot is this task's to give back.
                    state.pending.remove(id)
                    guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiting.remove(at: index)
                }
                waiter?.continuation.resume(throwing: CancellationError())
            }
        }
    }

    /// Gives the slot to the first waiter, or frees it.
    private func release(heldFor duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let next: Waiter? = state.withLock { state in
            state.averageSeconds = 0.8 * state.averageSeconds + 0.2 * seconds
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            // The slot passes on: `running` stays as it is.
            let next = state.waiting.removeFirst()
            state.pending.remove(next.id)
            return next
        }
        next?.continuation.resume()
    }
}
