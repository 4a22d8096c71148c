import Foundation
import SSMLCore
import SSMLEngine

/// Renders jobs for a long-lived process: on the shared worker pool, behind the admission queue, off the
/// cooperative thread pool, within a time limit, and stopped when the client that asked has gone.
///
/// The server's render API uses it, and so will anything else that renders inside the server (the API twins'
/// call simulation): one pool and one queue, so every render competes for the same workers under the same limits.
/// Nothing is synthesised in this process: espeak-ng drifts within a process, and the pool forks each job from
/// a pristine worker, so a job's bytes are those `ssml render` writes.
public final class RenderService: Sendable {
    public let engine: Engine
    public let pool: RenderWorkerPool
    public let queue: RenderQueue
    /// How remote audio is downloaded; nil refuses `http(s)` sources.
    public let fetchSettings: FetchSettings?
    /// The most a request may take, waiting for a worker included.
    public let timeLimit: Duration
    /// Where admitted renders block: one thread per slot of the queue.
    private let threads: RenderThreads

    public init(engine: Engine, pool: RenderWorkerPool, queue: RenderQueue, fetchSettings: FetchSettings?, timeLimit: Duration) {
        self.engine = engine
        self.pool = pool
        self.queue = queue
        self.fetchSettings = fetchSettings
        self.timeLimit = timeLimit
        threads = RenderThreads(count: queue.concurrency, name: "ssml-serve-render")
    }

    /// A finished render.
    public struct Outcome: Sendable {
        public var result: JobResult
        /// Warnings and notes of planning and resolving.
        public var diagnostics: [Diagnostic]
        /// Seconds spent waiting for a worker, and rendering.
        public var waited: Double
        public var rendered: Double
    }

    /// A render that failed, with the diagnostics made before it failed.
    public struct Failure: Error, Sendable {
        public var error: any Error
        public var diagnostics: [Diagnostic]
    }

    /// Why a render was stopped before it finished.
    public enum Stop: Error, Sendable, Equatable {
        /// The time limit passed (waiting included).
        case timedOut(seconds: Double)
        /// The client closed its connection.
        case abandoned
    }

    /// Renders `job` to memory.
    ///
    /// - Parameter abandoned: set when the client has gone; the render is then stopped (its render process
    ///   killed) and this throws ``Stop/abandoned``.
    /// - Throws: ``RenderQueue/Full`` when no worker is free and the queue is full, ``Stop``, ``Failure`` (its
    ///   error is the library's `SSMLError`), or `CancellationError` when the calling task is cancelled.
    public func render(_ job: RenderJob, abandoned: AsyncLatch<Void>? = nil) async throws -> Outcome {
        let submitted = ContinuousClock.now
        let cancellation = RenderWorkerPool.Cancellation()
        let finished = AsyncLatch<Result<Outcome, any Error>>()
        // Unstructured, so that a request that stops waiting answers at once; the job lets go of its worker slot
        // by itself, as soon as its render process is killed (or a download in progress ends).
        let work = Task {
            let result: Result<Outcome, any Error>
            do {
                result = .success(
                    try await queue.withSlot {
                        let admitted = ContinuousClock.now
                        try Task.checkCancellation()
                        let (output, diagnostics) = try await threads.run(cancellation: cancellation) { [self] in
                            try perform(job, cancellation: cancellation)
                        }
                        return Outcome(
                            result: output, diagnostics: diagnostics, waited: Self.seconds(admitted - submitted),
                            rendered: Self.seconds(ContinuousClock.now - admitted))
                    })
            } catch {
                result = .failure(error)
            }
            finished.set(result)
        }

        enum Race: Sendable {
            case done(Result<Outcome, any Error>)
            case timedOut
            case abandoned
            case cancelled
        }
        let limit = timeLimit
        // Not Task.sleep: a cancelled sleep stays allocated until its deadline (see DeadlineTimer).
        let timer = DeadlineTimer(seconds: Self.seconds(submitted + limit - ContinuousClock.now))
        defer { timer.cancel() }
        let first: Race = await withTaskGroup(of: Race.self) { group in
            group.addTask { await finished.wait().map(Race.done) ?? .cancelled }
            group.addTask { await timer.fired.wait() == nil ? .cancelled : .timedOut }
            if let abandoned { group.addTask { await abandoned.wait() == nil ? .cancelled : .abandoned } }
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            return first
        }
        switch first {
        case .done(let result): return try result.get()
        case .timedOut:
            work.cancel()
            throw Stop.timedOut(seconds: Self.seconds(limit))
        case .abandoned:
            work.cancel()
            throw Stop.abandoned
        case .cancelled:
            work.cancel()
            throw CancellationError()
        }
    }

    /// Plans, resolves and renders `job` on the pool. Blocking: runs on a thread of its own.
    private func perform(_ job: RenderJob, cancellation: RenderWorkerPool.Cancellation) throws -> (JobResult, [Diagnostic]) {
        var engine = self.engine
        // A fetcher per job: it remembers what it fetched (and its temporary files) for one job only.
        let fetcher = fetchSettings.map { HTTPFetcher(settings: $0) }
        engine.fetcher = fetcher
        defer { fetcher?.cleanUp() }
        let log = DiagnosticLog(strict: job.strict)
        do {
            let plan = try engine.resolve(engine.plan(job, log: log), for: job, log: log)
            if cancellation.isCancelled { throw CancellationError() }
            // The segments and words come back only for a timeline (the answer shows nothing else of them).
            let result = try engine.render(plan, job: job, to: .memory, pool: pool, cancellation: cancellation, entries: false)
            return (result, log.diagnostics)
        } catch {
            throw Failure(error: error, diagnostics: log.diagnostics)
        }
    }

    /// Runs blocking work on a new thread, never on the cooperative pool; cancelling the task cancels the work (lint,
    /// which is rarer than renders and has no worker slots of its own).
    static func onOwnThread<T: Sendable>(
        cancellation: RenderWorkerPool.Cancellation, _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread { continuation.resume(with: Result { try work() }) }
                thread.name = "ssml-serve-render"
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
