import Foundation
import SSMLEngine
import SSMLTestSupport
import Testing
@testable import SSMLCore

/// The services' own published SSML (Tests/Fixtures/published/<service>/, sources in each SOURCES.md), read the way
/// each service reads it: lint with its dialect finds nothing wrong, planning refuses nothing, and the readings the
/// documentation states come out (pause lengths, rate and pitch factors, the voice's language and gender).
enum Published {
    static let root = Repository.root.appendingPathComponent("Tests/Fixtures/published")
    static let catalog = try! Repository.catalog()
    /// Every language the catalog names counts as spoken (planning runs without espeak-ng).
    static let resolver = VoiceResolver(catalog: catalog, languages: Set(catalog.voices.map(\.espeak)))

    static var files: [String] {
        let services = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return services.sorted().flatMap { service in
            ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(service).path)) ?? [])
                .filter { $0.hasSuffix(".ssml") }.sorted().map { "\(service)/\($0)" }
        }
    }

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Plans `text` as `render --dialect` does (the dialect's reading applied to the tree), on no synthesizer.
    static func plan(_ text: String, dialect name: String?, log: DiagnosticLog = DiagnosticLog()) throws -> [Segment] {
        var root = try SSMLDocument.load(text, file: "t.ssml", parser: LibXMLParser())
        if let name { root = DialectTransform(dialect: try Dialects.load(name)).apply(root) }
        let interpreter = Interpreter(resolver: resolver, log: log, capabilities: FakeSynthesizer())
        return try interpreter.plan(root, defaultVoice: resolver.voice(named: "en-us-female")!)
    }

    /// The speech of a plan, inside mixes and fitted durations too.
    static func speech(_ plan: [Segment]) -> [SpeechSegment] {
        plan.flatMap { segment -> [SpeechSegment] in
            if case .speech(let speech) = segment { return [speech] }
            return speech(segment.nested)
        }
    }

    static func pauses(_ plan: [Segment]) -> [Double] {
        plan.compactMap { if case .pause(let seconds, .break, _) = $0 { seconds } else { nil } }
    }
}

@Suite struct PublishedExamplesTests {
    @Test(arguments: Published.files)
    func lintFindsNothingWrongAndPlanningRefusesNothing(_ path: String) throws {
        let dialect = String(path.split(separator: "/")[0])
        let text = try Published.text(path)
        let findings = try Dialects.lint(text, dialect).filter { $0.severity != .note }
        #expect(findings.isEmpty, "\(path): \(findings.map(\.description))")
        let plan = try Published.plan(text, dialect: dialect)
        #expect(!Published.speech(plan).isEmpty, "\(path) says nothing")
    }

    @Test func azureReadsItsBreaksAndSilencesAsDocumented() throws {
        // "The following three ways all add 750 ms breaks."
        let breaks = try Published.plan(try Published.text("azure/breaks.ssml"), dialect: "azure")
        #expect(Published.pauses(breaks) == [0.75, 0.75, 0.75])
        // Sentenceboundary 200ms between the two sentences, none before or after.
        let silence = try Published.plan(try Published.text("azure/silence.ssml"), dialect: "azure")
        #expect(Published.pauses(silence) == [0.2])
        #expect(Published.speech(silence).count == 2)
        let marks = try Published.plan(try Published.text("azure/bookmark.ssml"), dialect: "azure").compactMap { segment -> String? in
            if case .mark(let name, _) = segment { name } else { nil }
        }
        #expect(marks == ["flower_1", "flower_2"])
    }

