import Foundation
import SSMLCore

/// One render, described as a value: what to read, how to read it, and what to write.
///
/// The same job gives the same bytes wherever it runs (`ssml render`, a render worker, the server, a batch):
/// ``Engine/run(_:to:log:pool:)`` is the one way a job becomes audio.
///
/// ```swift
/// let job = RenderJob(input: .init(ssml: "<speak>Hello</speak>", name: "hello.ssml"), output: .init(rate: 8000, encoding: .mulaw))
/// let result = try engine.run(job, to: .memory, log: DiagnosticLog())
/// ```
public struct RenderJob: Sendable, Equatable, Codable {
    public var input: JobInput
    /// The voice before any markup changes it (a catalog name, an alias, or `<locale>-<gender>`).
    public var voice: String
    /// Read the document the way this service does (`seven`, `vonage`, `azure`, `polly`, `google`, `w3c`).
    public var dialect: String?
    /// A language the engine does not speak keeps the surrounding voice (a warning) instead of failing.
    public var voiceFallback: Bool
    /// Warnings are errors.
    public var strict: Bool
    /// An input with nothing to say renders silence instead of failing.
    public var allowEmpty: Bool
    /// Replace a read-only output file.
    public var force: Bool
    public var output: OutputSettings
    /// Return the timeline (segments, words, events) with the result.
    public var timeline: Bool
    /// Return the timeline drawn as SVG with the result (needs the waveform outline).
    public var timelineSVG: Bool
    /// Local folders for remote prefixes, and what a clip that cannot be played becomes.
    public var audioSources: AudioSources

    public init(
        input: JobInput, voice: String = "en-us-female", dialect: String? = nil, voiceFallback: Bool = false, strict: Bool = false,
        allowEmpty: Bool = false, force: Bool = false, output: OutputSettings = OutputSettings(), timeline: Bool = false,
        timelineSVG: Bool = false, audioSources: AudioSources = AudioSources()
    ) {
        self.input = input
        self.voice = voice
        self.dialect = dialect
        self.voiceFallback = voiceFallback
        self.strict = strict
        self.allowEmpty = allowEmpty
        self.force = force
        self.output = output
        self.timeline = timeline
        self.timelineSVG = timelineSVG
        self.audioSources = audioSources
    }
}

/// The text a job reads, with the name its messages use and the folder its relative audio paths start from.
public struct JobInput: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// An SSML document, a fragment, or plain text.
        case ssml
        /// A Vonage NCCO (JSON).
        case ncco
    }

    public var kind: Kind
    public var text: String
    /// The file name in messages (`prompt.ssml`, `<stdin>`).
    public var name: String
    /// Where relative `<audio src>` and `streamUrl` paths are looked up.
    public var baseDirectory: String

    public init(kind: Kind, text: String, name: String, baseDirectory: String = FileManager.default.currentDirectoryPath) {
        self.kind = kind
        self.text = text
        self.name = name
        self.baseDirectory = baseDirectory
    }

    public init(ssml text: String, name: String = "<input>", baseDirectory: String = FileManager.default.currentDirectoryPath) {
        self.init(kind: .ssml, text: text, name: name, baseDirectory: baseDirectory)
    }

    public init(ncco text: String, name: String = "<input>", baseDirectory: String = FileManager.default.currentDirectoryPath) {
        self.init(kind: .ncco, text: text, name: name, baseDirectory: baseDirectory)
    }

    /// The kind a file's content says: a JSON array is an NCCO, anything else SSML or text.
    public static func kind(of text: String) -> Kind {
        text.first(where: { !$0.isWhitespace }) == "[" ? .ncco : .ssml
    }
}

/// What a job produced besides its audio.
public struct JobResult: Sendable {
    /// Every segment, word and event, in output samples.
    public var report: RenderReport
    /// The timeline, when the job asked for it.
    public var timeline: Timeline?
    /// The SVG drawing, when the job asked for it.
    public var timelineSVG: String?
    /// The encoded file, for ``JobDestination/memory``.
    public var audio: Data?
    /// What the output step did, for people (`320 frames of 640 bytes…`, `loudness -21.5 LUFS -> -19.0 LUFS…`).
    public var notes: [String]
    /// Problems of the output step (a silent render under `--loudness`, a target out of reach).
    public var warnings: [String]
}
