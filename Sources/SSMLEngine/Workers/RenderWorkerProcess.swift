import Foundation
import SSMLCore

#if canImport(Glibc)
    import Glibc
#endif

/// The body of a render worker process (`ssml-worker`): initialise espeak-ng once, then fork a fresh render
/// process per job from that untouched state.
///
/// espeak-ng drifts within a process (its pitch flutter and `rand()` state carry over from one synthesis to the
/// next), so a warm process that rendered one job would render the next one differently. A process that has only
/// initialised espeak-ng, set the seed and synthesised nothing is the state a fresh `ssml render` starts from;
/// every job's render process is a copy of that state (`fork`), so its bytes are those of a fresh process, at the
/// cost of a fork (about a millisecond) instead of a process start.
///
/// Forking is safe because nothing runs beside the forking thread: the worker starts no thread of its own (the
/// render process starts what it needs after the fork). The one other thread is espeak-ng's: initialisation
/// starts its asynchronous-command thread even in synchronous mode, where it is never woken (synthesis and
/// parameters take the synchronous path and never touch its queue or its lock). The worker checks that this is
/// the only other thread and that it is asleep in the kernel before it forks, so the copy is always the same.
public enum RenderWorkerProcess {
    /// The environment variable that carries the pool's process id, so the worker can tell that it is still alive.
    public static let parentVariable = "SSML_WORKER_PARENT"

    /// Runs the worker on standard input and output until the pool closes its pipe. Never returns.
    public static func main() -> Never {
        signal(SIGPIPE, SIG_IGN)
        // The pool ties the worker's life to its own; a worker whose pool is already gone stops at once.
        if let parent = ProcessInfo.processInfo.environment[parentVariable].flatMap(pid_t.init) {
            guard Posix.dieWithParent(expectedParent: parent) else { exit(0) }
        }
        // Every render process is a fresh fork: a page it frees and allocates again should stay its own, not go back
        // to the kernel and come back as a new page fault (a batch's render processes spent a tenth of their time
        // in faults). Set before espeak-ng allocates anything, so that every worker lays out its heap alike.
        Posix.keepFreedMemory()
        let channel = WorkerChannel(input: 0, output: 1, name: "the render pool")
        let synthesizer: EspeakSynthesizer
        do {
            synthesizer = try EspeakSynthesizer.shared()
        } catch {
            try? channel.send(.failure(encode(error)))
            exit(1)
        }
        // espeak-ng's idle command thread, and nothing else; asleep before anything is forked.
        var waited = 0
        while !(Posix.threadCount <= 2 && Posix.otherThreadsAreAsleep) {
            guard waited < 200 else {
                try? channel.send(.failure(encode(SSMLError(.engine, "the render worker has \(Posix.threadCount) threads running; it cannot fork safely"))))
                exit(1)
            }
            usleep(1000)
            waited += 1
        }
        // Swift fills its type and conformance caches on first use; the report's are filled here once, so that every
        // render process inherits them instead of filling them again. Nothing here touches espeak-ng.
        _ = try? RenderPlan.encoder().encode(RenderReport(sampleRate: 8000, sampleCount: 0, entries: [.init(kind: .pause, start: 0, end: 0, detail: "")]))
        // The same for Foundation's number formatting and string search (the timeline's numbers, the words of the
        // engine's events), whose first use loads locale and Unicode tables.
        _ = String(format: "%.3f", 0.5)
        _ = "a&amp;b".replacingOccurrences(of: "&amp;", with: "&")
        // And what every render looked up by name on first use (perf: 3 % of a render process's time): the renderer's
        // report attributes (a dictionary of strings), the engine thread's queue of closures and Foundation's current
        // thread, the pitch table's lazy global, and the words of espeak-ng's events (pure Swift, no espeak-ng call).
        var closures: [@Sendable () -> Void] = []
        closures.append {}
        keep(["rate": "1", "pitch": "1"], closures, Thread.current, PitchScale.factor(50), PitchScale.parameter(1.5))
        keep(EspeakSynthesizer.word(in: Array("a&amp; <b>c</b> [[d]]".unicodeScalars), position: 1, length: 20) as Any)
        do { try channel.send(.ready(version: synthesizer.version)) } catch { exit(0) }
        let worker = getpid()
        while true {
            let message: WorkerMessage?
            do { message = try channel.receive() } catch { exit(1) }
            guard case .job(let payload)? = message else { exit(0) }
            // Decoded here rather than in the render process, for the same reason: after the first job, decoding
            // is warm, and the render process starts with the job in memory.
            let job = Result { try RenderPlan.decoder().decode(WorkerJob.self, from: payload) }
            // Likewise the phoneme tables of the job's voices (pure Swift, no espeak-ng call): built once per worker.
            if case .success(let decoded) = job { synthesizer.prepare(decoded.plan.segments) }
            let child: pid_t
            do { child = try Posix.fork() } catch {
                try? channel.send(.failure(encode(error)))
                try? channel.send(.finished(status: 1))
                continue
            }
            if child == 0 {
                // The render process: dies with the worker, renders, and leaves without running exit handlers
                // (they belong to the worker).
                guard Posix.dieWithParent(expectedParent: worker) else { _exit(0) }
                // The render process says it started, not the worker: one writer at a time on the pipe (a message
                // over 4 KB from two writers at once can interleave), and the pool may have queued the next job.
                guard (try? channel.send(.started(pid: getpid()))) != nil else { _exit(1) }
                _exit(render(job, synthesizer: synthesizer, channel: channel))
            }
            do {
                let status: Int32 =
                    switch try Posix.wait(child) {
                    case .exited(let code): code
                    case .signalled(let signal): -signal
                    }
                try channel.send(.finished(status: status))
            } catch {
                exit(1)
            }
        }
    }

