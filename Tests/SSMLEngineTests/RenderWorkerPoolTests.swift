import Foundation
import SSMLCore
import SSMLTestSupport
import Synchronization
import Testing
@testable import SSMLEngine

/// The warm pool: many jobs per worker, each with the bytes of a fresh process.
@Suite(.ownThread, .timeLimit(.minutes(3))) struct RenderWorkerPoolTests {
    static let executable = Repository.buildProduct("ssml-worker")

    func plan(_ text: String) throws -> RenderPlan {
        let engine = try Engine(catalog: Repository.catalog())
        return RenderPlan(segments: try engine.plan(text, file: "t.ssml", baseDirectory: Repository.root.appendingPathComponent("Samples"), log: DiagnosticLog()))
    }

    @Test func everyJobGetsTheSameBytesWhicheverWorkerAndWhateverCameBefore() throws {
        let pool = try RenderWorkerPool(size: 2, executable: Self.executable)
        let first = try plan("<speak>Your code is <say-as interpret-as=\"characters\">A7X9</say-as>. <voice name=\"en-gb-male\">Goodbye.</voice></speak>")
        let other = try plan("<speak><prosody rate=\"slow\" pitch=\"high\">Something else entirely, said first.</prosody></speak>")
        var renders: [[Float]] = []
        for job in [first, other, first, other, first] {
            let sink = MemorySink()
            let report = try pool.render(WorkerJob(plan: job, sampleRate: 16000), into: sink)
            #expect(report.sampleCount == sink.samples.count)
            renders.append(sink.samples)
        }
        #expect(renders[0].count > 16000)
        #expect(renders[0] == renders[2] && renders[0] == renders[4])
        #expect(renders[1] == renders[3])
    }

    @Test func aJobOfSeveralRatesGivesEachRateTheSamplesOfAJobOfItsOwn() throws {
        let pool = try RenderWorkerPool(size: 1, executable: Self.executable)
        let plans = [
            try plan("<speak>Press one for sales. <break time=\"250ms\"/> <audio src=\"chime.wav\"/> <voice name=\"de-de-male\">Auf Wiedersehen.</voice></speak>"),
            // A fitted duration measures itself at the output rate: at another rate its engine calls may differ, and the
            // worker renders that rate in a fresh process.
            try plan("<speak><prosody duration=\"2.2s\">Thank you for calling the help desk.</prosody> Goodbye.</speak>"),
        ]
        let rates = [16000, 8000, 48000, 22050]
        for plan in plans {
            let sinks = rates.map { _ in MemorySink() }
            let reports = try pool.render(WorkerJob(plan: plan, sampleRates: rates), into: sinks)
            #expect(reports.count == rates.count)
            for (index, rate) in rates.enumerated() {
                let alone = MemorySink()
                let report = try pool.render(WorkerJob(plan: plan, sampleRate: rate), into: alone)
                #expect(sinks[index].samples == alone.samples && reports[index] == report, "\(rate) Hz")
                #expect(report.sampleRate == Double(rate) && abs(report.duration - reports[0].duration) < 0.01)
            }
        }
    }

    @Test func concurrentJobsRunOnSeveralWorkers() throws {
        let pool = try RenderWorkerPool(size: 2, executable: Self.executable)
        let job = WorkerJob(plan: try plan("<speak>One two three four five six seven.</speak>"), sampleRate: 8000)
        let results = Mutex<[[Float]]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            let sink = MemorySink()
            if (try? pool.render(job, into: sink)) != nil { results.withLock { $0.append(sink.samples) } }
        }
        let all = results.withLock { $0 }
        #expect(all.count == 6)
        #expect(Set(all.map { $0.count }).count == 1 && all.allSatisfy { $0 == all[0] })
    }

    @Test func jobErrorsComeBackWithTheirPlaceAndTheWorkerLivesOn() throws {
        let pool = try RenderWorkerPool(size: 1, executable: Self.executable)
        var job = WorkerJob(plan: try plan("<speak>a<break time=\"3s\"/>b</speak>"), sampleRate: 8000)
        job.limits.maxOutputSeconds = 1
        #expect(throws: SSMLError.self) { try pool.render(job, into: MemorySink()) }
        job.limits.maxOutputSeconds = 60
        let sink = MemorySink()
        _ = try pool.render(job, into: sink)
        #expect(sink.samples.count > 3 * 8000)
    }

    /// A worker holds its two pipes and standard error, nothing else of the process that started it: not a server's
    /// listening socket, nor a pipe another thread made for a child of its own without close-on-exec. (On CI a
    /// worker held the write end of a test's pipe to `ssml render`, and the test waited for its end of file for ever.)
    @Test func aWorkerHoldsNoDescriptorOfTheProcessThatStartedIt() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { fds.forEach { close($0) } }
        let inode = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fds[1])")
        #expect(inode.hasPrefix("pipe:["))
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        let socketInode = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(listener)")

        let pool = try RenderWorkerPool(size: 1, executable: Self.executable)
        let pid = try #require(pool.idleWorkerProcessIDs.first)
        let held = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")
        }
        #expect(held.count >= 3)
        #expect(!held.contains(inode), "the worker holds the test's pipe: \(held)")
        #expect(!held.contains(socketInode), "the worker holds the test's socket: \(held)")
        // And it still works.
        let sink = MemorySink()
        _ = try pool.render(WorkerJob(plan: try plan("<speak>Nothing else.</speak>"), sampleRate: 8000), into: sink)
        #expect(sink.samples.count > 4000)
    }

    @Test func cancellingStopsTheRenderProcess() throws {
        let pool = try RenderWorkerPool(size: 1, executable: Self.executable)
        let long = String(repeating: "This sentence is long enough to take a while to say. ", count: 400)
        let job = WorkerJob(plan: try plan("<speak>\(long)</speak>"), sampleRate: 16000)
        let cancellation = RenderWorkerPool.Cancellation()
        let sink = CancellingSink(after: 16000, cancellation: cancellation)
        #expect(throws: CancellationError.self) { try pool.render(job, into: sink, cancellation: cancellation) }
        // The worker is still there for the next job.
        let after = MemorySink()
        _ = try pool.render(WorkerJob(plan: try plan("<speak>Still here.</speak>"), sampleRate: 8000), into: after)
        #expect(after.samples.count > 4000)
    }

    @Test func jobsQueuedOnOneWorkerEachGetTheirOwnSamples() throws {
        // One worker holding two jobs at once: each job reads its replies when the one before it has read its own.
        let plans = [
            try plan("<speak>One.</speak>"),
            try plan("<speak>Two, three and four, said more slowly than the first.</speak>"),
            try plan("<speak><voice name=\"en-gb-male\">Five six seven.</voice> <break time=\"400ms\"/> Eight.</speak>"),
        ]
        let alone = try RenderWorkerPool(size: 1, executable: Self.executable)
        let expected = try plans.map { plan in
            let sink = MemorySink()
            _ = try alone.render(WorkerJob(plan: plan, sampleRate: 8000), into: sink)
            return sink.samples
        }
        #expect(Set(expected.map(\.count)).count == 3)
        let pool = try RenderWorkerPool(size: 1, executable: Self.executable, queueDepth: 2)
        let results = Mutex<[Int: [Float]]>([:])
        let next = Atomic(0)
        Lanes.run(4, name: "queued") {
            while true {
                let index = next.add(1, ordering: .sequentiallyConsistent).oldValue
                guard index < 12 else { return }
                let sink = MemorySink()
                if (try? pool.render(WorkerJob(plan: plans[index % 3], sampleRate: 8000), into: sink)) != nil {
                    results.withLock { $0[index] = sink.samples }
                }
            }
        }
        let all = results.withLock { $0 }
        #expect(all.count == 12)
        for (index, samples) in all { #expect(samples == expected[index % 3], "job \(index)") }
    }

    @Test func aCancelledJobLeavesTheJobQueuedBehindItWhole() throws {
        let pool = try RenderWorkerPool(size: 1, executable: Self.executable, queueDepth: 2)
        let long = String(repeating: "This sentence is long enough to take a while to say. ", count: 200)
        let longJob = WorkerJob(plan: try plan("<speak>\(long)</speak>"), sampleRate: 16000)
        let short = WorkerJob(plan: try plan("<speak>Still here, after the cancelled one.</speak>"), sampleRate: 8000)
        let reference = MemorySink()
        _ = try RenderWorkerPool(size: 1, executable: Self.executable).render(short, into: reference)
        let cancellation = RenderWorkerPool.Cancellation()
        let outcomes = Mutex<(cancelled: Bool, queued: [Float]?)>((false, nil))
        let started = Atomic(false)
        Lanes.run(2, name: "cancel") {
            if !started.exchange(true, ordering: .sequentiallyConsistent) {
                let sink = CancellingSink(after: 16000 * 20, cancellation: cancellation)
                do { _ = try pool.render(longJob, into: sink, cancellation: cancellation) } catch is CancellationError {
                    outcomes.withLock { $0.cancelled = true }
                } catch {}
            } else {
                // Queued behind the long job (the one worker holds both).
                usleep(50_000)
                let sink = MemorySink()
                if (try? pool.render(short, into: sink)) != nil { outcomes.withLock { $0.queued = sink.samples } }
            }
        }
        let (cancelled, queued) = outcomes.withLock { $0 }
        #expect(cancelled)
        #expect(queued == reference.samples)
    }
}