    @Test func azureVoiceNamesKeepTheirSpeakersGender() throws {
        let hd = Published.speech(try Published.plan(try Published.text("azure/hd-voice.ssml"), dialect: "azure"))
        #expect(hd.map { "\($0.voice.locale) \($0.voice.gender)" } == ["en-US female"])
        let dialog = Published.speech(try Published.plan(try Published.text("azure/multi-talker.ssml"), dialect: "azure"))
        #expect(dialog.map(\.voice.gender) == [.female, .male])
        let role = Published.speech(try Published.plan(try Published.text("azure/role.ssml"), dialect: "azure"))
        // The narration and the daughter's line are one female stretch; the father's line is male.
        #expect(role.map(\.voice.locale) == ["zh-CN", "zh-CN"])
        #expect(role.map(\.voice.gender) == [.female, .male])
        let german = Published.speech(try Published.plan(try Published.text("azure/lang.ssml"), dialect: "azure"))
        #expect(german.map(\.voice.locale) == ["de-DE"])
    }

    @Test func googleVoicesHaveTheGenderGooglePublishes() throws {
        let named = Published.speech(try Published.plan(try Published.text("google/voice-name.ssml"), dialect: "google"))
        let voices = named.map { "\($0.voice.locale) \($0.voice.gender)" }
        #expect(voices == ["en-US female", "en-US male", "en-US female", "en-GB male"], "\(voices)")
        let language = Published.speech(try Published.plan(try Published.text("google/voice-language.ssml"), dialect: "google"))
        #expect(language.map { "\($0.voice.locale) \($0.voice.gender)" }.contains("fr-FR male"))
        for (name, locale, gender) in [
            ("en-US-Neural2-A", "en-US", VoiceGender.male), ("en-US-Neural2-C", "en-US", .female), ("de-DE-Chirp3-HD-Charon", "de-DE", .male),
            ("en-GB-Chirp3-HD-Kore", "en-GB", .female), ("cmn-CN-Wavenet-B", "zh-CN", .male), ("en-US-Studio-Q", "en-US", .male),
        ] {
            let match = try #require(Published.resolver.resolve(name), "\(name)")
            #expect(match.voice.locale == locale && match.voice.gender == gender && match.approximation == nil, "\(name): \(match.voice.name)")
        }
    }

    @Test func threeSecondPausesAsWrittenInEachServicesExample() throws {
        for path in ["google/overview.ssml", "google/assistant-overview.ssml", "polly/whispered.ssml"] {
            let dialect = String(path.split(separator: "/")[0])
            #expect(Published.pauses(try Published.plan(try Published.text(path), dialect: dialect)).contains(3.0), "\(path)")
        }
        // Without a dialect a time without unit is still read as seconds, with a warning.
        let log = DiagnosticLog()
        #expect(Published.pauses(try Published.plan(try Published.text("google/assistant-overview.ssml"), dialect: nil, log: log)) == [3.0])
        #expect(log.warnings.contains { $0.message.contains("has no unit") })
    }

    @Test func pollyWhispersSlowerInTheWhisperVariant() throws {
        let speech = Published.speech(try Published.plan(try Published.text("polly/whispered.ssml"), dialect: "polly"))
        // The whisper is an effect of the request: the voice stays the catalog's, the synthesizer makes it whispered.
        let whispered = speech.filter { $0.effects.voice.whisper }
        #expect(whispered.count == 2)
        #expect(whispered.allSatisfy { !$0.voice.settings.variant.hasPrefix("whisper") })
        #expect(whispered.last.map { abs($0.prosody.rate - 0.9) < 1e-9 } == true)
        let breaths = try Published.plan(try Published.text("polly/breath.ssml"), dialect: "polly").compactMap { segment -> NoiseSegment? in
            if case .noise(let noise) = segment { noise } else { nil }
        }
        #expect(breaths.map(\.seconds) == [0.35] && breaths.allSatisfy { $0.kind == .breath })
    }

    @Test func vonageReadsItsOwnSayAsValues() throws {
        let text = Published.speech(try Published.plan(try Published.text("vonage/table-values.ssml"), dialect: "vonage"))
            .map(\.displayText).joined(separator: " ")
        #expect(text.contains("I A T A"), "\(text)")
        #expect(text.contains("one minute and thirty seconds"), "\(text)")
        #expect(text.contains("March tenth"), "\(text)")
        let date = Published.speech(try Published.plan(try Published.text("vonage/date.ssml"), dialect: "vonage")).map(\.displayText).joined()
        #expect(date.contains("March tenth"), "\(date)")
    }

