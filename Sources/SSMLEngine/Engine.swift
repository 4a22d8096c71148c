import Foundation
import SSMLCore

/// The whole pipeline with the real engines plugged in: parse, plan, render.
public struct Engine: Sendable {
    public let synthesizer: any SpeechSynthesizer
    public let resolver: VoiceResolver
    public let decoder: any AudioDecoder
    public let resamplers: any ResamplerFactory
    public let parser: any XMLTreeParser
    public let limits: Limits
    /// Downloads `http(s)` audio sources; nil refuses them.
    public var fetcher: (any AudioFetcher)?

    public init(
        catalog: VoiceCatalog, synthesizer: (any SpeechSynthesizer)? = nil, decoder: any AudioDecoder = SndFileDecoder(),
        resamplers: any ResamplerFactory = SoxrResamplerFactory(), parser: any XMLTreeParser = LibXMLParser(),
        limits: Limits = .standard, fetcher: (any AudioFetcher)? = nil
    ) throws {
        let synthesizer = try synthesizer ?? EspeakSynthesizer.shared()
        self.synthesizer = synthesizer
        self.resolver = VoiceResolver(catalog: catalog, languages: synthesizer.languages)
        self.decoder = decoder
        self.resamplers = resamplers
        self.parser = parser
        self.limits = limits
        self.fetcher = fetcher
    }

    /// Parses and plans `text` (a document, a fragment or plain text). Warnings go to `log`.
    /// - Parameters:
    ///   - file: the name used in error locations.
    ///   - baseDirectory: where relative `<audio src>` paths are looked up.
    ///   - defaultVoice: the voice before any markup changes it.
    ///   - voiceFallback: a language espeak-ng does not speak keeps the surrounding voice, with a warning.
    ///   - allowEmpty: a document with nothing to say plans to nothing, with a warning, instead of failing.
    ///   - dialect: plan the way this service reads the document (its break caps, keyword tables, and
    ///     without what it ignores); its lint findings go to `log` as warnings.
    public func plan(
        _ text: String, file: String, baseDirectory: URL, defaultVoice: String = "en-us-female", voiceFallback: Bool = false,
        allowEmpty: Bool = false, dialect: Dialect? = nil, log: DiagnosticLog
    ) throws -> [Segment] {
        guard let voice = resolver.voice(named: defaultVoice) else {
            let hint = resolver.suggestions(for: defaultVoice).first.map { "; did you mean \($0)?" } ?? ""
            throw SSMLError(.unknownVoice, "unknown voice \"\(defaultVoice)\"\(hint)")
        }
        var root = try SSMLDocument.load(text, file: file, parser: parser, limits: limits)
        if let dialect {
            for finding in Linter(dialect: dialect, parser: parser, catalog: resolver.catalog).lint(text, file: file) {
                let message = "\(dialect.name): \(finding.message)"
                if finding.severity == .note {
                    log.note(message, at: finding.location)
                } else {
                    try log.warn(message, at: finding.location)
                }
            }
            root = DialectTransform(dialect: dialect).apply(root)
        }
        let decoder = self.decoder
        let interpreter = Interpreter(
            resolver: resolver, log: log, limits: limits, baseDirectory: baseDirectory,
            probe: { url in decoder.problem(with: url) }, fetcher: fetcher)
        interpreter.voiceFallback = voiceFallback
        interpreter.allowEmpty = allowEmpty
        return try interpreter.plan(root, defaultVoice: voice)
    }

    /// Parses, checks and plans a Vonage NCCO (JSON). Relative `streamUrl` and `<audio src>` paths are looked
    /// up in `baseDirectory`; `styles` picks the voice for a talk's language and style.
    public func planNCCO(_ text: String, file: String, baseDirectory: URL, styles: VonageStyles, voiceFallback: Bool = false, allowEmpty: Bool = false,
        log: DiagnosticLog
    ) throws -> [Segment] {
        let ncco = try NCCO.parse(text, file: file, limits: limits, log: log)
        let decoder = self.decoder
        let sources = AudioSourceResolver(baseDirectory: baseDirectory, probe: { url in decoder.problem(with: url) }, fetcher: fetcher)
        var planner = NCCOPlanner(resolver: resolver, styles: styles, parser: parser, limits: limits, sources: sources, log: log)
        planner.voiceFallback = voiceFallback
        planner.allowEmpty = allowEmpty
        return try planner.plan(ncco)
    }

    /// Renders a plan at `sampleRate` into `sink`.
    public func render(_ plan: [Segment], sampleRate: Int, into sink: any AudioSink) throws -> RenderReport {
        var options = RenderOptions(sampleRate: Double(sampleRate))
        options.limits = limits
        let renderer = Renderer(synthesizer: synthesizer, decoder: decoder, resamplers: resamplers, options: options)
        return try renderer.render(plan, into: sink)
    }
}
