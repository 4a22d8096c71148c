import Foundation
import SSMLCore

/// Renders a resolved plan, cutting a long one into parts rendered at the same time in separate processes.
///
/// espeak-ng is not thread-safe, so parallelism comes from processes, each starting from the same state. The cut
/// depends on the plan alone (``RenderPartition``), never on the number of cores, so the same input always gives
/// the same parts and the same bytes. The first part streams straight into the sink; later parts are kept in
/// unnamed scratch files (nothing is left behind if the process is killed) until their turn.
struct PartRenderer {
    let engine: Engine
    /// Long-lived workers; nil renders the first part in this process and later parts in workers started here.
    let pool: RenderWorkerPool?
    let sampleRate: Int
    /// Stops the first part (on the pool); the parts ahead are stopped when it fails.
    var cancellation: RenderWorkerPool.Cancellation?
    /// Whether the report lists the segments, words and events (a timeline needs them; a pool sends them as JSON).
    var entries = true

    func render(_ plan: [Segment], into sink: any AudioSink) throws -> RenderReport {
        let parts = RenderPartition.split(plan)
        let limit = Int(engine.limits.maxOutputSeconds * Double(sampleRate))
        if parts.count == 1 {
            if let pool { return try pool.render(job(plan), into: sink, cancellation: cancellation) }
            return try engine.render(plan, sampleRate: sampleRate, into: sink)
        }
        let workers = try pool ?? RenderWorkerPool(size: parts.count - 1)
        // Later parts start first, so they render while the first one streams.
        let later = try parts.dropFirst().map { range in try Ahead(job(Array(plan[range])), pool: workers) }
        defer { later.forEach { $0.cancel() } }
        let counting = LimitedSink(next: sink, limit: limit, seconds: Int(engine.limits.maxOutputSeconds))
        var report: RenderReport
        if let pool {
            report = try pool.render(job(Array(plan[parts[0]])), into: counting, cancellation: cancellation)
        } else {
            report = try engine.render(Array(plan[parts[0]]), sampleRate: sampleRate, into: counting)
        }
        for (index, part) in later.enumerated() {
            let partReport = try part.wait()
            counting.segmentLocation = plan[parts[index + 1]].first?.location
            try part.samples.forEachChunk { try counting.write($0) }
            report = report.appending(partReport)
        }
        return report
    }

    private func job(_ segments: [Segment]) -> WorkerJob {
        var job = WorkerJob(plan: RenderPlan(segments: segments), sampleRate: sampleRate, limits: engine.limits)
        job.entries = entries
        return job
    }
}

/// A part rendered ahead on a worker, into a scratch file.
private final class Ahead: @unchecked Sendable {
    // `@unchecked Sendable`: `outcome` is written by the render thread before `done` is signalled, and read after
    // waiting for it.
    let samples: SampleScratch
    private let cancellation = RenderWorkerPool.Cancellation()
    private let done = NSCondition()
    private var outcome: Result<RenderReport, any Error>?

    init(_ job: WorkerJob, pool: RenderWorkerPool) throws {
        samples = try SampleScratch(purpose: "a part of the render")
        let thread = Thread { [self] in
            let result = Result { try pool.render(job, into: samples, cancellation: cancellation) }
            done.lock()
            outcome = result
            done.broadcast()
            done.unlock()
        }
        thread.start()
    }

    func wait() throws -> RenderReport {
        done.lock()
        defer { done.unlock() }
        while outcome == nil { done.wait() }
        return try outcome!.get()
    }

    /// Stops the part if it is still rendering, and waits for its thread to let go of the scratch file.
    func cancel() {
        done.lock()
        let running = outcome == nil
        done.unlock()
        if running { cancellation.cancel() }
        _ = try? wait()
    }
}

/// Counts samples against the output limit of a render assembled from parts.
private final class LimitedSink: AudioSink {
    let next: any AudioSink
    let limit: Int
    let seconds: Int
    var count = 0
    /// The first segment of the part being added: where the limit is crossed, as near as a part can tell.
    var segmentLocation: SourceLocation?

    init(next: any AudioSink, limit: Int, seconds: Int) {
        self.next = next
        self.limit = limit
        self.seconds = seconds
    }

    func write(_ samples: [Float]) throws {
        count += samples.count
        if count > limit {
            throw SSMLError(.limitExceeded, "the output passes the limit of \(seconds) s", at: segmentLocation)
        }
        try next.write(samples)
    }
}