    /// Renders one job in the forked process: for each rate, its samples, then its report; or the error. Returns the
    /// exit status.
    ///
    /// The first rate is synthesised, and what espeak-ng gave is recorded; the other rates replay the recording through
    /// the same renderer, so each has the bytes a render of its own would have, from this process's one synthesis.
    /// A replayed output is held until it is whole: when the renderer asks for another call than the recording holds
    /// (or the recording was too long to keep), the process says so (``WorkerMessage/incomplete``) and stops, and the
    /// pool renders the rest in a fresh process.
    static func render(_ job: Result<WorkerJob, any Error>, synthesizer: EspeakSynthesizer, channel: WorkerChannel) -> Int32 {
        do {
            let job = try job.get()
            let recording = SynthesisRecording()
            for (index, rate) in job.sampleRates.enumerated() {
                var options = RenderOptions(sampleRate: Double(rate))
                options.limits = job.limits
                let sink = ChannelSink(channel: channel)
                let report: RenderReport
                if index == 0 {
                    let recorder: any SpeechSynthesizer =
                        job.sampleRates.count > 1 ? RecordingSynthesizer(base: synthesizer, recording: recording) : synthesizer
                    let renderer = Renderer(synthesizer: recorder, decoder: SndFileDecoder(), resamplers: SoxrResamplerFactory(), options: options)
                    report = try renderer.render(job.plan.segments, into: sink)
                } else {
                    guard let calls = recording.calls else {
                        try channel.send(.incomplete)
                        return 0
                    }
                    let replay = ReplayingSynthesizer(calls, base: synthesizer)
                    let renderer = Renderer(synthesizer: replay, decoder: SndFileDecoder(), resamplers: SoxrResamplerFactory(), options: options)
                    let held = SampleTake(purpose: "an output replayed from the recording")
                    let outcome = Result { try renderer.render(job.plan.segments, into: held) }
                    if replay.diverged {
                        try channel.send(.incomplete)
                        return 0
                    }
                    report = try outcome.get()
                    try held.forEachChunk { try sink.write($0) }
                }
                try sink.flush()
                let sent = job.entries ? report : RenderReport(sampleRate: report.sampleRate, sampleCount: report.sampleCount, entries: [])
                try channel.send(.report(RenderPlan.encoder().encode(sent)))
            }
            return 0
        } catch {
            try? channel.send(.failure(encode(error)))
            return 1
        }
    }

    /// Takes values the optimiser must not leave uncomputed (their computing is the point: see `main`).
    @_optimize(none)
    private static func keep(_ values: Any...) {}

    static func encode(_ error: any Error) -> Data {
        let known = error as? SSMLError ?? SSMLError(.engine, "\(error)")
        return (try? JSONEncoder().encode(known)) ?? Data()
    }
}

/// Sends samples to the pool in messages of about 64 KB.
private final class ChannelSink: AudioSink {
    let channel: WorkerChannel
    private var buffer = Data()

    init(channel: WorkerChannel) {
        self.channel = channel
        // Room for a message and the chunk that fills it, so the buffer never grows (and touches new pages) again.
        buffer.reserveCapacity(1 << 17)
    }

    func write(_ samples: [Float]) throws {
        samples.withUnsafeBytes { buffer.append(contentsOf: $0) }
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try channel.send(.samples(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
