import Foundation
import SSMLCore
import Synchronization

extension BatchRunner {
    struct RenderOutcome: Sendable {
        var rendered = 0
        var failures: [BatchFailure] = []
        /// Why the run stopped early.
        var stopped: SSMLError?
    }

    /// What the render threads share.
    private final class Progress: Sendable {
        struct State {
            var next = 0
            var done = 0
            var outcome = RenderOutcome()
            var lastCheckpoint = Date()
            var checkpointing = false
            var folders: Set<String> = []
        }

        let state = Mutex(State())
        let total: Int

        init(total: Int) { self.total = total }

        var stopping: Bool { state.withLock { $0.outcome.stopped != nil } }
    }

    /// Renders the units on ``lanes(workers:)`` threads: while a worker renders one prompt, other threads plan the
    /// next ones and write the outputs of the last, so that a worker is never left waiting for this process.
    func render(
        _ units: [Unit], prompts: [BatchPlan.Prompt], pool: RenderWorkerPool, store: EntryStore, state: BatchState, failures upFront: [BatchFailure],
        total: Int, report: Reporter
    ) -> RenderOutcome {
        let progress = Progress(total: total)
        Lanes.run(min(Self.lanes(workers: pool.size), units.count), name: "ssml-batch") { [self] in
            while !progress.stopping {
                let index: Int = progress.state.withLock { state in
                    defer { state.next += 1 }
                    return state.next
                }
                guard index < units.count else { return }
                render(units[index], prompts: prompts, pool: pool, store: store, state: state, progress: progress, upFront: upFront, report: report)
            }
        }
        return progress.state.withLock { $0.outcome }
    }

    /// Threads rendering units for `workers` render workers: per worker, one whose job renders, one whose job waits
    /// in the worker's queue (the pool's `queueDepth` of 2), one writing the outputs of the job it rendered; and one
    /// more.
    ///
    /// A unit's thread plans, waits for a worker, then encodes, writes, measures and hashes the outputs; that last
    /// step costs about half of what the render costs. With a thread per worker only, each worker sat idle while its
    /// thread did it (a quarter of the run's two cores); with the next job already in the worker's pipe, the worker
    /// forks its render process as soon as the last one ends, without waiting for a thread here to be scheduled.
    static func lanes(workers: Int) -> Int { 3 * max(1, workers) + 1 }

