import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

/// Where and how a command writes audio: shared by every command that renders (`render`, `ncco`).
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The audio file to write, - for standard output, or with --frames a new directory.")
    var output: String

    @Option(name: .customLong("rate"), help: "Sample rate: 8000, 16000 (default), 22050, 24000, 44100 or 48000.")
    var rateOption: Int?

    @Option(name: .customLong("encoding"), help: "Sample encoding: pcm16 (default), mulaw or alaw (G.711: 8000 Hz, wav or raw only).")
    var encodingOption: String?

    @Option(help: "File format: wav, raw (headerless, little-endian), mp3, flac or ogg. Default: from the -o extension, else wav.")
    var format: String?

    @Option(help: "MP3 constant bit rate in kbit/s (default 16 at 8 kHz, 32 at 16 kHz, 48 at 22.05/24 kHz, 64 above).")
    var bitrate: Int?

    @Flag(help: "Raw audio in 20 ms frames (320 bytes at 8 kHz, 640 at 16 kHz PCM16), the last padded with silence: -o DIR gets one file per frame, -o FILE.raw or - one padded stream.")
    var frames = false

    @Option(help: "vonage-stream (16 kHz mono 16-bit WAV) or vonage-mp3 (16 kHz mono MP3, 32 kbit/s constant).")
    var preset: String?

    @Option(parsing: .unconditional, help: "Normalise to this integrated loudness in LUFS (EBU R128), e.g. -19 or -23.")
    var loudness: Double?

    @Option(parsing: .unconditional, help: "True-peak ceiling in dBTP with --loudness (default -1).")
    var truePeak: Double?

    static let rates = [8000, 16000, 22050, 24000, 44100, 48000]
    /// -o extensions that choose a format when --format is not given.
    static let extensionFormats: [String: OutputFormat] = [
        "wav": .wav, "wave": .wav, "mp3": .mp3, "flac": .flac, "ogg": .ogg, "oga": .ogg,
        "raw": .raw, "pcm": .raw, "l16": .raw, "sln": .raw, "ul": .raw, "ulaw": .raw, "al": .raw, "alaw": .raw,
    ]

    /// The sample rate the settings resolve to (presets included).
    var rate: Int { (try? settings().rate) ?? rateOption ?? 16000 }
    /// The encoding as given (default pcm16).
    var encoding: String { encodingOption ?? "pcm16" }

    /// The checked settings.
    struct Settings {
        var rate: Int
        var encoding: OutputEncoding
        var format: OutputFormat
        /// MP3 constant bit rate in kbit/s; nil for other formats.
        var bitrate: Int? = nil
        /// Set with --frames: raw output cut into 20 ms frames.
        var frames: FrameLayout? = nil
        /// Set with --loudness: two-pass normalisation.
        var loudness: LoudnessTarget? = nil
    }

    /// What a preset fixes.
    private struct Preset {
        var name: String
        var format: OutputFormat
        var rate: Int
        var bitrate: Int?
    }

    private static let presets = [
        Preset(name: "vonage-stream", format: .wav, rate: 16000, bitrate: nil),
        Preset(name: "vonage-mp3", format: .mp3, rate: 16000, bitrate: 32),
    ]

    /// The format the -o extension names, if any.
    private var extensionFormat: OutputFormat? {
        guard output != "-" else { return nil }
        return Self.extensionFormats[URL(fileURLWithPath: output).pathExtension.lowercased()]
    }

    /// Whether --frames writes a directory (any -o but -, or a raw file name).
    var framesDirectory: Bool { frames && output != "-" && extensionFormat == nil }

    /// Checks the options against each other; usage errors name the options.
    func settings() throws -> Settings {
        var format = try format.map { name -> OutputFormat in
            guard let format = OutputFormat(rawValue: name.lowercased()) else {
                throw SSMLError(.usage, "--format \(name) is not a format (use wav, raw, mp3, flac or ogg)")
            }
            return format
        }
        if let format, let named = extensionFormat, named != format {
            throw SSMLError(.usage, "--format \(format.rawValue) conflicts with -o \(output), which names a \(named.rawValue) file")
        }
        var rate = rateOption
        var bitrate = bitrate
        if let presetName = preset {
            guard let preset = Self.presets.first(where: { $0.name == presetName.lowercased() }) else {
                throw SSMLError(.usage, "--preset \(presetName) is not a preset (use \(Self.presets.map(\.name).joined(separator: " or ")))")
            }
            func conflict(_ option: String, _ presetValue: String) -> SSMLError {
                SSMLError(.usage, "--preset \(preset.name) sets \(presetValue); it conflicts with \(option)")
            }
            if let given = format, given != preset.format { throw conflict("--format \(given.rawValue)", "--format \(preset.format.rawValue)") }
            if let named = extensionFormat, named != preset.format { throw conflict("-o \(output)", "--format \(preset.format.rawValue)") }
            if let given = rate, given != preset.rate { throw conflict("--rate \(given)", "--rate \(preset.rate)") }
            if let given = encodingOption, given.lowercased() != OutputEncoding.pcm16.rawValue { throw conflict("--encoding \(given)", "--encoding pcm16") }
            if let given = bitrate, given != preset.bitrate {
                throw conflict("--bitrate \(given)", preset.bitrate.map { "--bitrate \($0)" } ?? "a WAV file (no bit rate)")
            }
            if frames { throw conflict("--frames", "a \(preset.format.rawValue) file") }
            format = preset.format
            rate = preset.rate
            bitrate = preset.bitrate
        }
        let resolvedRate = rate ?? 16000
        guard Self.rates.contains(resolvedRate) else {
            throw SSMLError(.usage, "--rate \(resolvedRate) is not supported (use \(Self.rates.map(String.init).joined(separator: ", ")))")
        }
        guard let encoding = OutputEncoding(rawValue: encoding.lowercased()) else {
            throw SSMLError(.usage, "--encoding \(self.encoding) is not an encoding (use pcm16, mulaw or alaw)")
        }
        if encoding.requiresTelephonyRate && resolvedRate != 8000 {
            throw SSMLError(.usage, "--encoding \(encoding.rawValue) is G.711, defined at 8000 Hz only (use --rate 8000)")
        }
        var settings = Settings(rate: resolvedRate, encoding: encoding, format: format ?? extensionFormat ?? (frames ? .raw : .wav))
        if frames {
            guard settings.format == .raw else {
                throw SSMLError(.usage, "--frames writes raw frames; it conflicts with \(self.format != nil ? "--format \(settings.format.rawValue)" : "-o \(output)")")
            }
            settings.frames = FrameLayout(sampleRate: resolvedRate, encoding: encoding)
        }
        guard settings.format.supports(encoding) else {
            throw SSMLError(.usage, "--encoding \(encoding.rawValue) cannot be stored in \(settings.format.rawValue) (use wav or raw)")
        }
        if settings.format == .mp3 {
            let kbps = bitrate ?? OutputFormat.defaultMP3Bitrate(sampleRate: resolvedRate)
            let legal = OutputFormat.mp3Bitrates(sampleRate: resolvedRate)
            guard legal.contains(kbps) else {
                throw SSMLError(.usage, "--bitrate \(kbps) is not an MP3 bit rate at \(resolvedRate) Hz (use \(legal.map(String.init).joined(separator: ", ")))")
            }
            settings.bitrate = kbps
        } else if let bitrate {
            throw SSMLError(.usage, "--bitrate \(bitrate) applies to mp3 only, not \(settings.format.rawValue)")
        }
        if let loudness {
            let ceiling = truePeak ?? -1
            guard LoudnessTarget.integratedRange.contains(loudness) else {
                throw SSMLError(.usage, "--loudness \(loudness) is outside -60...-5 LUFS")
            }
            guard LoudnessTarget.ceilingRange.contains(ceiling) else {
                throw SSMLError(.usage, "--true-peak \(ceiling) is outside -20...0 dBTP")
            }
            settings.loudness = LoudnessTarget(integrated: loudness, truePeakCeiling: ceiling)
        } else if let truePeak {
            throw SSMLError(.usage, "--true-peak \(truePeak) applies with --loudness only")
        }
        return settings
    }

    /// The arguments that give a render worker the same settings (workers write raw floats, so only what
    /// changes the samples matters; loudness is applied by the parent to the whole).
    var workerArguments: [String] { ["-o", "-", "--rate", "\(rate)"] }
}