/// Cancels the job once it has received `after` samples.
final class CancellingSink: AudioSink {
    let after: Int
    let cancellation: RenderWorkerPool.Cancellation
    var received = 0
    init(after: Int, cancellation: RenderWorkerPool.Cancellation) {
        self.after = after
        self.cancellation = cancellation
    }
    func write(_ samples: [Float]) throws {
        received += samples.count
        if received >= after { cancellation.cancel() }
    }
}

/// Plans carry what JSON has no number for (silence is -inf dB) through to the workers.
@Suite(.ownThread, .timeLimit(.minutes(2))) struct WorkerPlanCodingTests {
    @Test func aSilentNCCOLevelRendersOnThePool() throws {
        let engine = try Engine(catalog: Repository.catalog(), styles: Repository.vonageStyles(), data: Repository.data)
        let plan = try engine.planNCCO(
            #"[{"action": "talk", "text": "Hello"}, {"action": "stream", "streamUrl": ["chime.wav"], "level": -1}]"#, file: "call.json",
            baseDirectory: Repository.root.appendingPathComponent("Samples"), log: DiagnosticLog())
        let pool = try RenderWorkerPool(size: 1, executable: RenderWorkerPoolTests.executable)
        let sink = MemorySink()
        let report = try pool.render(WorkerJob(plan: RenderPlan(segments: plan), sampleRate: 8000), into: sink)
        let clip = try #require(report.entries.first { $0.kind == .audio })
        #expect(clip.end > clip.start && sink.samples[clip.start..<clip.end].allSatisfy { $0 == 0 })
    }
}