    @Test(arguments: [
        ("azure", "rate", 1.5), ("azure", "pitch", 1.5), ("google", "pitch", 1.5), ("w3c", "rate", 0.5), ("polly", "rate", 0.5),
    ])
    func unsignedPercentIsReadAsTheServiceReadsIt(_ dialect: String, _ attribute: String, _ factor: Double) throws {
        let plan = try Published.plan("<speak><prosody \(attribute)=\"50%\">Hello there</prosody></speak>", dialect: dialect)
        let prosody = try #require(Published.speech(plan).first?.prosody)
        #expect(abs((attribute == "rate" ? prosody.rate : prosody.pitch) - factor) < 1e-9, "\(dialect) \(attribute)")
    }

    @Test(arguments: [("fr", "fr-FR"), ("en", "en-US"), ("es", "es-ES"), ("nl", "nl-NL"), ("de", "de-DE"), ("pt", "pt-BR")])
    func aBareLanguageTagMeansItsMainRegion(_ tag: String, _ locale: String) throws {
        let speech = Published.speech(try Published.plan("<speak xml:lang=\"\(tag)\">Hallo</speak>", dialect: nil))
        #expect(speech.first?.voice.locale == locale)
    }

    @Test func anUnknownVoiceKeepsTheVoiceInForceAndIsAnErrorOnlyWhenStrict() throws {
        let log = DiagnosticLog()
        let speech = Published.speech(try Published.plan("<speak><voice name=\"en-US-Wavenett-A\">Hi</voice></speak>", dialect: nil, log: log))
        #expect(speech.first?.voice.name == "en-us-female")
        let warning = try #require(log.warnings.first)
        #expect(warning.message.contains("did you mean en-US-Wavenet-A?") && warning.location?.column == 15, "\(warning)")
        #expect(throws: SSMLError.self) {
            try Published.plan("<speak><voice name=\"my-voice\">Hi</voice></speak>", dialect: nil, log: DiagnosticLog(strict: true))
        }
    }

    @Test func textFindingsPointAtTheTextItself() throws {
        let text = "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\" xml:lang=\"en-US\">\n  Hello there\n  <break time=\"1s\"/>\n  last words\n</speak>"
        let places = try Dialects.lint(text, "azure").filter { $0.message.hasPrefix("text directly") }.map { "\($0.location.line):\($0.location.column)" }
        #expect(places == ["2:3", "4:3"])
    }
}

/// `lint --fix` on every planted fault: the fixed text lints without a fixable error and renders, and a fix keeps
/// what is heard (a 3 s break stays 3 s).
@Suite struct FixRoundTripTests {
    static let faults: [(String, String)] =
        LintTests.planted.flatMap { fault in fault.reportedBy.keys.sorted().map { (fault.text, $0) } } + [
            ("<speak>Tom & Jerry <break time=\"3\"/> wait</speak>", "w3c"),
            ("<speak>Tom & Jerry <break time=\"3\"/> wait</speak>", "polly"),
            ("<speak>Code <say-as interpret-as=\"character\">A7</say-as></speak>", "polly"),
            ("<speak>Code <say-as interpret-as=\"number_digit\">12</say-as></speak>", "google"),
            ("Hello <break time=\"30s\"/> there", "polly"),
            ("<speak><prosody rate=\"300%\">quick</prosody> <shout>loud</shout></speak>", "polly"),
        ]

