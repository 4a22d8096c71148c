import Foundation
import SSMLCore

/// One plan rendered at several rates, held in memory (a long one in unnamed scratch files), for writing several outputs of it: a prompt
/// in one voice as a 16 kHz WAV, an 8 kHz mu-law file and an MP3.
///
/// A plan of one part is synthesised once, on one worker, for all its rates (the engine's audio is recorded at the
/// first rate and replayed at the others, see ``WorkerJob``); a long plan of several parts renders each rate as
/// ``Engine/render(_:job:to:pool:cancellation:sync:inspect:)`` does. Either way every output written from it has the bytes of
/// ``Engine/render(_:job:to:pool:cancellation:sync:inspect:)`` of the same plan and job: the samples are the same, and the output
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
    private let takes: [SampleTake]
    private let reports: [RenderReport]

    init(engine: Engine, rates: [Int], takes: [SampleTake], reports: [RenderReport]) {
        self.engine = engine
        self.rates = rates
        self.takes = takes
        self.reports = reports
    }

    /// Writes `job`'s output (at one of the held rates) to `destination`, as ``Engine/render(_:job:to:pool:cancellation:sync:inspect:)`` would.
    /// - Parameters:
    ///   - sync: flush a file to the disk before it is renamed into place (``AtomicFile``).
    ///   - inspect: reads the finished file before it is put in place (see ``Engine/write(job:to:timeline:sync:inspect:produce:)``).
    public func write(_ job: RenderJob, to destination: JobDestination, sync: Bool = true, inspect: ((String) throws -> Void)? = nil) throws -> JobResult {
        guard let index = rates.firstIndex(of: job.output.rate) else {
            throw SSMLError(.engine, "the shared render holds \(rates.map(String.init).joined(separator: ", ")) Hz, not \(job.output.rate) Hz")
        }
        let take = takes[index], report = reports[index]
        return try engine.write(job: job, to: destination, sync: sync, inspect: inspect) { sink in
            try take.forEachChunk { try sink.write($0) }
            return report
        }
    }
}

extension Engine {
    /// Renders a planned and resolved plan once for outputs at `rates` (repeated rates are rendered once), on `pool`.
    /// - Parameter entries: whether the outputs' results carry the render's segments, words and events (for jobs that
    ///   ask for a timeline); without, their reports give the length only.
    public func renderShared(
        _ plan: [Segment], rates: [Int], pool: RenderWorkerPool, entries: Bool = true, cancellation: RenderWorkerPool.Cancellation? = nil
    ) throws -> SharedRender {
        var distinct: [Int] = []
        for rate in rates where !distinct.contains(rate) { distinct.append(rate) }
        guard !distinct.isEmpty else { return SharedRender(engine: self, rates: [], takes: [], reports: []) }
        let takes = distinct.map { rate in SampleTake(purpose: "the render at \(rate) Hz") }
        let reports: [RenderReport]
        if RenderPartition.split(plan).count == 1 {
            var job = WorkerJob(plan: RenderPlan(segments: plan), sampleRates: distinct, limits: limits)
            job.entries = entries
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

/// Samples kept to be read back, any number of times: in memory while they are few (a prompt's seconds), in a
/// ``SampleScratch`` beyond that, so a long render costs disk, not memory.
final class SampleTake: AudioSink {
    /// The samples kept in memory before they move to a scratch file (4 MB; a minute at 16 kHz).
    static let memoryLimit = 1 << 20

    let purpose: String
    private var chunks: [[Float]] = []
    private var count = 0
    private var scratch: SampleScratch?

    init(purpose: String) { self.purpose = purpose }

    func write(_ samples: [Float]) throws {
        if let scratch { return try scratch.write(samples) }
        count += samples.count
        chunks.append(samples)
        guard count > Self.memoryLimit else { return }
        let file = try SampleScratch(purpose: purpose)
        for chunk in chunks { try file.write(chunk) }
        chunks = []
        scratch = file
    }

    /// Calls `body` with the samples in order, in chunks.
    func forEachChunk(_ body: ([Float]) throws -> Void) throws {
        if let scratch { return try scratch.forEachChunk(body) }
        for chunk in chunks { try body(chunk) }
    }
}
