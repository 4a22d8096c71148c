import ArgumentParser
import Foundation
import SSMLCore
import SSMLEngine

extension OutputEncoding: ChoiceArgument {}
extension OutputFormat: ChoiceArgument {}
extension OutputPreset: ChoiceArgument {}

/// Where and how a command writes audio: shared by every command that renders (`render`, `ncco`).
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The audio file to write, - for standard output, or with --frames a new directory.")
    var output: String

    @Option(help: "Sample rate: 8000, 16000 (default), 22050, 24000, 44100 or 48000.")
    var rate: Int?

    @Option(help: "Sample encoding (default pcm16; G.711 mulaw/alaw: 8000 Hz, wav or raw only).")
    var encoding: OutputEncoding?

    @Option(help: "File format (default: from the -o extension, else wav; raw is headerless little-endian).")
    var format: OutputFormat?

    @Option(help: "MP3 constant bit rate in kbit/s (default 16 at 8 kHz, 32 at 16 kHz, 48 at 22.05/24 kHz, 64 above).")
    var bitrate: Int?

    @Flag(help: "Raw audio in 20 ms frames (320 bytes at 8 kHz, 640 at 16 kHz PCM16), the last padded with silence: -o DIR gets one file per frame, -o FILE.raw or - one padded stream.")
    var frames = false

    @Option(help: "vonage-stream (16 kHz mono 16-bit WAV) or vonage-mp3 (16 kHz mono MP3, 32 kbit/s constant).")
    var preset: OutputPreset?

    @Option(parsing: .unconditional, help: "Normalise to this integrated loudness in LUFS (EBU R128), e.g. -19 or -23.")
    var loudness: Double?

    @Option(parsing: .unconditional, help: "True-peak ceiling in dBTP with --loudness (default -1).")
    var truePeak: Double?

    @Flag(help: "Replace a read-only output file.")
    var force = false

    /// Whether --frames writes a directory (any -o but -, or a raw file name).
    var framesDirectory: Bool { frames && output != "-" && OutputSettings.format(impliedBy: output) == nil }

    /// The checked settings (the library names the setting at fault; the error printer maps it to its flag).
    func settings() throws -> OutputSettings {
        var request = OutputSettings.Request()
        request.rate = rate
        request.encoding = encoding
        request.format = format
        request.bitrate = bitrate
        request.frames = frames
        request.preset = preset
        request.loudness = loudness
        request.truePeak = truePeak
        request.impliedFormat = OutputSettings.format(impliedBy: output)
        request.destinationName = "-o \(output)"
        return try OutputSettings.resolved(request)
    }

    /// Checks -o before any work: not a directory, not a missing folder, not the input itself; with --frames and a
    /// name that is not a raw file, a directory that must not exist yet.
    func destination(input: String) throws -> JobDestination {
        if framesDirectory { return try JobDestination.resolveFrameDirectory(output) }
        return try JobDestination.resolve(output, setting: .output, input: input)
    }
}

/// `--timeline` and `--timeline-svg`: what a render did, as JSON and as a drawing.
struct TimelineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write the render's timeline (segments, words, marks, call control; times in seconds) as JSON.", valueName: "file.json"))
    var timeline: String?

    @Option(help: ArgumentHelp("Draw the waveform with its segments and words as an SVG image.", valueName: "file.svg"))
    var timelineSVG: String?

    /// Checks the destinations before any work, as -o is checked.
    func validate(against output: String) throws {
        for (setting, path) in [(JobSetting.timeline, timeline), (.timelineSVG, timelineSVG)] {
            guard let path, path != "-" else { continue }
            if path == output { throw SSMLError(.usage, "\(path) is also the audio output", setting: setting) }
            _ = try JobDestination.resolve(path, setting: setting)
        }
        if timeline == "-" && timelineSVG == "-" { throw SSMLError(.usage, "the timeline and its drawing cannot both go to standard output", setting: .timelineSVG) }
    }

    /// Writes the requested files atomically (`-` is standard output).
    func write(_ result: JobResult) throws {
        if let path = timeline, let timeline = result.timeline {
            try ReportFile.write(timeline.json() + Data("\n".utf8), to: path, setting: .timeline)
        }
        if let path = timelineSVG, let svg = result.timelineSVG {
            try ReportFile.write(Data(svg.utf8), to: path, setting: .timelineSVG)
        }
    }
}

/// How strict to be and what to say, shared by every command that plans (`render`, `ncco`, `text`).
struct PlanningOptions: ParsableArguments {
    @Flag(help: "A language espeak-ng does not speak falls back to another voice (a warning) instead of failing.")
    var voiceFallback = false

    @Flag(help: "Treat warnings (unknown elements, attributes or options, ignored values) as errors.")
    var strict = false

    @Flag(help: "Render an input with nothing to say as silence instead of failing.")
    var allowEmpty = false

    @Flag(name: .shortAndLong, help: "Do not print notes about call control (dtmf, bridge; NCCO input, connect, record, ...).")
    var quiet = false
}