    @Test(arguments: faults)
    func fixedTextLintsCleanAndRenders(_ text: String, _ dialect: String) throws {
        let linter = Linter(dialect: try Dialects.load(dialect), parser: LibXMLParser(), catalog: Dialects.catalog)
        let result = LintFixer.fix(text, file: "t.ssml", linter: linter)
        let errors = result.remaining.filter { $0.severity == .error }
        #expect(errors.allSatisfy { $0.fix == nil }, "\(dialect): \(errors.map(\.description))\n\(result.fixed)")
        if errors.isEmpty {
            let plan = try Published.plan(result.fixed, dialect: dialect)
            #expect(!Published.speech(plan).isEmpty)
            if text.contains("time=\"3\"") { #expect(Published.pauses(plan) == [3.0], "\(result.fixed)") }
        }
    }

    @Test func timedAndMixedExamplesPlanAsTheServicesDescribeThem() throws {
        // Google's <par>: the answer 2 s after the question ends, the boing 0.2 s before the answer ends, the purr 3 times.
        let par = try Published.plan(try Published.text("google/par.ssml"), dialect: "google")
        guard case .mix(let mix)? = par.first, par.count == 1 else { Issue.record("\(par)"); return }
        #expect(mix.kind == .parallel && mix.layers.count == 4)
        #expect(mix.layers.map(\.begin) == [MixTime(offset: 0.5), MixTime(id: "question", edge: .end, offset: 2), MixTime(id: "answer", edge: .end, offset: -0.2), MixTime()])
        #expect(mix.layers[3].repeatCount == 3 && mix.layers[3].fadeIn == 2 && mix.layers[3].fadeOut == 0.2 && abs(mix.layers[3].gainDB - 2.28) < 1e-9)
        let seq = try Published.plan(try Published.text("google/seq.ssml"), dialect: "google")
        guard case .mix(let sequence)? = seq.first else { Issue.record("\(seq)"); return }
        #expect(sequence.kind == .sequence && sequence.layers.map(\.begin.offset) == [0.5, 2, 0, 0])
        // Azure: background audio under the whole document, fading out over 4 s after it; the voice fitted to 20 s.
        let background = try Published.plan(try Published.text("azure/background-audio.ssml"), dialect: "azure")
        guard case .mix(let under)? = background.first else { Issue.record("\(background)"); return }
        #expect(under.kind == .background && under.tail == 4 && under.layers.first?.fadeIn == 3)
        let duration = try Published.plan(try Published.text("azure/audio-duration.ssml"), dialect: "azure")
        guard case .fit(let fit)? = duration.first else { Issue.record("\(duration)"); return }
        #expect(fit.seconds == 20 && fit.rule == .exact && fit.factors == 0.5...2)
        // Polly: at most 2 s, only faster; breaths audible; vocal tracts +15 %, -15 %, +10 %, -10 %.
        let most = try Published.plan(try Published.text("polly/max-duration.ssml"), dialect: "polly")
        guard case .fit(let limit)? = most.first else { Issue.record("\(most)"); return }
        #expect(limit.seconds == 2 && limit.rule == .atMost)
        let breaths = try Published.plan(try Published.text("polly/breaths.ssml"), dialect: "polly").compactMap { segment -> NoiseSegment? in
            if case .noise(let noise) = segment { noise } else { nil }
        }
        #expect(breaths.map(\.seconds) == [0.45, 0.45, 0.25])
        let auto = try Published.plan(try Published.text("polly/auto-breaths.ssml"), dialect: "polly")
        #expect(auto.contains { if case .noise = $0 { true } else { false } })
        let tracts = Published.speech(try Published.plan(try Published.text("polly/vocal-tract.ssml"), dialect: "polly")).map(\.effects.voice.tractLength)
        #expect(tracts.map { ($0 * 100).rounded() } == [100, 115, 85, 100, 110, 90], "\(tracts)")
        let drc = Published.speech(try Published.plan(try Published.text("polly/drc.ssml"), dialect: "polly")).map(\.effects.compression)
        #expect(drc == [false, true])
        // Azure's SAPI and UPS examples are spoken from their phones.
        let sapi = Published.speech(try Published.plan(try Published.text("azure/sapi.ssml"), dialect: "azure")).flatMap(\.pieces)
        #expect(sapi.contains(.ipa("dʒaʊ")) && sapi.contains(.ipa("iɛnjuɛs")), "\(sapi)")
    }
}
