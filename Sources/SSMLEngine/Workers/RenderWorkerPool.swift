import Foundation
import SSMLCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Long-lived render worker processes (`ssml-worker`), each rendering many jobs with the bytes of a fresh process.
///
/// Every job runs in a process forked from a worker that has initialised espeak-ng and rendered nothing (see
/// ``RenderWorkerProcess``), so a job's audio is identical to a fresh `ssml render` of the same plan whichever
/// worker takes it and whatever it rendered before. Jobs wait for a free worker; a job is cancelled by stopping its
/// render process (the worker lives on); a worker that dies fails its job with a clear error and is replaced.
///
/// No worker outlives the pool's process: each is started from one long-lived thread and asks the kernel for
/// `SIGKILL` when that thread ends (`PR_SET_PDEATHSIG`), and each render process does the same for its worker.
public final class RenderWorkerPool: Sendable {
    /// The worker executable: `$SSML_WORKER`, else `ssml-worker` beside this executable, else on `PATH`.
    public static func locateExecutable(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let explicit = environment["SSML_WORKER"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        let executable = Posix.executableURL
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = folder.appendingPathComponent("ssml-worker")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("ssml-worker")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    public let size: Int
    public let executable: URL
    /// Jobs a worker holds at once: with 2, a worker is sent its next job while it renders one, and forks the next
    /// render process as soon as the current one has ended, without waiting for this process to answer.
    public let queueDepth: Int
    /// The engine version the workers reported.
    public let version: String

    private let spawner = DedicatedThread(name: "ssml-worker-spawner")
    private let state: Mutex<State>
    private let available = NSCondition()

    private struct State {
        /// Workers with no job.
        var idle: [Worker] = []
        /// Workers with a job and room for another (``queueDepth``), by process id.
        var open: [Worker] = []
        /// Jobs each worker holds, by process id.
        var load: [pid_t: Int] = [:]
        var closed = false
    }

    /// Starts `size` workers (default: the number of cores).
    /// - Parameter queueDepth: jobs a worker may hold at once (see ``queueDepth``); 1 for callers that want a job to
    ///   wait for the first free worker (a server: a short job must not wait behind a long one), 2 for a batch of short
    ///   jobs, where the hand-over between one job and the next left the cores a quarter idle.
    public init(size: Int = ProcessInfo.processInfo.activeProcessorCount, executable: URL? = nil, queueDepth: Int = 1) throws {
        guard let executable = executable ?? Self.locateExecutable() else {
            throw SSMLError(.engine, "cannot find the render worker ssml-worker (install it beside ssml, or set SSML_WORKER to its path)")
        }
        self.size = max(1, size)
        self.executable = executable
        self.queueDepth = max(1, queueDepth)
        let spawner = self.spawner
        let workers = try (0..<max(1, size)).map { _ in try spawner.runAndWait { try Worker.start(executable) } }
        version = workers.first?.version ?? ""
        state = Mutex(State(idle: workers))
    }

    /// The process ids of the workers that could take a job now (all of them while the pool is idle).
    var idleWorkerProcessIDs: [pid_t] { state.withLock { state in (state.idle + state.open).map(\.pid) } }

    deinit {
        let workers = state.withLock { state in
            state.closed = true
            return state.idle + state.open
        }
        for worker in workers { worker.stop() }
    }

    /// A handle to stop a job from another thread.
    public final class Cancellation: Sendable {
        private let flag = Mutex<(cancelled: Bool, pid: pid_t?)>((false, nil))
        public init() {}

        /// Stops the job's render process; the job then throws `CancellationError`.
        public func cancel() {
            let pid = flag.withLock { value in
                value.cancelled = true
                return value.pid
            }
            if let pid { kill(pid, SIGKILL) }
        }

        public var isCancelled: Bool { flag.withLock { $0.cancelled } }

        /// Records the render process; kills it at once when the job was cancelled before it started.
        func started(_ pid: pid_t) {
            let cancelled = flag.withLock { value in
                value.pid = pid
                return value.cancelled
            }
            if cancelled { kill(pid, SIGKILL) }
        }

        func finished() { flag.withLock { $0.pid = nil } }
    }

    /// Renders `job` on a free worker, passing its samples to `sink` in order as they arrive; blocks until done.
    public func render(_ job: WorkerJob, into sink: any AudioSink, cancellation: Cancellation? = nil) throws -> RenderReport {
        var single = job
        single.sampleRates = [job.sampleRates[0]]
        return try render(single, into: [sink], cancellation: cancellation)[0]
    }

    /// Renders `job` at each of its rates on one free worker, from one synthesis: the samples of rate `i` go to
    /// `sinks[i]`, in order (all of the first rate's, then all of the second's); returns a report per rate. Each
    /// rate's samples are those of a job of that rate alone. Blocks until done.
    ///
    /// When the plan makes other engine calls at a later rate (or is too long for its synthesis to be kept), the
    /// worker renders that rate and the ones after it in a fresh process, so the result is the same either way.
    public func render(_ job: WorkerJob, into sinks: [any AudioSink], cancellation: Cancellation? = nil) throws -> [RenderReport] {
        precondition(sinks.count == job.sampleRates.count, "one sink per rate")
        let worker = try acquire()
        var healthy = true
        defer { release(worker, healthy: healthy) }
        var reports: [RenderReport] = []
        while reports.count < sinks.count {
            if cancellation?.isCancelled == true { throw CancellationError() }
            var rest = job
            rest.sampleRates = Array(job.sampleRates[reports.count...])
            let payload = try RenderPlan.encoder().encode(rest)
            let done: [RenderReport]
            do {
                done = try worker.run(payload, into: Array(sinks[reports.count...]), cancellation: cancellation)
            } catch let error as WorkerFailure {
                healthy = false
                throw error.error
            }
            // A process that stops without an output would be asked the same again, forever.
            guard !done.isEmpty else {
                healthy = false
                throw SSMLError(.engine, "the render worker \(worker.pid) stopped a job without rendering it")
            }
            reports += done
        }
        return reports
    }

    /// The same, for async callers: the work runs on a thread of its own, never on the cooperative pool, and task
    /// cancellation stops the render process.
    public func render(_ job: WorkerJob, into sink: any AudioSink & Sendable) async throws -> RenderReport {
        let cancellation = Cancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread { [self] in
                    continuation.resume(with: Result { try self.render(job, into: sink, cancellation: cancellation) })
                }
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    private func acquire() throws -> Worker {
        available.lock()
        defer { available.unlock() }
        while true {
            let depth = queueDepth
            let taken: Worker?? = state.withLock { state in
                if state.closed { return .some(nil) }
                // A free worker first; else one that renders a job and has room for the next.
                guard let worker = state.idle.popLast() ?? (state.open.isEmpty ? nil : state.open.removeFirst()) else { return nil }
                let load = state.load[worker.pid, default: 0] + 1
                state.load[worker.pid] = load
                if load < depth { state.open.append(worker) }
                return .some(worker)
            }
            switch taken {
            case .some(.some(let worker)): return worker
            case .some(.none): throw SSMLError(.engine, "the render pool is shut down")
            case .none: available.wait()
            }
        }
    }

    private func release(_ worker: Worker, healthy: Bool) {
        // The last job to let go of a broken worker stops and replaces it; the others only see it fail.
        if !healthy { worker.markBroken() }
        let broken = worker.isBroken
        let last: (remaining: Int, broken: Bool) = state.withLock { state in
            let remaining = state.load[worker.pid, default: 1] - 1
            state.open.removeAll { $0 === worker }
            if remaining > 0 {
                state.load[worker.pid] = remaining
                if !broken { state.open.append(worker) }
            } else {
                state.load[worker.pid] = nil
                if !broken { state.idle.append(worker) }
            }
            return (remaining, broken)
        }
        if last.broken {
            // Its other jobs read no more from it: they fail at once, and are retried or reported by their callers.
            worker.terminate()
            guard last.remaining == 0 else { return }
            worker.stop()
            let executable = executable
            // A dead worker is replaced; if even that fails, the pool shrinks (later jobs use the others).
            if let fresh = try? spawner.runAndWait({ try Worker.start(executable) }) {
                state.withLock { $0.idle.append(fresh) }
            }
        }
        available.lock()
        available.broadcast()
        available.unlock()
    }
}

/// A failure that says the worker itself is broken (it died, or broke the protocol): it is replaced.
struct WorkerFailure: Error {
    var error: SSMLError
}

/// One worker process and its pipes.
final class Worker: Sendable {
    let pid: pid_t
    let version: String
    private let channel: WorkerChannel
    /// The worker answers its jobs in the order they were sent: a job reads its replies when the ones before it
    /// have read theirs (``queueDepth`` > 1). `next` is the ticket of the next job sent, `serving` the one reading.
    private let turns = Mutex<(next: Int, serving: Int, broken: Bool)>((0, 0, false))
    private let turn = NSCondition()

    private init(pid: pid_t, version: String, channel: WorkerChannel) {
        self.pid = pid
        self.version = version
        self.channel = channel
    }

    /// Starts the worker and waits for it to be ready. Call on the pool's spawner thread.
    static func start(_ executable: URL) throws -> Worker {
        let toWorker = try Posix.pipe(), fromWorker = try Posix.pipe()
        // Room for a short prompt's samples at all its rates (a 64 KB pipe held one message): the render process
        // writes them and ends without waiting for this process to read each message.
        Posix.setPipeSize(fromWorker.write, 1 << 20)
        var environment = ProcessInfo.processInfo.environment
        environment[RenderWorkerProcess.parentVariable] = "\(getpid())"
        // Symbols bound once when the worker starts, not again in every render process it forks.
        environment["LD_BIND_NOW"] = "1"
        let pid: pid_t
        do {
            pid = try Posix.spawn(executable.path, arguments: [], environment: environment, stdin: toWorker.read, stdout: fromWorker.write)
        } catch {
            [toWorker.read, toWorker.write, fromWorker.read, fromWorker.write].forEach(Posix.close)
            throw error
        }
        Posix.close(toWorker.read)
        Posix.close(fromWorker.write)
        let channel = WorkerChannel(input: fromWorker.read, output: toWorker.write, name: "render worker \(pid)")
        func fail(_ message: String) -> SSMLError {
            kill(pid, SIGKILL)
            _ = try? Posix.wait(pid)
            Posix.close(fromWorker.read)
            Posix.close(toWorker.write)
            return SSMLError(.engine, message)
        }
        switch try? channel.receive() {
        case .ready(let version)?:
            return Worker(pid: pid, version: version, channel: channel)
        case .failure(let data)?:
            let error = (try? JSONDecoder().decode(SSMLError.self, from: data))?.message ?? "it failed"
            throw fail("the render worker \(executable.path) could not start: \(error)")
        default:
            throw fail("the render worker \(executable.path) could not start")
        }
    }

    /// Runs one job: its outputs' samples go to `sinks` in turn. Returns the reports of the outputs the render process
    /// made: all of them, or (when it said it is ``WorkerMessage/incomplete``) the first ones. Errors of the job are
    /// `SSMLError`s; a broken worker is a ``WorkerFailure``.
    func run(_ payload: Data, into sinks: [any AudioSink], cancellation: RenderWorkerPool.Cancellation?) throws -> [RenderReport] {
        let gone = WorkerFailure(error: SSMLError(.engine, "the render worker \(pid) is gone"))
        // The ticket and the job go out together, so that tickets follow the jobs' order in the pipe.
        turn.lock()
        let ticket = turns.withLock { turns in
            defer { turns.next += 1 }
            return turns.next
        }
        do { try channel.send(.job(payload)) } catch {
            turn.unlock()
            markBroken()
            throw gone
        }
        while true {
            let (serving, broken) = turns.withLock { ($0.serving, $0.broken) }
            if broken {
                turn.unlock()
                throw gone
            }
            if serving == ticket { break }
            turn.wait()
        }
        turn.unlock()
        var whole = false
        defer {
            turn.lock()
            turns.withLock { turns in
                turns.serving += 1
                // Replies read only in part leave the rest in the pipe: the jobs after this one cannot read theirs.
                if !whole { turns.broken = true }
            }
            turn.broadcast()
            turn.unlock()
        }
        var reports: [RenderReport] = []
        var incomplete = false
        var failure: SSMLError?
        var sinkError: (any Error)?
        var renderProcess: pid_t?
        func unexpected() -> WorkerFailure { WorkerFailure(error: SSMLError(.engine, "the render worker \(pid) sent an unexpected message")) }
        while true {
            let message: WorkerMessage?
            do { message = try channel.receive() } catch {
                throw WorkerFailure(error: SSMLError(.engine, "the render worker \(pid) failed: \((error as? SSMLError)?.message ?? "\(error)")"))
            }
            guard let message else { throw WorkerFailure(error: SSMLError(.engine, "the render worker \(pid) died during the render")) }
            switch message {
            case .started(let child):
                renderProcess = child
                cancellation?.started(child)
            case .samples(let data):
                guard sinkError == nil else { continue }
                guard reports.count < sinks.count, !incomplete else { throw unexpected() }
                let samples = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                do { try sinks[reports.count].write(samples) } catch {
                    // The consumer gave up (a limit, a full disk): stop the render, then report that.
                    sinkError = error
                    if let renderProcess { kill(renderProcess, SIGKILL) }
                }
            case .report(let data):
                guard reports.count < sinks.count, !incomplete else { throw unexpected() }
                guard let report = try? RenderPlan.decoder().decode(RenderReport.self, from: data) else {
                    failure = failure ?? SSMLError(.engine, "the render worker \(pid) sent a report that cannot be read")
                    continue
                }
                reports.append(report)
            case .incomplete:
                incomplete = true
            case .failure(let data):
                failure = (try? JSONDecoder().decode(SSMLError.self, from: data)) ?? SSMLError(.engine, "the render failed")
            case .finished(let status):
                whole = true
                cancellation?.finished()
                if let sinkError { throw sinkError }
                if cancellation?.isCancelled == true { throw CancellationError() }
                if let failure { throw failure }
                if status < 0 {
                    throw SSMLError(.engine, "the render process was killed by signal \(-status)\(status == -SIGKILL ? "" : " (it crashed)")")
                }
                guard status == 0, reports.count == sinks.count || incomplete else { throw SSMLError(.engine, "the render process failed (status \(status))") }
                return reports
            case .ready, .job:
                throw unexpected()
            }
        }
    }

    /// Whether a job found the worker broken (it died, or a job left its replies half read): the jobs queued
    /// behind fail at once, and the pool replaces it.
    var isBroken: Bool { turns.withLock { $0.broken } }

    /// Marks the worker broken and wakes the jobs waiting for their turn on it.
    func markBroken() {
        turn.lock()
        turns.withLock { $0.broken = true }
        turn.broadcast()
        turn.unlock()
    }

    /// Stops the worker process (its pipes stay open until ``stop()``, for jobs still reading them).
    func terminate() { kill(pid, SIGKILL) }

    /// Ends the worker: closing its input ends its loop; a kill makes sure.
    func stop() {
        Posix.close(channel.output)
        kill(pid, SIGKILL)
        _ = try? Posix.wait(pid)
        Posix.close(channel.input)
    }
}
