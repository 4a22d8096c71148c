import Foundation
import SSMLCore
import Synchronization

/// Renders a checked manifest into an output folder: only what changed, on the worker pool, restartable.
///
/// A run has three steps, and renders nothing before the second is done:
/// 1. The earlier manifest(s) and the journal of a stopped run are read: the outputs they describe are the cache.
/// 2. Every prompt of the run (of its shard) is planned, so every error of a row's text is found before any
///    work; each output's content hash (``BatchCacheKeys``) is compared with the cache: an output whose file is in
///    place with the same hash is up to date.
/// 3. The rest is rendered by the worker pool (each job in a process forked from a fresh espeak-ng, so the bytes are
///    those of `ssml render` of the row), one more thread than workers so planning overlaps rendering. Each file
///    appears atomically; a failed output is rendered once more before it is reported.
///
/// The manifest is always true: before rendering, it is rewritten without the outputs about to be replaced; while
/// rendering, it is rewritten atomically every few seconds, and each finished output is recorded at once in the
/// journal, so a killed run restarts where it stopped. A full disk stops the run with a clear error, the manifest
/// still describing every finished output. Memory does not grow with the outputs' audio: entries wait in a scratch
/// file, a few bytes per output in memory.
public final class BatchRunner: Sendable {
    public struct Options: Sendable {
        /// The output folder (created when missing).
        public var output: URL
        /// Render workers (processes rendering at once).
        public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
        /// Render every output, whatever the cache says.
        public var force = false
        /// Hash every cached output's file before trusting it (otherwise its size is compared).
        public var verify = false
        public var shard: BatchShard?
        /// Plan and compare with the cache, render nothing, write nothing.
        public var dryRun = false
        /// Renders of a failing output after the first.
        public var retries = 1
        /// Seconds between manifest rewrites during the run (the journal covers the time between).
        public var checkpointSeconds: Double = 2
        /// Local folders for remote audio prefixes, and what a clip that cannot be played becomes.
        public var audioSources = AudioSources()

        public init(output: URL) { self.output = output }
    }

    public let plan: BatchPlan
    public let engine: Engine
    public let options: Options
    let keys: BatchCacheKeys
    let makePool: @Sendable (Int) throws -> RenderWorkerPool

    /// - Parameters:
    ///   - data: the data files whose bytes go into the cache key (the engine's).
    ///   - pool: starts the render workers (given the count) when something needs rendering.
    public init(
        plan: BatchPlan, engine: Engine, options: Options,
        pool: @escaping @Sendable (Int) throws -> RenderWorkerPool = { try RenderWorkerPool(size: $0, queueDepth: 2) }
    ) throws {
        self.plan = plan
        self.engine = engine
        self.options = options
        self.makePool = pool
        keys = try BatchCacheKeys(data: engine.data, engine: engine.synthesizer.version)
    }

    /// Where the run's manifest goes: `manifest.json`, or the shard's own.
    public var manifestURL: URL { options.output.appendingPathComponent(OutputManifest.fileName(shard: options.shard)) }
    var csvURL: URL { options.output.appendingPathComponent(OutputManifest.fileName(shard: options.shard, csv: true)) }

    /// The prompts this run renders: all, or those of its shard.
    public var prompts: [BatchPlan.Prompt] {
        guard let shard = options.shard else { return plan.prompts }
        return plan.prompts.filter { BatchShard.assign($0.id, count: shard.count) == shard.index }
    }

    /// Whether a row problem belongs to this run (a row without an id belongs to the first shard).
    func owns(_ failure: BatchFailure) -> Bool {
        guard let shard = options.shard else { return true }
        guard let id = failure.id else { return shard.index == 1 }
        return BatchShard.assign(id, count: shard.count) == shard.index
    }

    /// Runs the batch; `events` is called from the run's threads, one call at a time.
    public func run(events: @escaping @Sendable (BatchEvent) -> Void) throws -> BatchSummary {
        let started = Date()
        let report = Reporter(events)
        let prompts = self.prompts
        var failures = plan.problems.filter(owns)

        let folder = options.output
        if !options.dryRun {
            do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
                throw SSMLError(.io, "cannot create the output folder \(folder.path): \(Posix.reason())")
            }
        } else if let status = Posix.status(folder.path), status.st_mode & S_IFMT != S_IFDIR {
            throw SSMLError(.usage, "\(folder.path) is not a folder")
        }
        let state = options.dryRun ? nil : try BatchState(output: folder, shard: options.shard)
        defer { state?.release() }
        let store = try EntryStore(outputs: plan.outputCount)

        // 1. The cache: earlier manifests, then the journal of a run that was stopped.
        let cached = try EntryStore(outputs: plan.outputCount)
        if !options.force { loadCache(into: cached, prompts: prompts, state: state, report: report) }

