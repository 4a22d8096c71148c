import Foundation
import SSMLCore
import Synchronization

/// The whole pipeline with the real engines plugged in: parse, plan, resolve audio, render, encode.
///
/// `ssml`, the server and batch are thin layers over ``plan(_:log:)`` and ``run(_:to:log:pool:)``.
public struct Engine: Sendable {
    public let synthesizer: any SpeechSynthesizer
    public let resolver: VoiceResolver
    public let decoder: any AudioDecoder
    public let resamplers: any ResamplerFactory
    public let parser: any XMLTreeParser
    public let limits: Limits
    /// The Vonage style table, for NCCO `talk` voices; nil refuses NCCOs.
    public let styles: VonageStyles?
    /// Where dialect tables come from; nil refuses dialects.
    public let data: DataFiles?
    /// Downloads `http(s)` audio sources; nil refuses them.
    public var fetcher: (any AudioFetcher)?
    /// The local audio files a document may play (a server restricts them to its audio folder).
    public var localAudio: LocalAudioAccess = .anywhere

    private let dialects = DialectCache()

    public init(
        catalog: VoiceCatalog, styles: VonageStyles? = nil, data: DataFiles? = nil, synthesizer: (any SpeechSynthesizer)? = nil,
        decoder: any AudioDecoder = SndFileDecoder(), resamplers: any ResamplerFactory = SoxrResamplerFactory(),
        parser: any XMLTreeParser = LibXMLParser(), limits: Limits = .standard, fetcher: (any AudioFetcher)? = nil
    ) throws {
        let synthesizer = try synthesizer ?? EspeakSynthesizer.shared()
        self.synthesizer = synthesizer
        self.resolver = VoiceResolver(catalog: catalog, languages: synthesizer.languages)
        self.styles = styles
        self.data = data
        self.decoder = decoder
        self.resamplers = resamplers
        self.parser = parser
        self.limits = limits
        self.fetcher = fetcher
    }

    /// The engine with its data files found as an installed or checked-out `ssml` finds them, and espeak-ng.
    /// What ``WarmStart/begin()`` prepared is taken when it is for the same data files.
    public static func standard(data: DataFiles? = nil, fetcher: (any AudioFetcher)? = nil) throws -> Engine {
        if var engine = WarmStart.engine(for: data) {
            engine.fetcher = fetcher
            return engine
        }
        return try load(data: data ?? DataFiles.locate(), fetcher: fetcher)
    }

    static func load(data: DataFiles, fetcher: (any AudioFetcher)? = nil) throws -> Engine {
        try Engine(catalog: data.catalog(), styles: data.vonageStyles(), data: data, fetcher: fetcher)
    }

    /// The dialect table `name` (loaded once).
    public func dialect(_ name: String) throws -> Dialect {
        guard let data else { throw SSMLError(.usage, "dialect tables are not available here", setting: .dialect) }
        return try dialects.get(name) { try data.dialect(name) }
    }

    // MARK: - Planning

    /// The plan of a job's input: parsed, read the way its dialect reads it, interpreted. Pure: audio stays
    /// unresolved references (see ``resolve(_:for:log:)``), nothing is fetched or synthesised. Warnings go to `log`.
    public func plan(_ job: RenderJob, log: DiagnosticLog) throws -> [Segment] {
        let plan: [Segment]
        switch job.input.kind {
        case .ssml:
            plan = try planSSML(job.input.text, file: job.input.name, defaultVoice: job.voice, voiceFallback: job.voiceFallback, dialect: job.dialect.map(dialect), log: log)
        case .ncco:
            plan = try planNCCOActions(job.input.text, file: job.input.name, voiceFallback: job.voiceFallback, dialect: job.dialect == nil && data == nil ? nil : try dialect(job.dialect ?? "vonage"), log: log)
        }
        // An input that renders to nothing at all is a mistake in a prompt library or a CI job, not a wish for an
        // empty file; a document of pauses alone is deliberate silence and renders.
        if !job.allowEmpty, !plan.contains(where: Self.takesTime) {
            throw SSMLError(
                .invalidValue, "\(job.input.name) has nothing to say or play; the output would be empty",
                at: SourceLocation(file: job.input.name, line: 1, column: 1), setting: .allowEmpty)
        }
        return plan
    }

    /// Whether a segment fills output time (speech, a bleep, a clip, a pause).
    static func takesTime(_ segment: Segment) -> Bool {
        switch segment {
        case .speech(let speech): !speech.displayText.trimmingWhitespace().isEmpty
        case .bleep, .audio: true
        case .pause(let seconds, _, _): seconds > 0
        case .noise, .mix, .fit: true
        default: false
        }
    }

    /// The plan with its audio made local: clips checked, downloaded, or replaced by their fallback.
    public func resolve(_ plan: [Segment], for job: RenderJob, log: DiagnosticLog) throws -> [Segment] {
        try AudioResolver(
            baseDirectory: URL(fileURLWithPath: job.input.baseDirectory), decoder: decoder, fetcher: fetcher, sources: job.audioSources,
            localAccess: localAudio
        ).resolve(plan, log: log)
    }