    private func render(
        _ unit: Unit, prompts: [BatchPlan.Prompt], pool: RenderWorkerPool, store: EntryStore, state: BatchState, progress: Progress,
        upFront: [BatchFailure], report: Reporter
    ) {
        let prompt = prompts[unit.prompt]
        let voice = prompt.voices[unit.voice]
        func fail(_ formatIndex: Int?, _ error: SSMLError) {
            let output = formatIndex.map { plan.output(prompt, voice: unit.voice, format: $0) }
            let failure = BatchFailure(
                row: prompt.row, place: prompt.place, id: prompt.id, output: output?.number, voice: voice.name, format: output?.format.name,
                path: output.flatMap { try? plan.path(prompt, $0) }, error: error)
            let done = progress.state.withLock { state in
                state.outcome.failures.append(failure)
                state.done += formatIndex == nil ? unit.formats.count : 1
                return state.done
            }
            report.send(
                .finished(
                    BatchOutputEvent(
                        status: .failed, number: output?.number ?? prompt.firstOutput, id: prompt.id, voice: voice.name, format: output?.format.name ?? "",
                        path: failure.path ?? "", done: done, total: progress.total, warnings: [], error: failure.description)))
        }
        let loaded: LoadedInput
        do { loaded = try load(prompt) } catch {
            fail(nil, error as? SSMLError ?? SSMLError(.io, "\(error)"))
            return
        }
        var job = job(prompt, voice: voice, input: loaded.input)
        let planned: (plan: [Segment], warnings: [String])
        switch plan(job, loaded: loaded) {
        case .success(let value): planned = value
        case .failure(let error):
            fail(nil, error)
            return
        }
        // The unit's formats share one synthesis: the plan is rendered once at each of their rates (made when the first
        // output starts), and each output is written from it. Its failure counts as every output's first attempt; a
        // retry renders the output alone.
        var shared: Result<SharedRender, SSMLError>?
        for formatIndex in unit.formats {
            if progress.stopping { return }
            let output = plan.output(prompt, voice: unit.voice, format: formatIndex)
            job.output = output.format.settings
            let started = Date()
            let path: String
            do { path = try plan.path(prompt, output) } catch {
                fail(formatIndex, error as? SSMLError ?? SSMLError(.invalidValue, "\(error)"))
                continue
            }
            let url = options.output.appendingPathComponent(path)
            report.send(
                .started(
                    BatchOutputEvent(
                        status: .rendering, number: output.number, id: prompt.id, voice: voice.name, format: output.format.name, path: path,
                        done: progress.state.withLock { $0.done }, total: progress.total, warnings: planned.warnings)))
            if shared == nil {
                let rates = unit.formats.map { plan.output(prompt, voice: unit.voice, format: $0).format.settings.rate }
                do { shared = .success(try engine.renderShared(planned.plan, rates: rates, pool: pool, entries: false)) } catch {
                    shared = .failure(error as? SSMLError ?? SSMLError(.engine, "\(error)"))
                }
            }
            var attempt = 0
            var entry: OutputEntry?
            while entry == nil {
                do {
                    try makeFolder(url.deletingLastPathComponent(), progress: progress, state: state)
                    let key = try keys.key(job, plan: planned.plan)
                    // The file is measured and hashed before it gets its name, so that its journal line follows the
                    // rename at once: a run killed in between loses no finished output. It is flushed to the disk with
                    // the others before the next manifest rewrite (``BatchState/checkpoint(_:)``).
                    var measured: (properties: AudioFileProperties?, digest: SHA256.Digest, bytes: Int)?
                    let settings = job.output
                    let inspect: (String) throws -> Void = { path in
                        let (digest, bytes) = try SHA256.hash(fileAt: path)
                        measured = (try Self.measure(url, settings: settings, readingFrom: path), digest, bytes)
                    }
                    let result: JobResult
                    if attempt == 0, let shared {
                        result = try shared.get().write(job, to: .file(url), sync: false, inspect: inspect)
                    } else {
                        result = try engine.render(planned.plan, job: job, to: .file(url), pool: pool, sync: false, inspect: inspect)
                    }
                    guard let (early, digest, bytes) = measured else { throw SSMLError(.io, "\(url.path) was written but not measured") }
                    let properties = try early ?? Self.measure(url, settings: settings)
                    entry = OutputEntry(
                        index: output.number, id: prompt.id, voice: voice.name, locale: voice.locale, format: output.format.name, path: path,
                        container: job.output.format.rawValue, rate: job.output.rate, encoding: job.output.encoding.rawValue, bytes: bytes, sha256: digest.hex,
                        duration: Self.rounded(properties.durationSeconds, 1e6) ?? 0, lufs: properties.integratedLUFS.flatMap { Self.rounded($0, 100) },
                        truePeak: Self.rounded(properties.truePeakDBTP, 100), warnings: planned.warnings, outputWarnings: result.warnings.isEmpty ? nil : result.warnings,
                        check: plan.check.map { Self.check(properties, target: $0, path: path) }, tags: prompt.tags, source: "\(plan.file):\(prompt.place.line)",
                        key: key)
                } catch {
                    let failure = loaded.translate(error as? SSMLError ?? SSMLError(.engine, "\(error)"))
                    if Posix.isNoSpace(failure) {
                        stop(SSMLError(.io, "the disk is full: \(failure.message)"), progress: progress)
                        return
                    }
                    if attempt < options.retries {
                        attempt += 1
                        report.send(
                            .retrying(
                                BatchFailure(
                                    row: prompt.row, place: prompt.place, id: prompt.id, output: output.number, voice: voice.name, format: output.format.name, path: path,
                                    error: failure)))
                        continue
                    }
                    fail(formatIndex, failure)
                    break
                }
            }
            guard let entry else { continue }
            do {
                let record = try OutputManifest.record(entry, encoder: OutputManifest.encoder())
                try store.set(output.number, record.json, csv: record.csv)
                try state.record(record.json)
            } catch let error as SSMLError {
                if Posix.isNoSpace(error) {
                    stop(SSMLError(.io, "the disk is full: \(error.message)"), progress: progress)
                    return
                }
                fail(formatIndex, error)
                continue
            } catch {
                continue
            }
            let done = progress.state.withLock { state in
                state.done += 1
                state.outcome.rendered += 1
                return state.done
            }
            report.send(
                .finished(
                    BatchOutputEvent(
                        status: .rendered, number: output.number, id: prompt.id, voice: voice.name, format: output.format.name, path: path, done: done,
                        total: progress.total, seconds: Date().timeIntervalSince(started), warnings: planned.warnings + (entry.outputWarnings ?? []))))
            checkpoint(store: store, state: state, progress: progress, upFront: upFront, report: report)
        }
    }

    /// Stops the run: the threads finish the output they are on and take no more.
    private func stop(_ error: SSMLError, progress: Progress) {
        progress.state.withLock { state in
            if state.outcome.stopped == nil { state.outcome.stopped = error }
        }
    }

