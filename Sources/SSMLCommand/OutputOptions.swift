import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

/// Where and how a command writes audio: shared by every command that renders (`render`, `ncco`).
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The audio file to write, or - for standard output.")
    var output: String

    @Option(help: "Sample rate: 8000, 16000, 22050, 24000, 44100 or 48000.")
    var rate: Int = 16000

    @Option(help: "Sample encoding: pcm16, mulaw or alaw (G.711 only at 8000 Hz).")
    var encoding: String = "pcm16"

    static let rates = [8000, 16000, 22050, 24000, 44100, 48000]

    /// The checked settings.
    struct Settings {
        var rate: Int
        var encoding: OutputEncoding
        var format: OutputFormat
    }

    /// Checks the options against each other; usage errors name the option.
    func settings() throws -> Settings {
        guard Self.rates.contains(rate) else {
            throw SSMLError(.usage, "--rate \(rate) is not supported (use \(Self.rates.map(String.init).joined(separator: ", ")))")
        }
        guard let encoding = OutputEncoding(rawValue: encoding.lowercased()) else {
            throw SSMLError(.usage, "--encoding \(self.encoding) is not an encoding (use pcm16, mulaw or alaw)")
        }
        if encoding.requiresTelephonyRate && rate != 8000 {
            throw SSMLError(.usage, "--encoding \(encoding.rawValue) is G.711, defined at 8000 Hz only (use --rate 8000)")
        }
        return Settings(rate: rate, encoding: encoding, format: .wav)
    }

    /// The arguments that give a render worker the same settings (workers write raw floats, so only what
    /// changes the samples matters).
    var workerArguments: [String] { ["-o", "-", "--rate", "\(rate)"] }
}

/// The render step every audio-producing command shares: checks the destination, renders the plan (split
/// across worker processes when long), and puts the file in place atomically.
enum RenderPipeline {
    /// Checks `-o` before any work: it must not be a directory, a missing folder, or the input itself.
    static func destination(_ options: OutputOptions, input: String) throws -> RenderOutput {
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
    /// waveform outline for the timeline drawing.
    @discardableResult
    static func render(
        _ plan: [Segment], to destination: RenderOutput, settings: OutputOptions.Settings, engine: Engine,
        workerArguments: [String], standardInput: String?, recordEnvelope: Bool = false
    ) throws -> (report: RenderReport, envelope: EnvelopeRecorder?) {
        let parts = RenderPartition.split(plan)
        let workers = try parts.count > 1 ? RenderWorkers.start(parts: 1..<parts.count, arguments: workerArguments, standardInput: standardInput) : nil
        defer { workers?.cleanUp() }
        var report: RenderReport?
        var envelope: EnvelopeRecorder?
        try destination.write(sampleRate: settings.rate, format: settings.format, encoding: settings.encoding) { output in
            var sink: any AudioSink = output
            if recordEnvelope {
                envelope = EnvelopeRecorder(sampleRate: Double(settings.rate), passingTo: output)
                sink = envelope!
            }
            report = try engine.render(Array(plan[parts[0]]), sampleRate: settings.rate, into: sink)
            for part in try workers?.drain(into: sink, limit: Int(engine.limits.maxOutputSeconds) * settings.rate) ?? [] {
                report = report!.appending(part)
            }
        }
        return (report!, envelope)
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
            _ = try RenderOutput.resolve(path)
        }
        if timeline == "-" && timelineSVG == "-" { throw SSMLError(.usage, "--timeline and --timeline-svg cannot both go to standard output") }
    }

    /// Writes the requested files atomically (`-` is standard output).
    func write(_ report: RenderReport, envelope: EnvelopeRecorder?, engine: Engine, title: String) throws {
        let timeline = Timeline(report: report, engine: engine.synthesizer.version)
        if let path = self.timeline { try Self.write(timeline.json() + Data("\n".utf8), to: path) }
        if let path = timelineSVG, let envelope {
            try Self.write(Data(TimelineSVG.render(timeline, envelope: envelope.outline, title: title).utf8), to: path)
        }
    }

    private static func write(_ data: Data, to path: String) throws {
        if path == "-" {
            FileHandle.standardOutput.write(data)
            return
        }
        do {
            switch try RenderOutput.resolve(path) {
            case .file(let url): try data.write(to: url, options: .atomic)
            case .stream(let device):
                guard let handle = FileHandle(forWritingAtPath: device ?? path) else { throw SSMLError(.io, "cannot open \(path)") }
                try handle.write(contentsOf: data)
            }
        } catch let error as SSMLError {
            throw error
        } catch {
            throw SSMLError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
    }
}