    func planSSML(_ text: String, file: String, defaultVoice: String, voiceFallback: Bool, dialect: Dialect?, log: DiagnosticLog) throws -> [Segment] {
        guard let voice = resolver.voice(named: defaultVoice) else {
            let hint = resolver.suggestions(for: defaultVoice).first.map { "; did you mean \($0)?" } ?? ""
            throw SSMLError(.unknownVoice, "unknown voice \"\(defaultVoice)\"\(hint)", setting: .voice)
        }
        var root = try SSMLDocument.load(text, file: file, parser: parser, limits: limits)
        if let dialect {
            // The interpreter says itself how it reads an unlisted voice name; the lint finding would repeat it.
            for finding in Linter(dialect: dialect, parser: parser, catalog: resolver.catalog).lint(text, file: file) where !finding.repeatsVoiceReading {
                let message = "\(dialect.name): \(finding.message)"
                if finding.severity == .note {
                    log.note(message, at: finding.location)
                } else {
                    try log.warn(message, at: finding.location)
                }
            }
            root = DialectTransform(dialect: dialect).apply(root)
        }
        let interpreter = Interpreter(resolver: resolver, log: log, limits: limits, capabilities: synthesizer)
        interpreter.voiceFallback = voiceFallback
        return try interpreter.plan(root, defaultVoice: voice)
    }

    func planNCCOActions(_ text: String, file: String, voiceFallback: Bool, dialect: Dialect?, log: DiagnosticLog) throws -> [Segment] {
        guard let styles else { throw SSMLError(.usage, "the Vonage style table is not loaded; NCCOs cannot be planned", setting: .input) }
        let ncco = try NCCO.parse(text, file: file, limits: limits, log: log)
        var planner = NCCOPlanner(resolver: resolver, styles: styles, parser: parser, limits: limits, capabilities: synthesizer, log: log)
        planner.voiceFallback = voiceFallback
        planner.dialect = dialect
        return try planner.plan(ncco)
    }

    /// Parses, plans and resolves `text` (a document, a fragment or plain text). Warnings go to `log`.
    /// - Parameters:
    ///   - file: the name used in error locations.
    ///   - baseDirectory: where relative `<audio src>` paths are looked up.
    ///   - defaultVoice: the voice before any markup changes it.
    ///   - voiceFallback: a language the engine does not speak keeps the surrounding voice, with a warning.
    ///   - dialect: plan the way this service reads the document (its break caps, keyword tables, and
    ///     without what it ignores); its lint findings go to `log` as warnings.
    public func plan(
        _ text: String, file: String, baseDirectory: URL, defaultVoice: String = "en-us-female", voiceFallback: Bool = false,
        dialect: Dialect? = nil, log: DiagnosticLog
    ) throws -> [Segment] {
        let plan = try planSSML(text, file: file, defaultVoice: defaultVoice, voiceFallback: voiceFallback, dialect: dialect, log: log)
        return try AudioResolver(baseDirectory: baseDirectory, decoder: decoder, fetcher: fetcher, localAccess: localAudio).resolve(plan, log: log)
    }

    /// Parses, checks, plans and resolves a Vonage NCCO (JSON). Relative `streamUrl` and `<audio src>` paths are
    /// looked up in `baseDirectory`.
    public func planNCCO(_ text: String, file: String, baseDirectory: URL, voiceFallback: Bool = false, log: DiagnosticLog) throws -> [Segment] {
        let plan = try planNCCOActions(text, file: file, voiceFallback: voiceFallback, dialect: data == nil ? nil : try dialect("vonage"), log: log)
        return try AudioResolver(baseDirectory: baseDirectory, decoder: decoder, fetcher: fetcher, localAccess: localAudio).resolve(plan, log: log)
    }

    // MARK: - Rendering in this process

    /// Renders a resolved plan at `sampleRate` into `sink`, in this process. The bytes are reproducible only in a
    /// process whose synthesizer has rendered nothing before (use a ``RenderWorkerPool`` in long-lived processes).
    public func render(_ plan: [Segment], sampleRate: Int, into sink: any AudioSink) throws -> RenderReport {
        var options = RenderOptions(sampleRate: Double(sampleRate))
        options.limits = limits
        let renderer = Renderer(synthesizer: synthesizer, decoder: decoder, resamplers: resamplers, options: options)
        return try renderer.render(plan, into: sink)
    }
}

/// Dialect tables loaded once per engine.
final class DialectCache: Sendable {
    private let loaded = Mutex<[String: Dialect]>([:])

    func get(_ name: String, load: () throws -> Dialect) throws -> Dialect {
        if let known = loaded.withLock({ $0[name] }) { return known }
        let dialect = try load()
        loaded.withLock { $0[name] = dialect }
        return dialect
    }
}