    private func makeFolder(_ folder: URL, progress: Progress, state: BatchState) throws {
        let path = folder.path
        if progress.state.withLock({ $0.folders.contains(path) }) { return }
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw SSMLError(.io, "cannot create the folder \(path): \(Posix.reason())")
        }
        try state.writes(into: path)
        progress.state.withLock { _ = $0.folders.insert(path) }
    }

    /// Rewrites the manifest when the last rewrite is old enough (by one thread at a time; the others go on).
    private func checkpoint(store: EntryStore, state: BatchState, progress: Progress, upFront: [BatchFailure], report: Reporter) {
        let failures: [BatchFailure]? = progress.state.withLock { state in
            guard !state.checkpointing, Date().timeIntervalSince(state.lastCheckpoint) >= options.checkpointSeconds else { return nil }
            state.checkpointing = true
            return upFront + state.outcome.failures
        }
        guard let failures else { return }
        let started = Date()
        do {
            try writeManifest(store, failures: failures, complete: false, csv: false, state: state)
            report.send(.manifestWritten(manifestURL))
        } catch let error as SSMLError {
            if Posix.isNoSpace(error) { stop(SSMLError(.io, "the disk is full: \(error.message)"), progress: progress) }
        } catch {}
        // A big manifest is rewritten less often: writing it takes at most a tenth of the run.
        let took = Date().timeIntervalSince(started)
        progress.state.withLock { state in
            state.checkpointing = false
            state.lastCheckpoint = Date().addingTimeInterval(max(0, took * 10 - options.checkpointSeconds))
        }
    }

    /// Rounds to 1/`scale`; nil for a value that is not finite (the true peak of digital silence).
    static func rounded(_ value: Double, _ scale: Double) -> Double? {
        value.isFinite ? (value * scale).rounded() / scale : nil
    }

    /// The file's format, length, loudness and peaks, read back from disk as `ssml info` reads it (without the
    /// loudness range, which the manifest does not give and which costs a third of the measurement).
    static func measure(_ url: URL, settings: OutputSettings) throws -> AudioFileProperties {
        // Only nil when the file is read elsewhere than at its name.
        try measure(url, settings: settings, readingFrom: nil)!
    }

    /// The same, read at `path` (the unnamed file before it is renamed to `url`); nil when only the name tells how
    /// to read the file (headerless PCM, read as raw for its extension), which is then measured at its name.
    static func measure(_ url: URL, settings: OutputSettings, readingFrom path: String?) throws -> AudioFileProperties? {
        let readable = path.map(URL.init(fileURLWithPath:)) ?? url
        if settings.format == .raw {
            if settings.encoding == .pcm16 && AudioFileReader.rawExtensions.contains(url.pathExtension.lowercased()) {
                guard path == nil else { return nil }
                return try measureDecoded(url, rawSampleRate: settings.rate)
            }
            // Headerless G.711 (or a raw name libsndfile does not read as raw): one or two bytes a sample.
            let bytes = Posix.regularFileSize(readable.path) ?? 0
            let width = settings.encoding == .pcm16 ? 2 : 1
            let (name, encoding): (String, AudioFileProperties.Encoding) =
                switch settings.encoding {
                case .pcm16: ("Signed 16 bit PCM", .pcm16)
                case .mulaw: ("U-Law", .mulaw)
                case .alaw: ("A-Law", .alaw)
                }
            return AudioFileProperties(
                containerName: "RAW (header-less)", container: .raw, encodingName: name, encoding: encoding, sampleRate: settings.rate, channels: 1,
                frames: bytes / width, fileBytes: bytes, loudnessUnmeasurable: "headerless \(settings.encoding.rawValue) is not measured")
        }
        return try measureDecoded(readable, rawSampleRate: nil)
    }

    private static func measureDecoded(_ url: URL, rawSampleRate: Int?) throws -> AudioFileProperties {
        let reader = try AudioFileReader(url: url, rawSampleRate: rawSampleRate)
        // Outputs are mono: their loudness and true peak are measured here, the same numbers libebur128 gives in a
        // fraction of its time (other files go to libebur128).
        let mono = reader.channels == 1
        let meter = mono ? nil : try LoudnessMeter(sampleRate: reader.sampleRate, channels: reader.channels, range: false, truePeak: true)
        var loudness = IntegratedLoudnessMeter(sampleRate: reader.sampleRate)
        var truePeak = TruePeakMeter(sampleRate: reader.sampleRate)
        var frames = 0
        while true {
            // 64 KB of floats: a buffer that malloc keeps, not one mapped and unmapped (and faulted in) each time.
            let chunk = try reader.read(maxFrames: 1 << 14 / reader.channels)
            if chunk.isEmpty { break }
            frames += chunk.count / reader.channels
            if let meter {
                try meter.add(chunk)
            } else {
                loudness.add(chunk)
                truePeak.add(chunk)
            }
        }
        return AudioFileProperties(
            containerName: reader.containerName, container: reader.container, encodingName: reader.encodingName, encoding: reader.encoding,
            sampleRate: reader.sampleRate, channels: reader.channels, frames: frames, fileBytes: Posix.regularFileSize(url.path) ?? 0,
            bitrateMode: reader.bitrateMode, integratedLUFS: meter?.integrated ?? loudness.integrated,
            samplePeakDBFS: LoudnessMeter.decibels(meter?.samplePeak ?? loudness.samplePeak), truePeakDBTP: LoudnessMeter.decibels(meter?.truePeak ?? truePeak.peak))
    }

    /// The `check-asset` verdict on a written output.
    static func check(_ properties: AudioFileProperties, target: AssetTarget, path: String) -> OutputEntry.AssetCheck {
        let findings = target.check(properties, name: path)
        return OutputEntry.AssetCheck(
            target: target.rawValue, fits: !findings.contains { $0.severity == .error }, findings: findings.map { "\($0.severity.rawValue): \($0.message)" })
    }
}