        // 2. Plan every prompt; up-to-date outputs keep their entries, the rest is to render.
        let prepared = prepare(prompts, cached: cached, store: store, report: report)
        failures += prepared.failures
        failures.sort(by: Self.ordered)
        for failure in failures { report.send(.problem(failure)) }
        let outputCount = prompts.reduce(0) { $0 + $1.outputCount }
        let toRender = prepared.units.reduce(0) { $0 + $1.formats.count }
        report.send(
            .planned(
                BatchStart(
                    outputs: outputCount, upToDate: prepared.upToDate, toRender: toRender,
                    problems: failures.count, prompts: prompts.count,
                    shard: options.shard?.description, shardSource: options.shard?.source, jobs: options.jobs)))
        var summary = BatchSummary(
            outputs: outputCount, rendered: 0, upToDate: prepared.upToDate, failures: [], misfits: [], seconds: 0, stopped: nil, manifest: nil)
        guard let state, !options.dryRun else {
            summary.failures = failures.sorted(by: Self.ordered)
            summary.seconds = Date().timeIntervalSince(started)
            return summary
        }

        // The manifest before any work: without the outputs about to be replaced, so it never names a file
        // whose content it does not describe. Its entries are in the journal's place now.
        try writeManifest(store, failures: failures, complete: toRender == 0, csv: true, state: state)
        report.send(.manifestWritten(manifestURL))
        summary.manifest = manifestURL
        if toRender == 0 {
            // Nothing to render: that manifest is the run's last word.
            summary.failures = failures
            summary.misfits = try misfits(store)
            summary.seconds = Date().timeIntervalSince(started)
            return summary
        }

        // 3. Render.
        let pool = try makePool(options.jobs)
        guard pool.version == engine.synthesizer.version else {
            throw SSMLError(.engine, "the render workers run espeak-ng \(pool.version), this process \(engine.synthesizer.version); they must be the same installation")
        }
        let outcome = render(prepared.units, prompts: prompts, pool: pool, store: store, state: state, failures: failures, total: toRender, report: report)
        failures += outcome.failures
        failures.sort(by: Self.ordered)
        summary.failures = failures
        summary.rendered = outcome.rendered
        summary.stopped = outcome.stopped
        do {
            try writeManifest(store, failures: failures, complete: outcome.stopped == nil, csv: true, state: state)
            report.send(.manifestWritten(manifestURL))
        } catch let error as SSMLError {
            // The last manifest written is still true; the journal holds the rest for the next run.
            if summary.stopped == nil { summary.stopped = error }
        }
        summary.misfits = try misfits(store)
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    static func ordered(_ a: BatchFailure, _ b: BatchFailure) -> Bool {
        a.row != b.row ? a.row < b.row : (a.output ?? -1) < (b.output ?? -1)
    }

    /// The header of this run's manifest.
    func header(complete: Bool) -> OutputManifestHeader {
        OutputManifestHeader(
            complete: complete, manifest: URL(fileURLWithPath: plan.file).lastPathComponent, manifestSHA256: plan.manifestSHA256,
            options: plan.optionsSHA256, tool: keys.tool, engine: keys.engine,
            shard: options.shard.map { OutputManifestHeader.Shard(index: $0.index, count: $0.count) }, outputsTotal: plan.outputCount)
    }

    /// Rewrites the manifest from the entries kept so far, then empties the journal (its entries are now in it).
    func writeManifest(_ store: EntryStore, failures: [BatchFailure], complete: Bool, csv: Bool, state: BatchState) throws {
        let entries = failures.sorted(by: Self.ordered).map(FailureEntry.init)
        try state.checkpoint {
            try OutputManifest.write(
                header: header(complete: complete), entries: { emit in try store.forEach(emit) }, failures: entries, json: manifestURL, csv: csv ? csvURL : nil)
        }
    }

    /// Paths of outputs whose check says they do not fit.
    private func misfits(_ store: EntryStore) throws -> [String] {
        guard plan.check != nil else { return [] }
        var result: [String] = []
        let decoder = JSONDecoder()
        try store.forEach { line, _ in
            if let entry = try? decoder.decode(OutputEntry.self, from: line), entry.check?.fits == false { result.append(entry.path) }
        }
        return result
    }
}

/// Passes events on one at a time.
final class Reporter: Sendable {
    private let body: @Sendable (BatchEvent) -> Void
    private let lock = Mutex(())

    init(_ body: @escaping @Sendable (BatchEvent) -> Void) { self.body = body }

    func send(_ event: BatchEvent) { lock.withLock { _ in body(event) } }
}