/// The render step every audio-producing command shares: checks the destination, renders the plan (split
/// across worker processes when long), and puts the file in place atomically.
enum RenderPipeline {
    /// Checks `-o` before any work: it must not be a directory, a missing folder, or the input itself. With
    /// --frames and a name that is not a raw file, it is a directory that must not exist yet.
    static func destination(_ options: OutputOptions, input: String) throws -> RenderOutput {
        if options.framesDirectory { return try RenderOutput.resolveDirectory(options.output) }
        let destination = try RenderOutput.resolve(options.output)
        if case .file(let url) = destination, input != "-",
            url.standardizedFileURL.resolvingSymlinksInPath() == URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath()
        {
            throw SSMLError(.usage, "-o \(options.output) is the input file; it would be overwritten")
        }
        return destination
    }

    /// Renders one part of a split plan to raw floats for the parent process (`--worker-part`).
    static func renderWorkerPart(_ plan: [Segment], part: Int, output: String, settings: OutputOptions.Settings, engine: Engine) throws {
        let parts = RenderPartition.split(plan)
        guard parts.indices.contains(part) else { throw SSMLError(.usage, "no part \(part)") }
        let sink = try RawSampleWriter(path: output)
        let report = try engine.render(Array(plan[parts[part]]), sampleRate: settings.rate, into: sink)
        try sink.close()
        try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: RenderWorkers.reportPath(forOutput: output)))
    }

    /// Renders `plan` into `destination`. Parts after the first are rendered by workers started with
    /// `workerArguments` (the command and its input, plus the settings); `standardInput` is fed to them when the
    /// input came from standard input.
    /// Returns the whole render's report (workers' parts included) and, when `recordEnvelope`, the
    /// waveform outline of the final output for the timeline drawing.
    @discardableResult
    static func render(
        _ plan: [Segment], to destination: RenderOutput, settings: OutputOptions.Settings, engine: Engine,
        workerArguments: [String], standardInput: Data?, recordEnvelope: Bool = false
    ) throws -> (report: RenderReport, envelope: EnvelopeRecorder?) {
        let parts = RenderPartition.split(plan)
        let workers = try parts.count > 1 ? RenderWorkers.start(parts: 1..<parts.count, arguments: workerArguments, standardInput: standardInput) : nil
        defer { workers?.cleanUp() }
        var report: RenderReport?
        let produce: (any AudioSink) throws -> Void = { sink in
            report = try engine.render(Array(plan[parts[0]]), sampleRate: settings.rate, into: sink)
            for part in try workers?.drain(into: sink, limit: Int(engine.limits.maxOutputSeconds) * settings.rate) ?? [] {
                report = report!.appending(part)
            }
        }
        var envelope: EnvelopeRecorder?
        // A lossy file normalised for loudness is measured after encoding; on standard output it is staged in a
        // temporary file first, so it can be measured (and written again) before it is sent.
        let lossy = settings.format == .mp3 || settings.format == .ogg
        var staged: URL?
        if settings.loudness != nil, lossy, case .stream = destination {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("ssml-staged-\(getpid())-\(UUID().uuidString).\(settings.format.rawValue)")
            Interruption.register(url.path)
            staged = url
        }
        defer {
            if let staged {
                try? FileManager.default.removeItem(at: staged)
                Interruption.unregister(staged.path)
            }
        }
        let written = staged.map { RenderOutput.file($0) } ?? destination
        let place: ((any AudioSink) throws -> Void) throws -> Void = { produceInto in
            // The outline is taken from what is finally written (after any loudness gain).
            let body: (any AudioSink) throws -> Void = { output in
                guard recordEnvelope else { return try produceInto(output) }
                let recorder = EnvelopeRecorder(sampleRate: Double(settings.rate), passingTo: output)
                envelope = recorder
                try produceInto(recorder)
            }
            if let layout = settings.frames {
                let frames = try destination.writeFrames(sampleRate: settings.rate, encoding: settings.encoding, layout: layout, body)
                note(framesNote(frames, layout: layout, settings: settings, destination: destination))
            } else {
                try written.write(sampleRate: settings.rate, format: settings.format, encoding: settings.encoding, bitrate: settings.bitrate, body)
            }
        }
        if let target = settings.loudness {
            // A lossy encoder changes the loudness: the file written is measured and corrected.
            var measure: (() throws -> Double?)?
            if lossy, case .file(let url) = written {
                measure = { try AudioFileInspector.inspect(url).integratedLUFS }
            }
            let result = try LoudnessNormalizer.normalize(sampleRate: settings.rate, target: target, produce: produce, place: place, measureOutput: measure)
            // Sent as it is: the encoded bytes were measured.
            if let staged { try destination.send(staged) }
            for warning in result.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            note(loudnessNote(result))
        } else {
            try place(produce)
        }
        return (report!, envelope)
    }

    private static func note(_ text: String) {
        FileHandle.standardError.write(Data("note: \(text)\n".utf8))
    }

    private static func framesNote(_ report: FrameReport, layout: FrameLayout, settings: OutputOptions.Settings, destination: RenderOutput) -> String {
        let place = switch destination {
        case .directory(let url): "\(url.path)/frame-*.raw"
        case .file(let url): url.path
        case .stream(let path): path ?? "standard output"
        }
        var text = "\(report.frames) frames of \(layout.bytesPerFrame) bytes (\(layout.milliseconds) ms of \(settings.rate) Hz \(settings.encoding.rawValue)) in \(place)"
        if report.paddingSamples > 0 {
            text += String(format: "; the last frame ends in %d samples (%.2f ms) of added silence", report.paddingSamples, Double(report.paddingSamples) * 1000 / Double(settings.rate))
        }
        return text
    }

    private static func loudnessNote(_ result: LoudnessResult) -> String {
        func lufs(_ value: Double?) -> String { value.map { String(format: "%.1f LUFS", $0) } ?? "silence" }
        var text = "loudness \(lufs(result.inputLUFS)) -> \(lufs(result.outputLUFS)) (gain \(String(format: "%+.1f", result.gainDB)) dB), true peak \(String(format: "%.1f", result.outputTruePeakDBTP)) dBTP"
        if result.limiterReductionDB > 0.05 { text += String(format: ", limiter up to %.1f dB", result.limiterReductionDB) }
        return text
    }
}

