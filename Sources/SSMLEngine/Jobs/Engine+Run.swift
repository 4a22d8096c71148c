import Foundation
import SSMLCore

extension Engine {
    /// Runs a job: plan, resolve its audio, render (long plans in parallel parts), encode to `destination`.
    ///
    /// - Parameters:
    ///   - log: receives the diagnostics of planning and resolving.
    ///   - pool: render workers to use. Without one, the plan is rendered in this process (which must not have
    ///     rendered before, for reproducible bytes: a command's fresh process) and parts of a long plan after the
    ///     first in workers started for this job. With one, every part is rendered by the pool, as a long-lived
    ///     process must.
    ///   - planned: called once planning succeeded, before rendering (a command prints its warnings then).
    public func run(
        _ job: RenderJob, to destination: JobDestination, log: DiagnosticLog, pool: RenderWorkerPool? = nil, planned: (() -> Void)? = nil
    ) throws -> JobResult {
        let plan = try resolve(plan(job, log: log), for: job, log: log)
        planned?()
        return try render(plan, job: job, to: destination, pool: pool)
    }

    /// Renders a planned and resolved job to `destination`: the output step of ``run(_:to:log:pool:planned:)``.
    /// - Parameters:
    ///   - cancellation: stops the render on the pool (the call then throws `CancellationError`).
    ///   - entries: whether the result's report lists the render's segments, words and events; a job that asks for a
    ///     timeline gets them either way. Without, a pool's render sends back the length alone (a server's short
    ///     renders spent a tenth of their time decoding entries nobody read).
    ///   - sync: flush a file to the disk before it is renamed into place (``AtomicFile``); a caller that flushes
    ///     its files together later passes false.
    ///   - inspect: reads the finished file before it is put in place (see ``write(job:to:timeline:sync:inspect:produce:)``).
    public func render(
        _ plan: [Segment], job: RenderJob, to destination: JobDestination, pool: RenderWorkerPool? = nil,
        cancellation: RenderWorkerPool.Cancellation? = nil, entries: Bool = true, sync: Bool = true,
        inspect: ((String) throws -> Void)? = nil
    ) throws -> JobResult {
        var parts = PartRenderer(engine: self, pool: pool, sampleRate: job.output.rate, cancellation: cancellation)
        parts.entries = entries || job.timeline || job.timelineSVG
        return try write(job: job, to: destination, sync: sync, inspect: inspect) { sink in try parts.render(plan, into: sink) }
    }

    /// Encodes the audio `produce` writes into `destination` with the job's output settings (format, frames,
    /// loudness), and makes the timeline and its drawing the job asks for: the output step of every render, for
    /// audio assembled elsewhere (a simulated call's steps).
    /// - Parameters:
    ///   - produce: writes every sample, in order, and returns what they are; it may be called more than once
    ///     (a lossy file corrected for loudness is encoded again), and must write the same samples each time.
    ///   - timeline: makes the timeline from the report instead of the render's own (a call adds its webhooks and keys).
    ///   - sync: flush a file to the disk before it is renamed into place (see ``render(_:job:to:pool:cancellation:sync:inspect:)``).
    ///   - inspect: called with a path that reads the finished file before it is put in place (a batch measures
    ///     and hashes it there, so that its journal can record the file as soon as it has its name).
    public func write(
        job: RenderJob, to destination: JobDestination, timeline makeTimeline: ((RenderReport) -> Timeline)? = nil, sync: Bool = true,
        inspect: ((String) throws -> Void)? = nil, produce render: @escaping (any AudioSink) throws -> RenderReport
    ) throws -> JobResult {
        let settings = job.output
        var report: RenderReport?
        let produce: (any AudioSink) throws -> Void = { sink in report = try render(sink) }
        var result = JobResult(report: RenderReport(sampleRate: Double(settings.rate), sampleCount: 0, entries: []), notes: [], warnings: [])
        let target = OutputTarget(destination, force: job.force, sync: sync)
        defer { target.abandon() }
        // The outline is taken from what is finally written (after any loudness gain).
        var envelope: EnvelopeRecorder?
        let encode: ((any AudioSink) throws -> Void) throws -> Void = { body in
            let recorded: (any AudioSink) throws -> Void = { output in
                guard job.timelineSVG else { return try body(output) }
                let recorder = EnvelopeRecorder(sampleRate: Double(settings.rate), passingTo: output)
                envelope = recorder
                try body(recorder)
            }
            try Self.encode(settings, into: target, notes: &result.notes, recorded)
        }
        if let loudness = settings.loudness {
            // A lossy encoder changes the loudness: the file written is measured and corrected.
            var measure: (() throws -> Double?)?
            if settings.format == .mp3 || settings.format == .ogg {
                measure = { try target.readablePath.flatMap { try AudioFileInspector.inspect(URL(fileURLWithPath: $0)).integratedLUFS } }
            }
            let outcome = try LoudnessNormalizer.normalize(sampleRate: settings.rate, target: loudness, produce: produce, place: encode, measureOutput: measure)
            result.warnings += outcome.warnings
            result.notes.append(Self.loudnessNote(outcome))
        } else {
            try encode(produce)
        }
        if let inspect, let path = target.readablePath { try inspect(path) }
        result.audio = try target.complete()
        result.report = report ?? result.report
        if job.timeline || job.timelineSVG {
            let timeline = makeTimeline?(result.report) ?? Timeline(report: result.report, engine: synthesizer.version)
            if job.timeline { result.timeline = timeline }
            if job.timelineSVG, let envelope { result.timelineSVG = TimelineSVG.render(timeline, envelope: envelope.outline, title: job.input.name) }
        }
        return result
    }

