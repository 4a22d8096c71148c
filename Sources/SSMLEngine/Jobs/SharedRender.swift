import Foundation
import SSMLCore

/// One plan rendered at several rates, held in unnamed scratch files, for writing several outputs of it: a prompt
/// in one voice as a 16 kHz WAV, an 8 kHz mu-law file and an MP3.
///
/// A plan of one part is synthesised once, on one worker, for all its rates (the engine's audio is recorded at the
/// first rate and replayed at the others, see ``WorkerJob``); a long plan of several parts renders each rate as
/// ``Engine/render(_:job:to:pool:cancellation:)`` does. Either way every output written from it has the bytes of
/// ``Engine/render(_:job:to:pool:cancellation:)`` of the same plan and job: the samples are the same, and the output
/// step (encoding, frames, loudness) is the same code.
///
/// ```swift
/// let shared = try engine.renderShared(plan, rates: [16000, 8000], pool: pool)
/// for job in jobs { _ = try shared.write(job, to: .file(url(job))) }
/// ```
public final class SharedRender {
    /// The rates held, in the order asked for.
    public let rates: [Int]
    private let engine: Engine
    private let takes: [SampleScratch]
    private let reports: [RenderReport]

    init(engine: Engine, rates: [Int], takes: [SampleScratch], reports: [RenderReport]) {
        self.engine = engine
        self.rates = rates
        self.takes = takes
        self.reports = reports
    }

    /// Writes `job`'s output (at one of the held rates) to `destination`, as ``Engine/render(_:job:to:pool:cancellation:)`` would.
    public func write(_ job: RenderJob, to destination: JobDestination) throws -> JobResult {
        guard let index = rates.firstIndex(of: job.output.rate) else {
            throw SSMLError(.engine, "the shared render holds \(rates.map(String.init).joined(separator: ", ")) Hz, not \(job.output.rate) Hz")
        }
        let take = takes[index], report = reports[index]
        return try engine.write(job: job, to: destination) { sink in
            try take.forEachChunk { try sink.write($0) }
            return report
        }
    }
}

extension Engine {
    /// Renders a planned and resolved plan once for outputs at `rates` (repeated rates are rendered once), on `pool`.
    public func renderShared(_ plan: [Segment], rates: [Int], pool: RenderWorkerPool, cancellation: RenderWorkerPool.Cancellation? = nil) throws -> SharedRender {
        var distinct: [Int] = []
        for rate in rates where !distinct.contains(rate) { distinct.append(rate) }
        guard !distinct.isEmpty else { return SharedRender(engine: self, rates: [], takes: [], reports: []) }
        let takes = try distinct.map { rate in try SampleScratch(purpose: "the render at \(rate) Hz") }
        let reports: [RenderReport]
        if RenderPartition.split(plan).count == 1 {
            let job = WorkerJob(plan: RenderPlan(segments: plan), sampleRates: distinct, limits: limits)
            reports = try pool.render(job, into: takes, cancellation: cancellation)
        } else {
            // Parts render in parallel processes at each rate; one synthesis per rate costs little beside that.
            reports = try zip(distinct, takes).map { rate, take in
                try PartRenderer(engine: self, pool: pool, sampleRate: rate, cancellation: cancellation).render(plan, into: take)
            }
        }
        return SharedRender(engine: self, rates: distinct, takes: takes, reports: reports)
    }
}