/// `--timeline` and `--timeline-svg`: what a render did, as JSON and as a drawing.
struct TimelineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write the render's timeline (segments, words, marks, call control; times in seconds) as JSON.", valueName: "file.json"))
    var timeline: String?

    @Option(help: ArgumentHelp("Draw the waveform with its segments and words as an SVG image.", valueName: "file.svg"))
    var timelineSVG: String?

    var wanted: Bool { timeline != nil || timelineSVG != nil }

    /// Checks the destinations before any work, as -o is checked.
    func validate(against output: String) throws {
        for (option, path) in [("--timeline", timeline), ("--timeline-svg", timelineSVG)] {
            guard let path, path != "-" else { continue }
            if path == output { throw SSMLError(.usage, "\(option) \(path) is also the audio output") }
            _ = try RenderOutput.resolve(path, option: option)
        }
        if timeline == "-" && timelineSVG == "-" { throw SSMLError(.usage, "--timeline and --timeline-svg cannot both go to standard output") }
    }

    /// Writes the requested files atomically (`-` is standard output).
    func write(_ report: RenderReport, envelope: EnvelopeRecorder?, engine: Engine, title: String) throws {
        let timeline = Timeline(report: report, engine: engine.synthesizer.version)
        if let path = self.timeline { try CommandSupport.writeAtomically(timeline.json() + Data("\n".utf8), to: path) }
        if let path = timelineSVG, let envelope {
            try CommandSupport.writeAtomically(Data(TimelineSVG.render(timeline, envelope: envelope.outline, title: title).utf8), to: path)
        }
    }
}