    /// Encodes what `body` renders into a fresh file of `target`, in the settings' format (frames padded to a
    /// whole number, and cut into a directory when that is the destination).
    static func encode(_ settings: OutputSettings, into target: OutputTarget, notes: inout [String], _ body: (any AudioSink) throws -> Void) throws {
        if let layout = settings.frameLayout {
            var report: FrameReport?
            func padded(_ sink: any AudioSink) throws {
                let padder = FramePaddingSink(next: sink, samplesPerFrame: layout.samplesPerFrame)
                try body(padder)
                report = try padder.finish()
            }
            if case .frameDirectory(let url) = target.destination {
                let stream = try ScratchFile(purpose: "the frames for \(url.path)")
                let writer = try AudioFileWriter(descriptor: stream.descriptor, name: url.path, sampleRate: settings.rate, format: .raw, encoding: settings.encoding)
                try padded(writer)
                try writer.finish()
                _ = try FrameDirectory.write(stream, layout: layout, to: url)
            } else {
                let fd = try target.begin()
                let writer = try AudioFileWriter(descriptor: fd, name: target.destination.name, sampleRate: settings.rate, format: .raw, encoding: settings.encoding)
                try padded(writer)
                try writer.finish()
            }
            if let report { notes.append(framesNote(report, layout: layout, settings: settings, destination: target.destination)) }
            return
        }
        let fd = try target.begin()
        let writer = try AudioFileWriter(
            descriptor: fd, name: target.destination.name, sampleRate: settings.rate, format: settings.format, encoding: settings.encoding, bitrate: settings.bitrate)
        try body(writer)
        try writer.finish()
    }

    static func framesNote(_ report: FrameReport, layout: FrameLayout, settings: OutputSettings, destination: JobDestination) -> String {
        let place =
            switch destination {
            case .frameDirectory(let url): "\(url.path)/frame-*.raw"
            default: destination.name
            }
        var text = "\(report.frames) frames of \(layout.bytesPerFrame) bytes (\(layout.milliseconds) ms of \(settings.rate) Hz \(settings.encoding.rawValue)) in \(place)"
        if report.paddingSamples > 0 {
            text += String(format: "; the last frame ends in %d samples (%.2f ms) of added silence", report.paddingSamples, Double(report.paddingSamples) * 1000 / Double(settings.rate))
        }
        return text
    }

    static func loudnessNote(_ result: LoudnessResult) -> String {
        func lufs(_ value: Double?) -> String { value.map { String(format: "%.1f LUFS", $0) } ?? "silence" }
        var text = "loudness \(lufs(result.inputLUFS)) -> \(lufs(result.outputLUFS)) (gain \(String(format: "%+.1f", result.gainDB)) dB), true peak \(String(format: "%.1f", result.outputTruePeakDBTP)) dBTP"
        if result.limiterReductionDB > 0.05 { text += String(format: ", limiter up to %.1f dB", result.limiterReductionDB) }
        return text
    }
}