/// Options every rendering command (`render`, `ncco`) shares besides its output: how strict to be, and
/// the hidden worker options a split render passes to its worker processes.
struct RenderJobOptions: ParsableArguments {
    @Flag(help: "A language espeak-ng does not speak falls back to another voice (a warning) instead of failing.")
    var voiceFallback = false

    @Flag(help: "Treat warnings (unknown elements, attributes or options, ignored values) as errors.")
    var strict = false

    @Flag(name: .shortAndLong, help: "Do not print notes about call control (dtmf, bridge; NCCO input, connect, record, ...).")
    var quiet = false

    @Flag(help: "Render an input with nothing to say as an empty file (a warning) instead of failing.")
    var allowEmpty = false

    @Option(help: ArgumentHelp("Render only this part of a split plan (used by render workers).", visibility: .private))
    var workerPart: Int?

    @Option(help: ArgumentHelp("Where a render worker writes its raw samples.", visibility: .private))
    var workerOutput: String?

    /// The options a worker needs to plan the same input the same way.
    var workerArguments: [String] {
        (voiceFallback ? ["--voice-fallback"] : []) + (strict ? ["--strict"] : []) + (allowEmpty ? ["--allow-empty"] : [])
    }
}

extension RenderPipeline {
    /// What `render` and `ncco` do once they know how to plan their input: check the destinations, plan
    /// (reporting diagnostics once, in the parent), then either render one worker's part or the whole file
    /// with its timeline. `workerArguments` are the command, its input and its own options.
    static func run(
        input: String, audio: OutputOptions, fetch: FetchOptions, timeline: TimelineOptions, job: RenderJobOptions,
        workerArguments: [String], engine makeEngine: () throws -> Engine,
        plan: (Engine, _ source: (text: String, name: String, directory: URL), DiagnosticLog) throws -> [Segment]
    ) throws {
        let settings = try audio.settings()
        let fetcher = try fetch.fetcher()
        defer { fetcher.cleanUp() }
        let source = try CommandSupport.read(input)
        var engine = try makeEngine()
        engine.fetcher = fetcher
        let log = DiagnosticLog(strict: job.strict)
        let isWorker = job.workerPart != nil
        // A worker's output must not replace anything; the parent checks -o before any work.
        let destination = isWorker ? nil : try destination(audio, input: input)
        if !isWorker { try timeline.validate(against: audio.output) }
        let segments: [Segment]
        do {
            segments = try plan(engine, (source.text, source.name, source.directory), log)
        } catch {
            // Workers stay quiet: the parent planned the same input and already reported it.
            if !isWorker { CommandSupport.printDiagnostics(log, quiet: job.quiet) }
            throw error
        }
        if let part = job.workerPart, let output = job.workerOutput {
            try renderWorkerPart(segments, part: part, output: output, settings: settings, engine: engine)
            return
        }
        CommandSupport.printDiagnostics(log, quiet: job.quiet)
        let result = try render(
            segments, to: destination!, settings: settings, engine: engine,
            workerArguments: workerArguments + audio.workerArguments + fetch.workerArguments + job.workerArguments,
            standardInput: input == "-" ? Data(source.bytes) : nil, recordEnvelope: timeline.timelineSVG != nil)
        if timeline.wanted {
            try timeline.write(result.report, envelope: result.envelope, engine: engine, title: source.name)
        }
    }
}
